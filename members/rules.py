"""Who may do what with people and businesses (django `rules`, object-level).

A member sees only their own data, a business contact only their business, staff (coordinator or
board) only the coops they work for. Check with `user.has_perm("members.view_member", member)`.
"""

from __future__ import annotations

from typing import Any

import rules

from coop.models import Cooperative
from members.models import Business, Member, Role
from members.selectors import business_ids_for_contact, coop_ids_for_role, coop_ids_staffed_by, user_is_service_centre


def _coop_ids_of(obj: Any) -> set[int]:
    """The coops an object belongs to (a business may belong to several)."""
    if obj is None:
        return set()
    if isinstance(obj, Cooperative):
        return {obj.pk}
    if isinstance(obj, Business):
        cached = getattr(obj, "_coop_ids_cache", None)
        if cached is None:
            cached = set(obj.relations.values_list("coop_id", flat=True))
            obj._coop_ids_cache = cached  # type: ignore[attr-defined]
        return cached
    coop_id = getattr(obj, "coop_id", None)
    return {coop_id} if coop_id else set()


@rules.predicate
def is_own_member(user: Any, member: Member | None) -> bool:
    return member is not None and getattr(user, "is_authenticated", False) and member.user_id == user.pk


# Without an object (`has_perm("members.view_member")`, as the Django admin asks) the staff
# predicates answer "staff of any coop"; the admin and the office then scope every query to those coops.


@rules.predicate
def is_coordinator_of_coop(user: Any, obj: Any = None) -> bool:
    coop_ids = coop_ids_for_role(user, Role.Kind.COORDINATOR)
    return bool(coop_ids) if obj is None else bool(_coop_ids_of(obj) & coop_ids)


@rules.predicate
def is_board_of_coop(user: Any, obj: Any = None) -> bool:
    coop_ids = coop_ids_for_role(user, Role.Kind.BOARD)
    return bool(coop_ids) if obj is None else bool(_coop_ids_of(obj) & coop_ids)


@rules.predicate
def is_staff_of_coop(user: Any, obj: Any = None) -> bool:
    coop_ids = coop_ids_staffed_by(user)
    return bool(coop_ids) if obj is None else bool(_coop_ids_of(obj) & coop_ids)


@rules.predicate
def is_staff_of_any_coop(user: Any) -> bool:
    return bool(coop_ids_staffed_by(user))


@rules.predicate
def is_service_centre(user: Any) -> bool:
    return user_is_service_centre(user)


@rules.predicate
def is_contact_of_business(user: Any, business: Business | None) -> bool:
    return business is not None and business.pk in business_ids_for_contact(user)


@rules.predicate
def member_gave_consent(user: Any, member: Member | None) -> bool:
    return member is not None and member.assisted_consent_at is not None


rules.add_perm("members.view_member", is_own_member | is_staff_of_coop)
rules.add_perm("members.change_member", is_own_member | is_staff_of_coop)
rules.add_perm("members.admit_member", is_staff_of_coop)
rules.add_perm("members.act_for_member", is_coordinator_of_coop & member_gave_consent)
rules.add_perm("members.view_business", is_contact_of_business | is_staff_of_coop)
rules.add_perm("members.change_business", is_contact_of_business | is_coordinator_of_coop)
# One skill catalogue for all coops, kept by the service centre (docs/decisions/035).
rules.add_perm("members.manage_skills", is_service_centre)
rules.add_perm("members.view_office", is_staff_of_any_coop)

# Model-level permissions the Django admin asks for (querysets are scoped in members/admin.py).
rules.add_perm("members.view_workerprofile", is_staff_of_coop)
rules.add_perm("members.change_workerprofile", is_coordinator_of_coop)
rules.add_perm("members.view_memberskill", is_staff_of_coop)
rules.add_perm("members.change_memberskill", is_coordinator_of_coop)
rules.add_perm("members.add_memberskill", is_coordinator_of_coop)
rules.add_perm("members.delete_memberskill", is_coordinator_of_coop)
rules.add_perm("members.view_skill", is_staff_of_any_coop)
rules.add_perm("members.add_skill", is_service_centre)
rules.add_perm("members.change_skill", is_service_centre)
rules.add_perm("members.view_businessrelation", is_staff_of_coop)
rules.add_perm("members.view_role", is_staff_of_coop)
