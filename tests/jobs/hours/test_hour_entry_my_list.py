"""The member's "My hours" page: their own entries with status, nobody else's, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from jobs.models import HourEntry
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import SubmittedHourEntryFactory

pytestmark = pytest.mark.django_db


def test_member_sees_own_entries_and_their_status(client, fatima, jan, fatima_assignment, jan_assignment):  # type: ignore[no-untyped-def]
    SubmittedHourEntryFactory(
        assignment=fatima_assignment,
        status=HourEntry.Status.CORRECTED,
        corrected_start_time=dt.time(9, 30),
        corrected_end_time=dt.time(13),
        corrected_break_minutes=0,
        correction_reason="Came late",
    )
    SubmittedHourEntryFactory(assignment=jan_assignment, note="JAN-SECRET")
    client.force_login(fatima.user)
    with translation.override("en"):
        response = client.get(reverse("hour_entry_my_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Corrected by client" in body
    assert "09:30" in body
    assert fatima_assignment.shift.job.title in body
    assert jan_assignment.shift.job.title not in body


def test_shifts_waiting_for_hours_are_listed(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    response = client.get(reverse("hour_entry_my_list"))
    assert reverse("hour_entry_register", args=[fatima_assignment.pk]) in response.content.decode()


def test_outsider_has_no_hours_page(client, outsider, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    client.force_login(outsider)
    for url in (
        reverse("hour_entry_my_list"),
        reverse("hour_entry_member_detail", args=[entry.pk]),
        reverse("hour_entry_register", args=[fatima_assignment.pk]),
        reverse("hour_entry_dispute", args=[entry.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("hour_entry_accept_correction", args=[entry.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, fatima_assignment):  # type: ignore[no-untyped-def]
    response = client.get(reverse("hour_entry_my_list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_member_cannot_open_another_members_entry(client, fatima, jan, jan_assignment):  # type: ignore[no-untyped-def]
    entry = SubmittedHourEntryFactory(assignment=jan_assignment)
    client.force_login(fatima.user)
    assert client.get(reverse("hour_entry_member_detail", args=[entry.pk])).status_code == 404


def _queries_for(client, member, bakery, rows: int) -> int:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for i in range(rows):
        SubmittedHourEntryFactory(assignment=assignment_at(member, bakery, date=today - dt.timedelta(days=i + 1)))
        assignment_at(
            member, bakery, date=today - dt.timedelta(days=i + 1), start_time=dt.time(14), end_time=dt.time(16)
        )
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("hour_entry_my_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_hours_costs_the_same_queries_for_1_and_50_rows(client, fatima, jan, bakery, lunetten_shop):  # type: ignore[no-untyped-def]
    one = _queries_for(client, jan, lunetten_shop, 1)
    fifty = _queries_for(client, fatima, bakery, 50)
    assert one == fifty
