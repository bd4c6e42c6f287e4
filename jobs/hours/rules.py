"""Who may do what with an hour entry (django-rules predicates). Scoping in the selectors mirrors these."""

from __future__ import annotations

from typing import Any

import rules

from jobs.models import HourEntry
from members.models import Role
from members.selectors import business_ids_for_contact, coop_ids_for_role, coop_ids_staffed_by


@rules.predicate
def is_entry_member(user: Any, entry: HourEntry) -> bool:
    return entry.assignment.member.user_id == user.pk


@rules.predicate
def is_entry_business_contact(user: Any, entry: HourEntry) -> bool:
    return entry.assignment.shift.job.business_id in business_ids_for_contact(user)


@rules.predicate
def is_entry_coop_coordinator(user: Any, entry: HourEntry) -> bool:
    return entry.assignment.shift.job.coop_id in coop_ids_for_role(user, Role.Kind.COORDINATOR)


@rules.predicate
def is_entry_coop_staff(user: Any, entry: HourEntry) -> bool:
    return entry.assignment.shift.job.coop_id in coop_ids_staffed_by(user)


# Names carry a "hours_" prefix so they never collide with jobs/rules.py.
rules.add_perm("jobs.hours_view_entry", is_entry_member | is_entry_business_contact | is_entry_coop_staff)
rules.add_perm("jobs.hours_handle_entry", is_entry_business_contact)
rules.add_perm("jobs.hours_decide_dispute", is_entry_coop_coordinator)
