"""Filling seats outside a matching round: a business picks a candidate, a coordinator assigns by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.rulebook.book import Rulebook
from jobs.matching.pair import pair_load, pair_reasons
from jobs.models import Assignment, Offer, Shift
from jobs.notifications import offers_notify_on_commit
from jobs.services.offers import _offer_transition
from members.models import Member, Role
from members.selectors import business_ids_for_contact, coop_ids_for_role


@transaction.atomic
def assignment_create_by_business(*, actor: Any, shift_id: int, member_id: int) -> Offer:
    """The business picked a candidate: offer them the seat (they still accept or decline).

    Raises PermissionDenied if the actor is not a contact of the job's business, ValidationError if
    a hard constraint is broken or every seat is taken or already offered.
    """
    # Same lock order as offer_accept: member, then shift.
    member = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member_id)
    shift = Shift.objects.select_for_update(of=("self",)).select_related("job__coop", "job__business").get(pk=shift_id)
    job = shift.job
    if job.business_id not in business_ids_for_contact(actor):
        raise PermissionDenied(_("You can only choose members for your own jobs."))
    rules = Rulebook.for_coop(job.coop)
    pair = pair_load(member=member, shift=shift, rules=rules)
    failures = pair_reasons(pair, to_member=False)
    if failures:
        raise ValidationError(failures)
    if Offer.objects.filter(shift=shift, member=member, status=Offer.Status.PENDING).exists():
        raise ValidationError(_("%(name)s already has an offer for this shift.") % {"name": member.first_name})
    # An offer needs a seat that nobody took and nobody was offered (as in a matching round).
    if pair.taken + pair.offered >= shift.seats:
        raise ValidationError(_("Every place on this shift is taken or already offered."))
    hours = rules.value("offer_expiry_hours", on=timezone.localdate())
    offer = Offer.objects.create(
        shift=shift,
        member=member,
        expires_at=timezone.now() + dt.timedelta(hours=hours),
        reasons={"picked_by_business": True},
    )
    audit_record(
        actor=actor,
        action="offer.created",
        subject=offer,
        coop=job.coop,
        data={"via": "business_pick", "shift": shift.pk, "member": member.pk},
    )
    offers_notify_on_commit([offer.pk])
    return offer


@transaction.atomic
def assignment_create_by_coordinator(
    *, actor: Any, shift_id: int, member_id: int, reason: str, override_reason: str = ""
) -> Assignment:
    """A coordinator gives a member a seat by hand, with a reason in the audit trail.

    Hard constraints (`jobs.matching.pair`, the engine's own) hold unless `override_reason` explains
    why not; a full shift or a member already on it is never overridden. Raises PermissionDenied or ValidationError.
    """
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give a reason for assigning by hand.")]})
    member = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member_id)
    shift = Shift.objects.select_for_update(of=("self",)).select_related("job__coop").get(pk=shift_id)
    if shift.job.coop_id not in coop_ids_for_role(actor, Role.Kind.COORDINATOR):
        raise PermissionDenied(_("You are not a coordinator of this coop."))
    pair = pair_load(member=member, shift=shift, rules=Rulebook.for_coop(shift.job.coop))
    never_overridden = ("seats", "already_assigned")
    refused = pair_reasons(pair, to_member=False, codes=never_overridden)
    if refused:
        raise ValidationError(refused)
    failures = pair_reasons(pair, to_member=False, codes=tuple(c for c in pair.checks if c not in never_overridden))
    if failures and not override_reason.strip():
        raise ValidationError(
            [*failures, _("To assign anyway, explain why in the field 'override the rules because'.")]
        )
    for offer in Offer.objects.select_for_update().filter(shift=shift, member=member, status=Offer.Status.PENDING):
        offer.shift = shift
        _offer_transition(
            offer=offer, new_status=Offer.Status.WITHDRAWN, actor=actor, data={"replaced_by": "hand_assignment"}
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                shift=shift, member=member, assigned_by=actor, reason=reason.strip()[:300]
            )
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s already works on this shift.") % {"name": member.first_name}) from exc
    audit_record(
        actor=actor,
        action="assignment.created",
        subject=assignment,
        coop=shift.job.coop,
        data={
            "via": "hand",
            "reason": reason.strip(),
            "override_reason": override_reason.strip(),
            "overridden": failures if override_reason.strip() else [],
            "shift": shift.pk,
            "member": member.pk,
        },
    )
    return assignment
