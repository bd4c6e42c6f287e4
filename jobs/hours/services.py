"""Writes of the hours workflow: register, approve, correct, not done, accept, dispute, decide, silent approval.

Every status change goes through `_hour_entry_transition`, which checks `HourEntry.TRANSITIONS`, saves
with `update_fields` and writes the audit row in the caller's transaction. Each public service owns its
transaction, locks the entry row (`select_for_update`) and re-checks the status after the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.limits import id_is_valid
from coop.rulebook.selectors import rule_value
from jobs.hours.exceptions import HourEntryTransitionError, HoursError, HoursPermissionError
from jobs.hours.rules import is_entry_business_contact, is_entry_coop_coordinator
from jobs.hours.selectors import hour_entries_overlapping
from jobs.models import Assignment, HourEntry, Shift
from members.models import Member, Role
from members.selectors import business_ids_for_contact, coop_ids_for_role
from members.tasks import email_send_on_commit

Status = HourEntry.Status


# --- validation shared by registering, correcting and deciding ------------------------------------------


def _minutes_text(minutes: int) -> str:
    return _("%(h)d:%(m)02d hours") % {"h": minutes // 60, "m": minutes % 60}


def _hours_validate(
    *, shift: Shift, member: Member, start: dt.time, end: dt.time, break_minutes: int, exclude_pk: int | None
) -> None:
    """Refuse times that end before they start, exceed the shift plus tolerance, or overlap. Raises HoursError."""
    if start is None or end is None:
        raise HoursError(_("Fill in a start and an end time."))
    if end <= start:
        raise HoursError(_("The end time must be after the start time."), field="end_time")
    span = HourEntry.minutes_between(start, end)
    if break_minutes is None or break_minutes < 0:
        raise HoursError(_("The break cannot be negative."), field="break_minutes")
    if break_minutes >= span:
        raise HoursError(_("The break must be shorter than the time between start and end."), field="break_minutes")
    tolerance = int(rule_value(shift.job.coop, "hours_tolerance_minutes", on=shift.date))
    shift_span = HourEntry.minutes_between(shift.start_time, shift.end_time)
    if span > shift_span + tolerance:
        raise HoursError(
            _(
                "These hours (%(hours)s) are longer than the shift (%(shift)s) plus %(tolerance)d minutes. "
                "Check the times or ask the coordinator for help."
            )
            % {"hours": _minutes_text(span), "shift": _minutes_text(shift_span), "tolerance": tolerance},
            field="end_time",
        )
    if hour_entries_overlapping(member=member, date=shift.date, start=start, end=end, exclude_pk=exclude_pk).exists():
        raise HoursError(
            _("These times overlap with other hours registered for this member on the same day."), field="start_time"
        )


def _entry_lock(entry_id: int) -> HourEntry:
    """Lock one entry row (only that row: `of=self`) and load what the checks need."""
    try:
        return (
            HourEntry.objects.select_for_update(of=("self",))
            .select_related(
                "assignment__shift__job__coop", "assignment__shift__job__business", "assignment__member__user"
            )
            .get(pk=entry_id)
        )
    except HourEntry.DoesNotExist:
        raise HoursPermissionError(_("These hours do not exist.")) from None


def _hour_entry_transition(
    *,
    entry: HourEntry,
    to: str,
    actor: Any | None,
    action: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    on_behalf_of: Any | None = None,
    consent_note: str = "",
) -> HourEntry:
    """Move a locked entry to `to` if the map allows it, save the changed fields, audit.

    Raises HourEntryTransitionError.
    """
    old = entry.status
    if to not in HourEntry.TRANSITIONS.get(old, set()):
        raise HourEntryTransitionError(
            _("Hours with status “%(old)s” cannot become “%(new)s”.")
            % {"old": Status(old).label, "new": Status(to).label}
        )
    now = timezone.now()
    changes = dict(changes or {})
    changes["status"] = to
    if to == Status.APPROVED:
        changes["approved_at"] = now
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=f"hour_entry.{action}",
        subject=entry,
        coop=entry.assignment.shift.job.coop,
        data={"old": old, "new": to, **(data or {})},
        on_behalf_of=on_behalf_of,
        consent_note=consent_note,
    )
    return entry


def _times_data(start: dt.time, end: dt.time, break_minutes: int) -> dict[str, Any]:
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"), "break_minutes": break_minutes}


# --- member ----------------------------------------------------------------------------------------------


def hour_entry_submit(
    *,
    assignment_id: int,
    member: Member,
    actor: Any,
    start_time: dt.time,
    end_time: dt.time,
    break_minutes: int = 0,
    note: str = "",
    today: dt.date | None = None,
) -> HourEntry:
    """Register the hours of a shift the member worked; `actor` is the member or a coordinator assisting them.

    Raises HoursError (bad times, overlap, future shift, second entry), HoursPermissionError (not their shift).
    """
    today = today or timezone.localdate()
    on_behalf_of, consent_note = _assisting(member, actor)
    with transaction.atomic():
        # Two registrations by one member at once could each see no overlap and both be saved:
        # lock the member row so registrations of one member happen one after the other.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        assignment = (
            Assignment.objects.select_related("shift__job__coop", "shift__job__business")
            .filter(pk=assignment_id, member=member)
            .first()
        )
        if assignment is None or assignment.status != Assignment.Status.ACTIVE:
            raise HoursPermissionError(_("This member did not have this shift, so no hours can be registered."))
        shift = assignment.shift
        if shift.date > today:
            raise HoursError(_("This shift is still in the future. Register the hours after you worked them."))
        if HourEntry.objects.filter(assignment=assignment).exists():
            raise HoursError(_("Hours for this shift have already been registered."))
        _hours_validate(
            shift=shift, member=member, start=start_time, end=end_time, break_minutes=break_minutes, exclude_pk=None
        )
        try:
            with transaction.atomic():
                entry = HourEntry.objects.create(
                    assignment=assignment,
                    start_time=start_time,
                    end_time=end_time,
                    break_minutes=break_minutes,
                    note=note,
                    status=Status.SUBMITTED,
                    submitted_by=actor,
                )
        except IntegrityError:
            # The one-to-one on assignment is the last guard against a double submit.
            raise HoursError(_("Hours for this shift have already been registered.")) from None
        audit_record(
            actor=actor,
            action="hour_entry.submitted",
            subject=entry,
            coop=shift.job.coop,
            data={
                "new": Status.SUBMITTED,
                **_times_data(start_time, end_time, break_minutes),
                "assignment": assignment.pk,
            },
            on_behalf_of=on_behalf_of,
            consent_note=consent_note,
        )
    return entry


def _member_entry_lock(*, entry_id: int, member: Member) -> HourEntry:
    entry = _entry_lock(entry_id)
    if entry.assignment.member_id != member.pk:  # the member acting, or the member a coordinator assists
        raise HoursPermissionError(_("These are not your hours."))
    return entry


def _assisting(member: Member, actor: Any) -> tuple[Any | None, str]:
    """(on_behalf_of, consent_note) when a coordinator acts for the member; checks they may."""
    if actor is None or actor.pk == member.user_id:
        return None, ""
    if member.coop_id not in coop_ids_for_role(actor, Role.Kind.COORDINATOR) or not member.has_assisted_consent:
        raise HoursPermissionError(_("You may not act for this member."))
    consent = member.assisted_consent_note or _("Consent given on %(day)s") % {
        "day": member.assisted_consent_at.date().isoformat()  # type: ignore[union-attr]
    }
    return member.user, consent


def hour_entry_accept_correction(*, entry_id: int, member: Member, actor: Any) -> HourEntry:
    """The member accepts the business's correction: the corrected times become approved. Raises HoursError."""
    on_behalf_of, consent_note = _assisting(member, actor)
    with transaction.atomic():
        entry = _member_entry_lock(entry_id=entry_id, member=member)
        if entry.status != Status.CORRECTED:
            raise HourEntryTransitionError(_("Only corrected hours can be accepted."))
        return _hour_entry_transition(
            entry=entry,
            to=Status.APPROVED,
            actor=actor,
            action="correction_accepted",
            on_behalf_of=on_behalf_of,
            consent_note=consent_note,
        )


def hour_entry_dispute(*, entry_id: int, member: Member, actor: Any, reason: str) -> HourEntry:
    """The member contests a correction or a "not done"; a coordinator will decide. Raises HoursError."""
    reason = (reason or "").strip()
    if not reason:
        raise HoursError(_("Tell us why you do not agree."), field="reason")
    on_behalf_of, consent_note = _assisting(member, actor)
    with transaction.atomic():
        entry = _member_entry_lock(entry_id=entry_id, member=member)
        return _hour_entry_transition(
            entry=entry,
            to=Status.DISPUTED,
            actor=actor,
            action="disputed",
            changes={"dispute_reason": reason},
            data={"reason": reason},
            on_behalf_of=on_behalf_of,
            consent_note=consent_note,
        )


# --- business --------------------------------------------------------------------------------------------


def _business_entry_lock(*, entry_id: int, actor: Any) -> HourEntry:
    entry = _entry_lock(entry_id)
    if not is_entry_business_contact(actor, entry):
        raise HoursPermissionError(_("These hours belong to another business."))
    return entry


def _require_submitted(entry: HourEntry) -> None:
    if entry.status != Status.SUBMITTED:
        raise HourEntryTransitionError(
            _("These hours were already handled (status: %(status)s).") % {"status": entry.get_status_display()}
        )


def hour_entry_approve(*, entry_id: int, actor: Any) -> HourEntry:
    """A business contact approves submitted hours as registered. Raises HoursError."""
    with transaction.atomic():
        entry = _business_entry_lock(entry_id=entry_id, actor=actor)
        _require_submitted(entry)
        return _hour_entry_transition(
            entry=entry,
            to=Status.APPROVED,
            actor=actor,
            action="approved",
            changes={"handled_by": actor, "handled_at": timezone.now()},
        )


@dataclass
class BulkApproval:
    approved: list[HourEntry] = field(default_factory=list)
    already_handled: list[HourEntry] = field(default_factory=list)


def hour_entries_approve_bulk(*, entry_ids: Iterable[int], actor: Any) -> BulkApproval:
    """Approve several submitted entries in one transaction; one foreign entry refuses them all.

    Entries that someone else handled in the meantime are skipped and reported. Raises HoursError.
    """
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        raise HoursError(_("Choose at least one entry to approve."))
    if not all(id_is_valid(i) for i in ids):
        raise HoursError(_("Unknown hour entry. Choose entries from your list."), field="entries")
    allowed = business_ids_for_contact(actor)
    result = BulkApproval()
    with transaction.atomic():
        # Lock in pk order so two bulk approvals over overlapping rows cannot deadlock.
        entries = list(
            HourEntry.objects.select_for_update(of=("self",))
            .select_related("assignment__shift__job__coop", "assignment__shift__job__business")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(entries) != len(ids) or any(e.assignment.shift.job.business_id not in allowed for e in entries):
            raise HoursPermissionError(_("Some of the chosen hours are not yours to approve. Nothing was changed."))
        now = timezone.now()
        for entry in entries:
            # Re-checked after the lock: a concurrent approval or correction wins and is not overwritten.
            if entry.status != Status.SUBMITTED:
                result.already_handled.append(entry)
                continue
            _hour_entry_transition(
                entry=entry,
                to=Status.APPROVED,
                actor=actor,
                action="approved",
                changes={"handled_by": actor, "handled_at": now},
                data={"bulk": True},
            )
            result.approved.append(entry)
    return result


def hour_entry_correct(
    *, entry_id: int, actor: Any, start_time: dt.time, end_time: dt.time, break_minutes: int, reason: str
) -> HourEntry:
    """A business contact corrects submitted hours; the member sees the reason and can accept or contest.

    Raises HoursError.
    """
    reason = (reason or "").strip()
    if not reason:
        raise HoursError(_("Give a reason for the correction; the member will see it."), field="reason")
    with transaction.atomic():
        entry = _business_entry_lock(entry_id=entry_id, actor=actor)
        _require_submitted(entry)
        if (start_time, end_time, break_minutes) == (entry.start_time, entry.end_time, entry.break_minutes):
            raise HoursError(_("The corrected times are the same as the registered ones. Approve them instead."))
        _hours_validate(
            shift=entry.assignment.shift,
            member=entry.assignment.member,
            start=start_time,
            end=end_time,
            break_minutes=break_minutes,
            exclude_pk=entry.pk,
        )
        entry = _hour_entry_transition(
            entry=entry,
            to=Status.CORRECTED,
            actor=actor,
            action="corrected",
            changes={
                "corrected_start_time": start_time,
                "corrected_end_time": end_time,
                "corrected_break_minutes": break_minutes,
                "correction_reason": reason,
                "handled_by": actor,
                "handled_at": timezone.now(),
            },
            data={**_times_data(start_time, end_time, break_minutes), "reason": reason},
        )
        _member_notify(entry, "corrected")
    return entry


def hour_entry_mark_not_done(*, entry_id: int, actor: Any, reason: str = "") -> HourEntry:
    """A business contact says the work was not done; the member can contest it. Raises HoursError."""
    reason = (reason or "").strip()
    with transaction.atomic():
        entry = _business_entry_lock(entry_id=entry_id, actor=actor)
        _require_submitted(entry)
        entry = _hour_entry_transition(
            entry=entry,
            to=Status.NOT_DONE,
            actor=actor,
            action="marked_not_done",
            changes={"correction_reason": reason, "handled_by": actor, "handled_at": timezone.now()},
            data={"reason": reason},
        )
        _member_notify(entry, "not_done")
    return entry


# --- coordinator -----------------------------------------------------------------------------------------


class Decision:
    APPROVE = "approve"
    NOT_DONE = "not_done"


def hour_entry_decide_dispute(
    *,
    entry_id: int,
    actor: Any,
    outcome: str,
    reason: str,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    break_minutes: int | None = None,
) -> HourEntry:
    """A coordinator of the entry's coop decides a dispute: approve with the given times, or not done.

    Raises HoursError.
    """
    reason = (reason or "").strip()
    if not reason:
        raise HoursError(_("Write down the reason for your decision."), field="reason")
    if outcome not in (Decision.APPROVE, Decision.NOT_DONE):
        raise HoursError(_("Choose approve or not done."), field="outcome")
    with transaction.atomic():
        entry = _entry_lock(entry_id)
        if not is_entry_coop_coordinator(actor, entry):
            raise HoursPermissionError(_("Only a coordinator of this coop can decide this dispute."))
        if entry.status != Status.DISPUTED:
            raise HourEntryTransitionError(_("These hours are not in dispute (any more)."))
        now = timezone.now()
        changes: dict[str, Any] = {"decided_by": actor, "decided_at": now, "decision_reason": reason}
        data: dict[str, Any] = {"reason": reason, "outcome": outcome}
        if outcome == Decision.APPROVE:
            if start_time is None or end_time is None or break_minutes is None:
                raise HoursError(_("Fill in the times you approve."), field="start_time")
            _hours_validate(
                shift=entry.assignment.shift,
                member=entry.assignment.member,
                start=start_time,
                end=end_time,
                break_minutes=break_minutes,
                exclude_pk=entry.pk,
            )
            if (start_time, end_time, break_minutes) == (entry.start_time, entry.end_time, entry.break_minutes):
                # The member was right: their own registration counts.
                changes.update(corrected_start_time=None, corrected_end_time=None, corrected_break_minutes=None)
            else:
                changes.update(
                    corrected_start_time=start_time, corrected_end_time=end_time, corrected_break_minutes=break_minutes
                )
            data.update(_times_data(start_time, end_time, break_minutes))
            to = Status.APPROVED
        else:
            to = Status.NOT_DONE
        entry = _hour_entry_transition(
            entry=entry, to=to, actor=actor, action="dispute_decided", changes=changes, data=data
        )
        _member_notify(entry, "decided")
    return entry


# --- silent approval -------------------------------------------------------------------------------------


def hour_entry_approve_silently(*, entry_id: int, now: dt.datetime | None = None) -> HourEntry | None:
    """Approve one submitted entry once its coop's `hours_silent_approval_days` (rule on the shift date) have
    passed since it was submitted, and tell the business. Returns None when nothing was due; safe to repeat.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            entry = _entry_lock(entry_id)
        except HoursPermissionError:
            return None
        if entry.status != Status.SUBMITTED:
            return None
        shift = entry.assignment.shift
        days = int(rule_value(shift.job.coop, "hours_silent_approval_days", on=shift.date))
        if entry.submitted_at + dt.timedelta(days=days) > now:
            return None
        entry = _hour_entry_transition(
            entry=entry,
            to=Status.APPROVED,
            actor=None,
            action="approved_silently",
            changes={"silently_approved": True},
            data={"days": days},
        )
        _business_notify_silent(entry, days)
    return entry


# --- e-mail ----------------------------------------------------------------------------------------------


def _email_context(entry: HourEntry, **extra: Any) -> dict[str, Any]:
    shift = entry.assignment.shift
    return {
        "entry": entry,
        "shift": shift,
        "job": shift.job,
        "business": shift.job.business,
        "coop": shift.job.coop,
        "member": entry.assignment.member,
        **extra,
    }


def _email_queue(*, template: str, to: list[str], language: str, context: dict[str, Any]) -> None:
    if not to:
        return
    with translation.override(language):
        subject = render_to_string(f"emails/hours/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/hours/{template}_body.txt", context)
        html = render_to_string(f"emails/hours/{template}_body.html", context)
    email_send_on_commit(subject=subject, body=body, to=to, html=html)


def _business_notify_silent(entry: HourEntry, days: int) -> None:
    business = entry.assignment.shift.job.business
    contacts = list(
        Role.objects.filter(kind=Role.Kind.BUSINESS_CONTACT, business=business)
        .select_related("user")
        .order_by("user__email")
    )
    to = sorted({r.user.email for r in contacts if r.user.email}) or [business.billing_email]
    language = contacts[0].user.preferred_language if contacts else "nl"
    _email_queue(template="silently_approved", to=to, language=language, context=_email_context(entry, days=days))


def _member_notify(entry: HourEntry, template: str) -> None:
    user = entry.assignment.member.user
    if user.email:
        _email_queue(
            template=template, to=[user.email], language=user.preferred_language, context=_email_context(entry)
        )
