"""The contract invoicing relies on: approved entries of one coop, with the effective hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.hours.selectors import hour_entries_billable
from jobs.models import HourEntry
from tests.conftest import BusinessPersona
from tests.factories import business_with_contact
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import (
    ApprovedHourEntryFactory,
    CorrectedHourEntryFactory,
    DisputedHourEntryFactory,
    NotDoneHourEntryFactory,
    SubmittedHourEntryFactory,
)

pytestmark = pytest.mark.django_db


def test_only_approved_entries_of_the_coop_are_billable(
    kanaleneiland,
    lunetten,
    fatima,
    jan,
    bakery,  # type: ignore[no-untyped-def]
    lunetten_shop,
):
    today = timezone.localdate()

    def at(days: int):  # type: ignore[no-untyped-def]
        return assignment_at(fatima, bakery, date=today - dt.timedelta(days=days))

    approved = ApprovedHourEntryFactory(assignment=at(1))
    SubmittedHourEntryFactory(assignment=at(2))
    CorrectedHourEntryFactory(assignment=at(3))
    NotDoneHourEntryFactory(assignment=at(4))
    DisputedHourEntryFactory(assignment=at(5))
    other_coop = ApprovedHourEntryFactory(assignment=assignment_at(jan, lunetten_shop))
    assert list(hour_entries_billable(coop=kanaleneiland)) == [approved]
    assert list(hour_entries_billable(coop=lunetten)) == [other_coop]


def test_filters_by_business_and_date_and_orders_by_shift(kanaleneiland, fatima, bakery):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    other, _ = business_with_contact(kanaleneiland)
    newer = ApprovedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=today - dt.timedelta(days=1)))
    older = ApprovedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=today - dt.timedelta(days=8)))
    theirs = ApprovedHourEntryFactory(
        assignment=assignment_at(fatima, BusinessPersona(other, None), date=today - dt.timedelta(days=3))
    )  # type: ignore[arg-type]
    assert list(hour_entries_billable(coop=kanaleneiland)) == [older, theirs, newer]
    assert list(hour_entries_billable(coop=kanaleneiland, business=bakery.business)) == [older, newer]
    assert list(hour_entries_billable(coop=kanaleneiland, until=today - dt.timedelta(days=2))) == [older, theirs]


def test_billable_rows_need_no_further_queries(kanaleneiland, fatima, bakery):  # type: ignore[no-untyped-def]
    for d in range(1, 6):
        day = timezone.localdate() - dt.timedelta(days=d)
        ApprovedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=day))
    with CaptureQueriesContext(connection) as ctx:
        rows = [
            (
                e.assignment.shift.date,
                e.assignment.shift.job.business.legal_name,
                e.assignment.member.first_name,
                e.assignment.shift.job.hourly_client_rate,
                e.hours_worked,
            )
            for e in hour_entries_billable(coop=kanaleneiland)
        ]
    assert len(rows) == 5 and len(ctx.captured_queries) == 1


def test_hours_worked_uses_the_corrected_times_when_there_are_any(fatima_assignment):  # type: ignore[no-untyped-def]
    entry = CorrectedHourEntryFactory.build(
        assignment=fatima_assignment,
        start_time=dt.time(9),
        end_time=dt.time(13),
        break_minutes=0,
        corrected_start_time=dt.time(9, 20),
        corrected_end_time=dt.time(13),
        corrected_break_minutes=10,
    )
    assert entry.hours_worked == Decimal("3.50")
    entry.corrected_start_time = entry.corrected_end_time = entry.corrected_break_minutes = None
    assert entry.hours_worked == Decimal("4.00")


def test_hours_worked_rounds_half_up_to_hundredths() -> None:
    entry = HourEntry(start_time=dt.time(9), end_time=dt.time(9, 10), break_minutes=0)
    assert entry.hours_worked == Decimal("0.17")  # 10/60 = 0.1666...
    entry = HourEntry(start_time=dt.time(9), end_time=dt.time(9, 3), break_minutes=0)
    assert entry.hours_worked == Decimal("0.05")  # 0.05 exactly
    assert HourEntry(start_time=dt.time(9), end_time=dt.time(17), break_minutes=30).minutes_worked == 450
