"""Who may do what with jobs (django-rules predicates; objects are jobs, shifts or offers)."""

from __future__ import annotations

from typing import Any

import rules

from jobs.models import Job, Offer, Shift
from members.models import Role
from members.selectors import business_ids_for_contact, coop_ids_for_role, member_for_user


def _job_of(obj: Any) -> Job | None:
    if isinstance(obj, Job):
        return obj
    if isinstance(obj, Shift):
        return obj.job
    if isinstance(obj, Offer):
        return obj.shift.job
    return None


@rules.predicate
def is_business_contact(user: Any) -> bool:
    return bool(business_ids_for_contact(user))


@rules.predicate
def is_contact_of_job_business(user: Any, obj: Any) -> bool:
    job = _job_of(obj)
    return job is not None and job.business_id in business_ids_for_contact(user)


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(coop_ids_for_role(user, Role.Kind.COORDINATOR))


@rules.predicate
def is_coordinator_of_job_coop(user: Any, obj: Any) -> bool:
    job = _job_of(obj)
    return job is not None and job.coop_id in coop_ids_for_role(user, Role.Kind.COORDINATOR)


@rules.predicate
def is_member(user: Any) -> bool:
    return member_for_user(user) is not None


@rules.predicate
def is_offer_member(user: Any, offer: Any) -> bool:
    return isinstance(offer, Offer) and offer.member.user_id == getattr(user, "pk", None)


rules.add_perm("jobs.post_job", is_business_contact)
rules.add_perm("jobs.manage_job", is_contact_of_job_business)
rules.add_perm("jobs.coordinate_jobs", is_coordinator)
rules.add_perm("jobs.coordinate_shift", is_coordinator_of_job_coop)
rules.add_perm("jobs.answer_offer", is_offer_member)
