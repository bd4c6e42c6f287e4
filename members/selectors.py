"""Reads about people, always scoped to the coops the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from coop.models import Cooperative
from members.models import Business, Member, Role

CURRENT_COOP_SESSION_KEY = "current_coop_id"


def coop_ids_for_role(user: Any, *kinds: str) -> set[int]:
    """The ids of the coops where the user holds one of the given roles (cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache: dict[str, set[int]] | None = getattr(user, "_coop_role_cache", None)
    if cache is None:
        cache = {}
        for kind, coop_id in Role.objects.filter(user=user, coop__isnull=False).values_list("kind", "coop_id"):
            cache.setdefault(kind, set()).add(coop_id)
        user._coop_role_cache = cache
    result: set[int] = set()
    for kind in kinds:
        result |= cache.get(kind, set())
    return result


def coop_ids_staffed_by(user: Any) -> set[int]:
    """Coops where the user is a coordinator or board member."""
    return coop_ids_for_role(user, Role.Kind.COORDINATOR, Role.Kind.BOARD)


def business_ids_for_contact(user: Any) -> set[int]:
    """Businesses the user may act for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached: set[int] | None = getattr(user, "_business_ids_cache", None)
    if cached is None:
        cached = set(
            Role.objects.filter(user=user, kind=Role.Kind.BUSINESS_CONTACT).values_list("business_id", flat=True)
        )
        user._business_ids_cache = cached
    return cached


def member_for_user(user: Any) -> Member | None:
    """The user's own member row, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return Member.objects.select_related("coop").get(user=user)
    except Member.DoesNotExist:
        return None


def member_get_for_assistance(*, user: Any, member_id: int) -> Member | None:
    """The member a coordinator may act for: in one of their coops, active or paused, with consent."""
    return (
        Member.objects.select_related("coop", "user")
        .filter(
            pk=member_id,
            coop_id__in=coop_ids_for_role(user, Role.Kind.COORDINATOR),
            assisted_consent_at__isnull=False,
        )
        .first()
    )


def coop_list_for_staff(user: Any) -> QuerySet[Cooperative]:
    """The coops a coordinator or board member works for."""
    return Cooperative.objects.filter(pk__in=coop_ids_staffed_by(user)).order_by("name")


def coop_current_for_staff(request: HttpRequest) -> Cooperative | None:
    """The coop the staff user is working in now (chosen in the session, else their first)."""
    coops = list(coop_list_for_staff(request.user))
    if not coops:
        return None
    chosen = request.session.get(CURRENT_COOP_SESSION_KEY)
    for coop in coops:
        if coop.pk == chosen:
            return coop
    return coops[0]


def business_list_for_contact(user: Any) -> QuerySet[Business]:
    return Business.objects.filter(pk__in=business_ids_for_contact(user)).order_by("legal_name")


@dataclass
class PortalContext:
    member: Member | None = None
    businesses: list[Business] = field(default_factory=list)
    staff_coops: list[Cooperative] = field(default_factory=list)
    is_coordinator: bool = False
    is_board: bool = False
    assisted_member: Member | None = None
    coop: Cooperative | None = None

    @property
    def is_staff_of_a_coop(self) -> bool:
        return bool(self.staff_coops)

    @property
    def several_coops(self) -> bool:
        return len(self.staff_coops) > 1


def user_portal_context(request: HttpRequest) -> PortalContext:
    """Which portals the user has (member, business, office), for the navigation."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return PortalContext()
    member = member_for_user(user)
    staff_coops = list(coop_list_for_staff(user))
    current = coop_current_for_staff(request) if staff_coops else None
    return PortalContext(
        member=member,
        businesses=list(business_list_for_contact(user)),
        staff_coops=staff_coops,
        is_coordinator=bool(coop_ids_for_role(user, Role.Kind.COORDINATOR)),
        is_board=bool(coop_ids_for_role(user, Role.Kind.BOARD)),
        assisted_member=getattr(request, "assisted_member", None),
        coop=current or (member.coop if member else None),
    )
