"""Races between two people handling the same hours at once (row locks: PostgreSQL only)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from coop.models import AuditEvent
from jobs.hours.exceptions import HoursError
from jobs.hours.services import (
    hour_entries_approve_bulk,
    hour_entry_mark_not_done,
    hour_entry_submit,
)
from jobs.models import HourEntry
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import SubmittedHourEntryFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (select_for_update)"),
    pytest.mark.django_db(transaction=True),
]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_approve_and_not_done_at_once_one_wins(bakery, fatima):  # type: ignore[no-untyped-def]
    for day in range(1, 6):
        entry = SubmittedHourEntryFactory(
            assignment=assignment_at(fatima, bakery, date=timezone.localdate() - dt.timedelta(days=day))
        )
        entry_id = entry.pk
        results = _race(
            lambda: hour_entries_approve_bulk(entry_ids=[entry_id], actor=bakery.contact),  # noqa: B023
            lambda: hour_entry_mark_not_done(entry_id=entry_id, actor=bakery.contact, reason="no"),  # noqa: B023
        )
        entry.refresh_from_db()
        changes = AuditEvent.objects.filter(action__startswith="hour_entry.", subject_id=str(entry_id)).count()
        assert changes == 1, results
        if entry.status == HourEntry.Status.APPROVED:
            assert isinstance(results[1], HoursError)
        else:
            assert entry.status == HourEntry.Status.NOT_DONE
            assert results[0].approved == [] and len(results[0].already_handled) == 1


def test_two_overlapping_registrations_at_once_only_one_is_saved(fatima, bakery):  # type: ignore[no-untyped-def]
    first = assignment_at(fatima, bakery, start_time=dt.time(9), end_time=dt.time(13))
    second = assignment_at(fatima, bakery, date=first.shift.date, start_time=dt.time(11), end_time=dt.time(15))

    def submit(assignment_id: int, start: dt.time, end: dt.time) -> HourEntry:
        return hour_entry_submit(
            assignment_id=assignment_id, member=fatima, actor=fatima.user, start_time=start, end_time=end
        )

    results = _race(
        lambda: submit(first.pk, dt.time(9), dt.time(13)), lambda: submit(second.pk, dt.time(11), dt.time(15))
    )
    assert HourEntry.objects.count() == 1
    assert sum(isinstance(r, HoursError) for r in results) == 1
