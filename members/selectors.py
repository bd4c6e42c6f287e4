"""Reads about people, always scoped to the coops the asking user may see.

Assisted mode (for other apps)
------------------------------
A coordinator may act for a member who gave consent. Views in any app that act for "the member"
should ask::

    member, ctx = member_acting_as(request)

`member` is the assisted member while a coordinator has assisted mode on, else the user's own
member row, else None. `ctx` is an `AuditContext` to hand to services: its `.actor` is the logged-in
user, and while assisting `.on_behalf_of` is the member's user and `.consent_note` the member's
recorded consent. Write audit rows with `ctx.record(action=..., subject=..., data=...)` (or pass
`**ctx.audit_kwargs()` to `coop.audit.audit_record`) so every assisted write names both people.
`AuditContext.system()` is the context for writes without a person (tasks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode, LedgerLeg
from coop.models import AuditEvent, Cooperative
from coop.money import eur
from members.models import (
    Business,
    BusinessRelation,
    Member,
    MemberShare,
    MemberSkill,
    Role,
    Skill,
    User,
    WorkerProfile,
)

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


def user_is_service_centre(user: Any) -> bool:
    """The shared service centre: a superuser, or a coordinator of every coop of the installation.

    A service-centre coordinator is modelled as a coordinator role in each coop (see the
    `members.models` overview); with a single coop, its coordinators are its service centre.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    coordinated = coop_ids_for_role(user, Role.Kind.COORDINATOR)
    return bool(coordinated) and not Cooperative.objects.exclude(pk__in=coordinated).exists()


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
    """The member a coordinator may act for: in one of their coops, not left or rejected, with consent."""
    return (
        Member.objects.select_related("coop", "user")
        .filter(
            pk=member_id,
            coop_id__in=coop_ids_for_role(user, Role.Kind.COORDINATOR),
            assisted_consent_at__isnull=False,
            status__in=[Member.Status.APPLIED, Member.Status.ACTIVE, Member.Status.PAUSED, Member.Status.SUSPENDED],
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


# --- Assisted mode ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditContext:
    """Who is writing: the actor, and (in assisted mode) the member acted for and their consent."""

    actor: Any | None
    on_behalf_of: Any | None = None
    consent_note: str = ""

    @classmethod
    def system(cls) -> AuditContext:
        return cls(actor=None)

    @classmethod
    def for_user(cls, user: Any) -> AuditContext:
        return cls(actor=user if getattr(user, "is_authenticated", False) else None)

    @property
    def is_assisted(self) -> bool:
        return self.on_behalf_of is not None

    def audit_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "on_behalf_of": self.on_behalf_of, "consent_note": self.consent_note}

    def record(
        self,
        *,
        action: str,
        subject: Any = None,
        data: dict[str, Any] | None = None,
        coop: Cooperative | None = None,
    ) -> AuditEvent:
        """Write one audit row naming the actor and, when assisting, the member and their consent."""
        return audit_record(action=action, subject=subject, data=data, coop=coop, **self.audit_kwargs())


def member_acting_as(request: HttpRequest) -> tuple[Member | None, AuditContext]:
    """The member this request acts for (assisted member, else the user's own) and the audit context."""
    assisted: Member | None = getattr(request, "assisted_member", None)
    if assisted is not None:
        return assisted, AuditContext(
            actor=request.user, on_behalf_of=assisted.user, consent_note=assisted.assisted_consent_note
        )
    return member_for_user(request.user), AuditContext.for_user(request.user)


# --- Applications and members (office) ---------------------------------------------------------


def coop_list_public() -> QuerySet[Cooperative]:
    """All coops, for the application and business registration forms."""
    return Cooperative.objects.order_by("name")


def coop_guess_for_postcode(postcode: str, coops: list[Cooperative] | None = None) -> Cooperative | None:
    """The coop whose neighbourhood covers this postcode (6-character areas win over 4-digit ones)."""
    candidates = coops if coops is not None else list(coop_list_public())
    compact = postcode.replace(" ", "").upper()
    exact = [c for c in candidates if compact in [str(a).replace(" ", "").upper() for a in c.postcode_areas]]
    if exact:
        return exact[0]
    return next((c for c in candidates if c.covers_postcode(compact)), None)


def _with_confirmed_email(qs: QuerySet[Member]) -> QuerySet[Member]:
    from allauth.account.models import EmailAddress
    from django.db.models import Exists, OuterRef

    return qs.annotate(email_confirmed=Exists(EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)))


def member_list_applications(*, coop: Cooperative) -> QuerySet[Member]:
    """Applications waiting for a decision: confirmed e-mail first, then oldest first."""
    return (
        _with_confirmed_email(Member.objects.filter(coop=coop, status=Member.Status.APPLIED))
        .select_related("user")
        .order_by("-email_confirmed", "applied_at", "pk")
    )


def member_list_for_office(*, coop: Cooperative, search: str = "", status: str = "") -> QuerySet[Member]:
    """Members of one coop for the office list, filtered by a search text and a status."""
    qs = Member.objects.filter(coop=coop).select_related("user")
    if status:
        qs = qs.filter(status=status)
    for word in search.split()[:5]:
        q = (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(postcode__icontains=word.replace(" ", "").upper())
        )
        if word.isdigit():
            q |= Q(member_number=int(word))
        qs = qs.filter(q)
    return qs.order_by("last_name", "first_name", "pk")


def member_get_for_office(*, coop: Cooperative, member_id: int) -> Member | None:
    """One member of the coop with profile and skills loaded, or None (other coops do not exist here)."""
    return (
        _with_confirmed_email(Member.objects.filter(coop=coop, pk=member_id))
        .select_related("user", "coop", "decided_by", "profile")
        .prefetch_related(Prefetch("profile__member_skills", MemberSkill.objects.select_related("skill")))
        .first()
    )


def member_skill_list(member: Member) -> list[MemberSkill]:
    try:
        profile = member.profile
    except WorkerProfile.DoesNotExist:
        return []
    return list(profile.member_skills.select_related("skill").order_by("skill__name_nl"))


def audit_list_for_member(member: Member, *, limit: int = 100) -> list[AuditEvent]:
    """Audit rows about the member, and rows written on their behalf."""
    member_type = ContentType.objects.get_for_model(Member)
    return list(
        AuditEvent.objects.filter(
            Q(subject_type=member_type, subject_id=str(member.pk)) | Q(on_behalf_of_id=member.user_id)
        )
        .select_related("actor", "on_behalf_of")
        .order_by("-created_at", "-id")[:limit]
    )


def email_is_confirmed(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


# --- Businesses ---------------------------------------------------------------------------------


def business_list_for_office(*, coop: Cooperative, search: str = "") -> QuerySet[Business]:
    """Businesses working with the coop (active relation)."""
    qs = Business.objects.filter(relations__coop=coop, relations__status=BusinessRelation.Status.ACTIVE).select_related(
        "run_by_member"
    )
    for word in search.split()[:5]:
        qs = qs.filter(Q(legal_name__icontains=word) | Q(trade_name__icontains=word) | Q(kvk_number=word))
    return qs.order_by("legal_name", "pk").distinct()


def business_get_for_office(*, coop: Cooperative, business_id: int) -> Business | None:
    return business_list_for_office(coop=coop).filter(pk=business_id).first()


def business_get_for_contact(*, user: Any, business_id: int) -> Business | None:
    """The business if the user is one of its contacts, else None."""
    if business_id not in business_ids_for_contact(user):
        return None
    return Business.objects.select_related("run_by_member").filter(pk=business_id).first()


def business_contact_list(business: Business) -> list[Role]:
    return list(
        Role.objects.filter(business=business, kind=Role.Kind.BUSINESS_CONTACT)
        .select_related("user")
        .order_by("user__last_name", "user__email")
    )


def business_relation_list(business: Business) -> list[BusinessRelation]:
    return list(business.relations.select_related("coop").order_by("coop__name"))


# --- Skills -------------------------------------------------------------------------------------


def skill_list_all() -> QuerySet[Skill]:
    """Every skill, in use first."""
    return Skill.objects.order_by("-is_active", "name_nl")


def skill_list_active() -> QuerySet[Skill]:
    return Skill.objects.filter(is_active=True).order_by("name_nl")


# --- the share register -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ShareRow:
    """One line of the share register with what the books say: paid in, still open, refunded on."""

    share: MemberShare
    paid: Money
    refunded_on: dt.date | None

    @property
    def open_amount(self) -> Money:
        if self.share.status != MemberShare.Status.OWED:
            return eur(0)
        return eur(self.share.total.amount - self.paid.amount)

    @property
    def status_label(self) -> str:
        if self.refunded_on is not None:
            return str(_("Refunded"))
        return str(self.share.get_status_display())


def _share_rows(shares: QuerySet[MemberShare], coop_id: int) -> list[ShareRow]:
    shares = shares.select_related("member").annotate(paid_sum=Sum("payments__amount"))
    rows = list(shares)
    batched = [s.member_id for s in rows if s.status == MemberShare.Status.IN_BATCH]
    refunded: dict[int, dt.date] = {}
    if batched:
        # Refunded is a fact of the books: the approved batch debited what the coop owed the member.
        # A cancelled batch's posting and its reversal are both left out.
        for member_id, day in (
            LedgerLeg.objects.filter(
                account__coop_id=coop_id,
                account__code=AccountCode.SHARES_REFUNDABLE,
                account__member_id__in=batched,
                debit__isnull=False,
                transaction__reverses__isnull=True,
                transaction__reversed_by__isnull=True,
            )
            .values_list("account__member_id")
            .annotate(day=Max("transaction__occurred_on"))
            .values_list("account__member_id", "day")
        ):
            refunded[int(member_id)] = day
    return [
        ShareRow(
            share=s,
            paid=eur(s.paid_sum or 0),  # type: ignore[attr-defined]
            refunded_on=refunded.get(s.member_id) if s.status == MemberShare.Status.IN_BATCH else None,
        )
        for s in rows
    ]


def share_list_for_member(member: Member) -> list[ShareRow]:
    """A member's own shares, oldest first (three queries)."""
    return _share_rows(MemberShare.objects.filter(member=member).order_by("issued_on", "pk"), member.coop_id)


def share_register_list(coop: Cooperative) -> list[ShareRow]:
    """The coop's share register, by member number (three queries, however many members)."""
    return _share_rows(
        MemberShare.objects.filter(coop=coop).order_by("member__member_number", "issued_on", "pk"), coop.pk
    )


def share_get_for_office(*, coop: Cooperative, share_id: int) -> MemberShare | None:
    return MemberShare.objects.select_related("member", "coop").filter(coop=coop, pk=share_id).first()
