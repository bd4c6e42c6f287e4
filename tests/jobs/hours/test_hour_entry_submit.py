"""A member registers the hours of a shift they worked; every bad input is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import AuditEvent
from coop.rulebook.models import RuleVersion
from jobs.hours.exceptions import HoursError, HoursPermissionError
from jobs.hours.services import hour_entry_submit
from jobs.models import Assignment, HourEntry
from members.middleware import SESSION_KEY
from tests.factories import rule_version_decided
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import ActiveAssignmentFactory, FutureShiftFactory, HoursJobFactory

pytestmark = pytest.mark.django_db


def _post(client, assignment, **overrides):  # type: ignore[no-untyped-def]
    data = {"start_time": "09:00", "end_time": "13:00", "break_minutes": "15", "note": "", **overrides}
    with translation.override("en"):
        return client.post(reverse("hour_entry_register", args=[assignment.pk]), data)


def test_member_registers_hours_of_a_past_shift(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    response = _post(client, fatima_assignment, note="Oven was late")
    assert response.status_code == 302
    entry = HourEntry.objects.get(assignment=fatima_assignment)
    assert entry.status == HourEntry.Status.SUBMITTED
    assert entry.hours_worked == Decimal("3.75")
    assert entry.submitted_by == fatima.user
    event = AuditEvent.objects.get(action="hour_entry.submitted")
    assert event.actor == fatima.user and event.on_behalf_of is None
    assert event.coop == fatima.coop


def test_register_page_shows_the_shift(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    with translation.override("en"):
        response = client.get(reverse("hour_entry_register", args=[fatima_assignment.pk]))
    assert response.status_code == 200
    assert fatima_assignment.shift.job.title in response.content.decode()


def test_end_before_start_is_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    response = _post(client, fatima_assignment, start_time="13:00", end_time="09:00")
    assert response.status_code == 400
    assert "The end time must be after the start time." in response.content.decode()
    assert not HourEntry.objects.exists()


def test_service_refuses_end_before_start_too(fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(HoursError, match="end time must be after"):
        hour_entry_submit(
            assignment_id=fatima_assignment.pk,
            member=fatima,
            actor=fatima.user,
            start_time=dt.time(13),
            end_time=dt.time(9),
        )
    assert not HourEntry.objects.exists()


def test_hours_longer_than_shift_plus_tolerance_are_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    # Shift 09:00-13:00, tolerance 30 minutes by default: 13:31 is one minute too long.
    client.force_login(fatima.user)
    response = _post(client, fatima_assignment, end_time="13:31")
    assert response.status_code == 400
    assert "longer than the shift" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_hours_within_tolerance_are_accepted(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    assert _post(client, fatima_assignment, end_time="13:30").status_code == 302
    assert HourEntry.objects.get().end_time == dt.time(13, 30)


def test_tolerance_comes_from_the_rule_version_on_the_shift_date(fatima, bakery):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rule_version_decided(
        coop=fatima.coop,
        effective_from=today - dt.timedelta(days=3),
        changes={"hours_tolerance_minutes": 0},
        source=RuleVersion.Source.VOTE,
    )
    old = assignment_at(fatima, bakery, date=today - dt.timedelta(days=10))
    new = assignment_at(fatima, bakery, date=today - dt.timedelta(days=1))
    # 10 days ago the founding rule (30 minutes) was in force; yesterday the new one (0 minutes).
    hour_entry_submit(
        assignment_id=old.pk, member=fatima, actor=fatima.user, start_time=dt.time(9), end_time=dt.time(13, 20)
    )
    with pytest.raises(HoursError):
        hour_entry_submit(
            assignment_id=new.pk, member=fatima, actor=fatima.user, start_time=dt.time(9), end_time=dt.time(13, 20)
        )
    assert HourEntry.objects.count() == 1


def test_overlapping_entries_for_the_same_member_are_refused(client, fatima, bakery, fatima_assignment):  # type: ignore[no-untyped-def]
    other = assignment_at(
        fatima, bakery, date=fatima_assignment.shift.date, start_time=dt.time(12), end_time=dt.time(16)
    )
    client.force_login(fatima.user)
    assert _post(client, fatima_assignment).status_code == 302
    response = _post(client, other, start_time="12:30", end_time="16:00", break_minutes="0")
    assert response.status_code == 400
    assert "overlap" in response.content.decode()
    assert HourEntry.objects.count() == 1
    # Touching times do not overlap.
    assert _post(client, other, start_time="13:00", end_time="16:00", break_minutes="0").status_code == 302


def test_entry_for_a_shift_the_member_did_not_have_is_refused(client, fatima, jan_assignment, bakery_shift):  # type: ignore[no-untyped-def]
    someone_else = ActiveAssignmentFactory(shift=bakery_shift)
    client.force_login(fatima.user)
    for assignment in (someone_else, jan_assignment):
        assert _post(client, assignment).status_code == 404
        with pytest.raises(HoursPermissionError):
            hour_entry_submit(
                assignment_id=assignment.pk,
                member=fatima,
                actor=fatima.user,
                start_time=dt.time(9),
                end_time=dt.time(13),
            )
    assert not HourEntry.objects.exists()


def test_entry_for_a_cancelled_assignment_is_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    Assignment.objects.filter(pk=fatima_assignment.pk).update(status=Assignment.Status.CANCELLED)
    client.force_login(fatima.user)
    response = _post(client, fatima_assignment)
    assert response.status_code == 400
    assert "did not have this shift" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_second_entry_for_the_same_assignment_is_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    assert _post(client, fatima_assignment).status_code == 302
    response = _post(client, fatima_assignment, start_time="10:00")
    assert response.status_code == 400
    assert "already been registered" in response.content.decode()
    assert HourEntry.objects.get().start_time == dt.time(9)


def test_shift_in_the_future_is_refused(client, fatima, kanaleneiland, bakery):  # type: ignore[no-untyped-def]
    future = ActiveAssignmentFactory(
        member=fatima, shift=FutureShiftFactory(job=HoursJobFactory(coop=kanaleneiland, business=bakery.business))
    )
    client.force_login(fatima.user)
    response = _post(client, future)
    assert response.status_code == 400
    assert "still in the future" in response.content.decode()
    assert not HourEntry.objects.exists()


def test_break_as_long_as_the_work_is_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    response = _post(client, fatima_assignment, break_minutes="240")
    assert response.status_code == 400
    assert not HourEntry.objects.exists()


def test_errors_are_translated_to_dutch_by_default(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(fatima.user)
    response = client.post(
        reverse("hour_entry_register", args=[fatima_assignment.pk]),
        {"start_time": "13:00", "end_time": "09:00", "break_minutes": "0"},
    )
    assert response.status_code == 400
    assert not HourEntry.objects.exists()


def test_coordinator_registers_for_a_member_in_assisted_mode(client, fatima, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    fatima.assisted_consent_at = timezone.now()
    fatima.assisted_consent_note = "Signed form at the service desk"
    fatima.save(update_fields=["assisted_consent_at", "assisted_consent_note"])
    client.force_login(coordinator)
    session = client.session
    session[SESSION_KEY] = fatima.pk
    session.save()
    assert client.get(reverse("hour_entry_my_list")).status_code == 200
    response = _post(client, fatima_assignment)
    assert response.status_code == 302
    entry = HourEntry.objects.get()
    assert entry.submitted_by == coordinator
    event = AuditEvent.objects.get(action="hour_entry.submitted")
    assert event.actor == coordinator
    assert event.on_behalf_of == fatima.user
    assert event.consent_note == "Signed form at the service desk"


def test_coordinator_without_assisted_mode_cannot_register(client, fatima, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    assert _post(client, fatima_assignment).status_code == 404
    with pytest.raises(HoursPermissionError):  # no consent recorded
        hour_entry_submit(
            assignment_id=fatima_assignment.pk,
            member=fatima,
            actor=coordinator,
            start_time=dt.time(9),
            end_time=dt.time(13),
        )
    assert not HourEntry.objects.exists()


def test_coordinator_of_another_coop_cannot_register(fatima, lunetten_coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    fatima.assisted_consent_at = timezone.now()
    fatima.save(update_fields=["assisted_consent_at"])
    with pytest.raises(HoursPermissionError):
        hour_entry_submit(
            assignment_id=fatima_assignment.pk,
            member=fatima,
            actor=lunetten_coordinator,
            start_time=dt.time(9),
            end_time=dt.time(13),
        )
    assert not HourEntry.objects.exists()
