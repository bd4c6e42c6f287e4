"""Reads of hour entries, always scoped (member, business, coop) and with their joins loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from coop.models import Cooperative
from jobs.models import Assignment, HourEntry
from members.models import Business, Member

# Everything a list row, an invoice line or an e-mail needs, in one join.
_ENTRY_RELATED = (
    "assignment__shift__job__business",
    "assignment__shift__job__coop",
    "assignment__member__user",
)


def _entries() -> QuerySet[HourEntry]:
    return HourEntry.objects.select_related(*_ENTRY_RELATED)


def hour_entries_billable(
    *, coop: Cooperative, business: Business | None = None, until: dt.date | None = None
) -> QuerySet[HourEntry]:
    """Approved hour entries of a coop (optionally one business, shifts up to `until`), oldest shift first.

    Contract with invoicing: this returns every APPROVED entry, billed or not. Billing is known only
    from invoicing's `InvoiceLine.hour_entry` reverse relation, which this layer may not import, so the
    invoice run excludes billed entries itself, e.g. `.filter(invoice_line__isnull=True)` (use the
    related_name it defines). An entry only becomes APPROVED (business approval, member accepting a
    correction, silent approval or a coordinator's decision) and never leaves APPROVED, so a billed
    entry cannot change under an invoice. Amounts use `entry.hours_worked` (Decimal, 0.01 h, from the
    corrected times when there are any) and `entry.assignment.shift.date` as the work date.
    Joins loaded: assignment__shift__job__business, assignment__shift__job__coop, assignment__member__user.
    """
    qs = _entries().filter(status=HourEntry.Status.APPROVED, assignment__shift__job__coop=coop)
    if business is not None:
        qs = qs.filter(assignment__shift__job__business=business)
    if until is not None:
        qs = qs.filter(assignment__shift__date__lte=until)
    return qs.order_by("assignment__shift__date", "assignment__shift__start_time", "pk")


def hour_entry_list_for_member(*, member: Member) -> QuerySet[HourEntry]:
    """The member's own entries, newest shift first."""
    return _entries().filter(assignment__member=member).order_by("-assignment__shift__date", "-pk")


def assignment_list_to_register(*, member: Member, today: dt.date) -> QuerySet[Assignment]:
    """The member's active assignments of shifts up to today that have no hour entry yet."""
    return (
        Assignment.objects.select_related("shift__job__business")
        .filter(member=member, status=Assignment.Status.ACTIVE, shift__date__lte=today, hour_entry__isnull=True)
        .order_by("-shift__date", "-shift__start_time")
    )


def assignment_get_for_member(*, member: Member, assignment_id: int) -> Assignment | None:
    """One assignment of the member (any status), or None."""
    return (
        Assignment.objects.select_related("shift__job__coop", "shift__job__business", "member__user")
        .filter(pk=assignment_id, member=member)
        .first()
    )


def hour_entry_list_for_business(*, business_ids: Iterable[int], status: str | None = None) -> QuerySet[HourEntry]:
    """Entries for shifts of the given businesses (those the user is a contact of)."""
    qs = _entries().filter(assignment__shift__job__business_id__in=list(business_ids))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-assignment__shift__date", "-pk")


def hour_entry_get_for_business(*, business_ids: Iterable[int], entry_id: int) -> HourEntry | None:
    return hour_entry_list_for_business(business_ids=business_ids).filter(pk=entry_id).first()


def hour_entry_get_for_member(*, member: Member, entry_id: int) -> HourEntry | None:
    return hour_entry_list_for_member(member=member).filter(pk=entry_id).first()


def hour_entry_list_disputed(*, coop_ids: Iterable[int]) -> QuerySet[HourEntry]:
    """Disputed entries of the coops the coordinator works for, oldest first."""
    return (
        _entries()
        .filter(status=HourEntry.Status.DISPUTED, assignment__shift__job__coop_id__in=list(coop_ids))
        .order_by("submitted_at", "pk")
    )


def hour_entry_get_disputed(*, coop_ids: Iterable[int], entry_id: int) -> HourEntry | None:
    return hour_entry_list_disputed(coop_ids=coop_ids).filter(pk=entry_id).first()


def hour_entries_overlapping(
    *, member: Member, date: dt.date, start: dt.time, end: dt.time, exclude_pk: int | None = None
) -> QuerySet[HourEntry]:
    """The member's other live entries on `date` whose registered or corrected times overlap [start, end).

    Entries marked not done do not block. The check uses both the member's and the corrected times so
    a correction cannot hide an overlap.
    """
    overlap_own = Q(start_time__lt=end, end_time__gt=start, corrected_start_time__isnull=True)
    overlap_corrected = Q(corrected_start_time__lt=end, corrected_end_time__gt=start)
    qs = (
        HourEntry.objects.filter(assignment__member=member, assignment__shift__date=date)
        .exclude(status=HourEntry.Status.NOT_DONE)
        .filter(overlap_own | overlap_corrected)
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def hour_entries_due_for_silent_approval(*, now: Any) -> list[int]:
    """Ids of submitted entries older than their coop's `hours_silent_approval_days` on the shift date.

    The day count can differ per coop and per rule version, so the cut-off is checked per entry in
    the service; this selector returns the candidates old enough under the shortest possible rule
    (1 day, the rule's lower bound) to keep the scan small.
    """
    return list(
        HourEntry.objects.filter(status=HourEntry.Status.SUBMITTED, submitted_at__lte=now - dt.timedelta(days=1))
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
