"""Answering offers: accept (atomic, the last seat goes to one member), decline, expire."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.rulebook.book import Rulebook
from jobs.matching.pair import pair_load, pair_reasons
from jobs.models import Assignment, Offer, Shift
from members.models import Member


def _offer_transition(
    *,
    offer: Offer,
    new_status: str,
    actor: Any,
    on_behalf_of: Any = None,
    consent_note: str = "",
    data: dict[str, Any] | None = None,
) -> Offer:
    """Move a (locked) offer along its state machine, save, and audit. Raises ValidationError."""
    old = offer.status
    if new_status not in Offer.TRANSITIONS.get(old, set()):
        raise ValidationError(_("This offer can no longer change."))
    offer.status = new_status
    fields = ["status"]
    if new_status in (Offer.Status.ACCEPTED, Offer.Status.DECLINED):
        offer.responded_at = timezone.now()
        fields.append("responded_at")
    offer.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"offer.{new_status}",
        subject=offer,
        coop=offer.shift.job.coop,
        on_behalf_of=on_behalf_of,
        consent_note=consent_note,
        data={"old": old, "new": new_status, "shift": offer.shift_id, "member": offer.member_id, **(data or {})},
    )
    return offer


def _answered_message(offer: Offer) -> str:
    if offer.status == Offer.Status.ACCEPTED:
        return _("You already accepted this offer. It is in your schedule.")
    if offer.status == Offer.Status.DECLINED:
        return _("You already declined this offer.")
    if offer.status == Offer.Status.EXPIRED:
        return _("This offer has expired. The place went back to the other members.")
    return _("This offer was withdrawn, for example because the shift was cancelled.")


@transaction.atomic
def offer_accept(
    *, offer_id: int, member: Member, actor: Any, on_behalf_of: Any = None, consent_note: str = ""
) -> Assignment:
    """Accept an offer: the member gets the seat. Returns the new assignment.

    Raises ValidationError (translated) if the offer is not this member's, not pending or expired,
    or any hard constraint of the pair fails now (`jobs.matching.pair`: the shift is full, cancelled
    or started, the member has other work then, a limit, a skill, ...).
    """
    # Lock order for every write that fills a seat: member row, then shift row, then offer row.
    # The member lock serialises two tabs (or two overlapping offers) of one member; the shift lock
    # serialises two members racing for the last seat. Re-check everything after the locks.
    locked_member = Member.objects.select_for_update().get(pk=member.pk)
    shift_id = Offer.objects.filter(pk=offer_id, member=locked_member).values_list("shift_id", flat=True).first()
    if shift_id is None:
        raise ValidationError(_("This offer is not for you."))
    shift = Shift.objects.select_for_update(of=("self",)).select_related("job__coop").get(pk=shift_id)
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    offer.shift = shift
    if offer.status != Offer.Status.PENDING:
        raise ValidationError(_answered_message(offer))
    if offer.expires_at <= timezone.now():
        raise ValidationError(_("This offer has expired. The place went back to the other members."))
    # The matching round checked the pair when it made the offer; since then a hand assignment, a
    # lapsed certificate, a new rule or the member's own profile may have changed it. The same checks
    # again (the engine's own), with this offer's claim on the member's time left out.
    failures = pair_reasons(
        pair_load(member=locked_member, shift=shift, rules=Rulebook.for_coop(shift.job.coop)), to_member=True
    )
    if failures:
        raise ValidationError(failures)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(shift=shift, member=locked_member, offer=offer, assigned_by=actor)
    except IntegrityError as exc:  # the database constraints are the last guard
        raise ValidationError(_("You already have a place on this shift.")) from exc
    _offer_transition(
        offer=offer,
        new_status=Offer.Status.ACCEPTED,
        actor=actor,
        on_behalf_of=on_behalf_of,
        consent_note=consent_note,
        data={"assignment": assignment.pk},
    )
    audit_record(
        actor=actor,
        action="assignment.created",
        subject=assignment,
        coop=shift.job.coop,
        on_behalf_of=on_behalf_of,
        consent_note=consent_note,
        data={"via": "offer", "offer": offer.pk, "shift": shift.pk, "member": locked_member.pk},
    )
    return assignment


@transaction.atomic
def offer_decline(
    *, offer_id: int, member: Member, actor: Any, on_behalf_of: Any = None, consent_note: str = ""
) -> Offer:
    """Decline an offer; its seat goes back into the next matching round.

    Raises ValidationError if the offer is not this member's or no longer pending.
    """
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("shift__job__coop")
        .filter(pk=offer_id, member=member)
        .first()
    )
    if offer is None:
        raise ValidationError(_("This offer is not for you."))
    if offer.status != Offer.Status.PENDING:
        raise ValidationError(_answered_message(offer))
    return _offer_transition(
        offer=offer, new_status=Offer.Status.DECLINED, actor=actor, on_behalf_of=on_behalf_of, consent_note=consent_note
    )


@transaction.atomic
def offer_expire(*, offer_id: int) -> bool:
    """Mark one pending offer past its answer time as expired; False if it changed meanwhile."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("shift__job__coop").filter(pk=offer_id).first()
    if offer is None or offer.status != Offer.Status.PENDING or offer.expires_at > timezone.now():
        return False
    _offer_transition(offer=offer, new_status=Offer.Status.EXPIRED, actor=None)
    return True
