"""Correction flow: the member accepts or contests; a coordinator of the coop decides disputes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import AuditEvent
from jobs.hours.exceptions import HourEntryTransitionError, HoursError, HoursPermissionError
from jobs.hours.services import (
    hour_entry_accept_correction,
    hour_entry_correct,
    hour_entry_decide_dispute,
    hour_entry_dispute,
)
from jobs.models import HourEntry
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import (
    CorrectedHourEntryFactory,
    DisputedHourEntryFactory,
    NotDoneHourEntryFactory,
    SubmittedHourEntryFactory,
)

pytestmark = pytest.mark.django_db


def test_member_accepts_a_correction_and_the_corrected_times_count(client, fatima, bakery, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    hour_entry_correct(
        entry_id=entry.pk,
        actor=bakery.contact,
        start_time=dt.time(9, 30),
        end_time=dt.time(13),
        break_minutes=30,
        reason="Half an hour late",
    )
    client.force_login(fatima.user)
    response = client.post(reverse("hour_entry_accept_correction", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.APPROVED
    assert entry.hours_worked == Decimal("3.00")
    assert AuditEvent.objects.get(action="hour_entry.correction_accepted").actor == fatima.user


def test_member_contests_a_correction_and_the_coordinator_decides(
    client,
    fatima,
    bakery,
    coordinator,  # type: ignore[no-untyped-def]
    fatima_assignment,
    django_capture_on_commit_callbacks,
):
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    hour_entry_correct(
        entry_id=entry.pk,
        actor=bakery.contact,
        start_time=dt.time(10),
        end_time=dt.time(13),
        break_minutes=15,
        reason="Started at ten",
    )
    client.force_login(fatima.user)
    response = client.post(reverse("hour_entry_dispute", args=[entry.pk]), {"reason": "I was there at nine"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.DISPUTED and entry.dispute_reason == "I was there at nine"

    client.force_login(coordinator)
    with translation.override("en"):
        listing = client.get(reverse("hour_entry_dispute_list"))
    assert listing.status_code == 200 and "I was there at nine" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hour_entry_dispute_decide", args=[entry.pk]),
            {
                "outcome": "approve",
                "start_time": "09:00",
                "end_time": "13:00",
                "break_minutes": "15",
                "reason": "The baker confirmed by phone",
            },
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.APPROVED
    # The member was right: their own registration counts again.
    assert entry.corrected_start_time is None and entry.hours_worked == Decimal("3.75")
    assert entry.decided_by == coordinator and entry.decision_reason == "The baker confirmed by phone"
    event = AuditEvent.objects.get(action="hour_entry.dispute_decided")
    assert event.actor == coordinator and event.data["reason"] == "The baker confirmed by phone"
    assert event.data["outcome"] == "approve" and event.data["start"] == "09:00"
    assert mail.outbox[-1].to == [fatima.user.email]


def test_coordinator_approves_other_times(coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = DisputedHourEntryFactory(assignment=fatima_assignment)
    hour_entry_decide_dispute(
        entry_id=entry.pk,
        actor=coordinator,
        outcome="approve",
        reason="Middle ground",
        start_time=dt.time(9, 15),
        end_time=dt.time(13),
        break_minutes=15,
    )
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.APPROVED
    assert entry.effective_start_time == dt.time(9, 15) and entry.hours_worked == Decimal("3.50")


def test_member_contests_not_done_and_coordinator_confirms_not_done(
    client,
    fatima,
    coordinator,  # type: ignore[no-untyped-def]
    fatima_assignment,
):
    entry = NotDoneHourEntryFactory(assignment=fatima_assignment)
    client.force_login(fatima.user)
    assert client.post(reverse("hour_entry_dispute", args=[entry.pk]), {"reason": "I did work"}).status_code == 302
    client.force_login(coordinator)
    response = client.post(
        reverse("hour_entry_dispute_decide", args=[entry.pk]), {"outcome": "not_done", "reason": "Camera shows nobody"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.NOT_DONE and entry.decision_reason == "Camera shows nobody"


def test_dispute_without_reason_is_refused(client, fatima, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = CorrectedHourEntryFactory(assignment=fatima_assignment)
    client.force_login(fatima.user)
    assert client.post(reverse("hour_entry_dispute", args=[entry.pk]), {"reason": ""}).status_code == 400
    with pytest.raises(HoursError):
        hour_entry_dispute(entry_id=entry.pk, member=fatima, actor=fatima.user, reason="   ")
    assert HourEntry.objects.get().status == HourEntry.Status.CORRECTED


def test_decision_without_reason_or_times_is_refused(client, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = DisputedHourEntryFactory(assignment=fatima_assignment)
    client.force_login(coordinator)
    url = reverse("hour_entry_dispute_decide", args=[entry.pk])
    assert (
        client.post(
            url, {"outcome": "approve", "start_time": "09:00", "end_time": "13:00", "break_minutes": "0", "reason": ""}
        ).status_code
        == 400
    )
    assert client.post(url, {"outcome": "approve", "reason": "ok"}).status_code == 400
    with translation.override("en"):
        too_long = client.post(
            url,
            {"outcome": "approve", "start_time": "07:00", "end_time": "13:00", "break_minutes": "0", "reason": "ok"},
        )
    assert too_long.status_code == 400 and "longer than the shift" in too_long.content.decode()
    assert HourEntry.objects.get().status == HourEntry.Status.DISPUTED
    assert not AuditEvent.objects.filter(action__startswith="hour_entry.").exists()


def test_board_member_sees_disputes_but_cannot_decide(client, board_member, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = DisputedHourEntryFactory(assignment=fatima_assignment)
    client.force_login(board_member)
    assert client.get(reverse("hour_entry_dispute_list")).status_code == 200
    response = client.post(
        reverse("hour_entry_dispute_decide", args=[entry.pk]), {"outcome": "not_done", "reason": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(HoursPermissionError):
        hour_entry_decide_dispute(entry_id=entry.pk, actor=board_member, outcome="not_done", reason="x")
    assert HourEntry.objects.get().status == HourEntry.Status.DISPUTED


def test_coordinator_of_another_coop_never_sees_the_dispute(
    client,
    lunetten_coordinator,
    fatima_assignment,  # type: ignore[no-untyped-def]
    jan_assignment,
):
    entry = DisputedHourEntryFactory(assignment=fatima_assignment)
    theirs = DisputedHourEntryFactory(assignment=jan_assignment, dispute_reason="LUNETTEN-DISPUTE")
    client.force_login(lunetten_coordinator)
    body = client.get(reverse("hour_entry_dispute_list")).content.decode()
    assert "LUNETTEN-DISPUTE" in body and entry.dispute_reason not in body
    assert client.get(reverse("hour_entry_dispute_decide", args=[entry.pk])).status_code == 404
    assert (
        client.post(
            reverse("hour_entry_dispute_decide", args=[entry.pk]), {"outcome": "not_done", "reason": "x"}
        ).status_code
        == 404
    )
    with pytest.raises(HoursPermissionError):
        hour_entry_decide_dispute(entry_id=entry.pk, actor=lunetten_coordinator, outcome="not_done", reason="x")
    assert HourEntry.objects.get(pk=entry.pk).status == HourEntry.Status.DISPUTED
    assert theirs.pk != entry.pk


def test_outsider_member_and_business_cannot_open_the_dispute_pages(
    client,
    outsider,
    fatima,
    bakery,  # type: ignore[no-untyped-def]
    fatima_assignment,
):
    entry = DisputedHourEntryFactory(assignment=fatima_assignment)
    for user in (outsider, fatima.user, bakery.contact):
        client.force_login(user)
        assert client.get(reverse("hour_entry_dispute_list")).status_code == 403
        assert client.get(reverse("hour_entry_dispute_decide", args=[entry.pk])).status_code == 403


def test_dispute_list_costs_the_same_queries_for_1_and_50_rows(
    client,
    coordinator,
    lunetten_coordinator,  # type: ignore[no-untyped-def]
    fatima,
    jan,
    bakery,
    lunetten_shop,
):
    def queries(user, member, persona, rows):  # type: ignore[no-untyped-def]
        for i in range(rows):
            DisputedHourEntryFactory(
                assignment=assignment_at(member, persona, date=timezone.localdate() - dt.timedelta(days=i + 1))
            )
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("hour_entry_dispute_list")).status_code == 200
        return len(ctx.captured_queries)

    assert queries(lunetten_coordinator, jan, lunetten_shop, 1) == queries(coordinator, fatima, bakery, 50)


# --- the state machine ----------------------------------------------------------------------------------


def test_state_machine_refuses_illegal_transitions(fatima, bakery, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    approved = SubmittedHourEntryFactory(
        assignment=fatima_assignment, status=HourEntry.Status.APPROVED, approved_at=timezone.now()
    )
    submitted = SubmittedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, start_time=dt.time(14), end_time=dt.time(16)),
        start_time=dt.time(14),
        end_time=dt.time(16),
        break_minutes=0,
    )
    with translation.override("en"):
        # An approved entry is final: it may already be on an invoice.
        with pytest.raises(HourEntryTransitionError):
            hour_entry_dispute(entry_id=approved.pk, member=fatima, actor=fatima.user, reason="no")
        with pytest.raises(HourEntryTransitionError):
            hour_entry_correct(
                entry_id=approved.pk,
                actor=bakery.contact,
                start_time=dt.time(10),
                end_time=dt.time(13),
                break_minutes=0,
                reason="late",
            )
        # A submitted entry cannot be disputed, accepted or decided.
        with pytest.raises(HourEntryTransitionError):
            hour_entry_dispute(entry_id=submitted.pk, member=fatima, actor=fatima.user, reason="no")
        with pytest.raises(HourEntryTransitionError):
            hour_entry_accept_correction(entry_id=submitted.pk, member=fatima, actor=fatima.user)
        with pytest.raises(HourEntryTransitionError):
            hour_entry_decide_dispute(entry_id=submitted.pk, actor=coordinator, outcome="not_done", reason="x")
    assert dict(HourEntry.objects.values_list("pk", "status")) == {approved.pk: "approved", submitted.pk: "submitted"}
    assert not AuditEvent.objects.filter(action__startswith="hour_entry.").exists()


def test_member_cannot_accept_or_dispute_someone_elses_entry(jan, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = CorrectedHourEntryFactory(assignment=fatima_assignment)
    with pytest.raises(HoursPermissionError):
        hour_entry_accept_correction(entry_id=entry.pk, member=jan, actor=jan.user)
    with pytest.raises(HoursPermissionError):
        hour_entry_dispute(entry_id=entry.pk, member=jan, actor=jan.user, reason="mine")
    assert HourEntry.objects.get().status == HourEntry.Status.CORRECTED


def test_transitions_map_has_every_status_and_approved_is_final() -> None:
    assert set(HourEntry.TRANSITIONS) == set(HourEntry.Status.values)
    assert HourEntry.TRANSITIONS[HourEntry.Status.APPROVED] == set()


def test_coordinator_contests_for_a_member_in_assisted_mode(client, fatima, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    from members.middleware import SESSION_KEY

    fatima.assisted_consent_at = timezone.now()
    fatima.save(update_fields=["assisted_consent_at"])
    entry = CorrectedHourEntryFactory(assignment=fatima_assignment)
    client.force_login(coordinator)
    session = client.session
    session[SESSION_KEY] = fatima.pk
    session.save()
    response = client.post(reverse("hour_entry_dispute", args=[entry.pk]), {"reason": "She told me at the desk"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="hour_entry.disputed")
    assert event.actor == coordinator and event.on_behalf_of == fatima.user and event.consent_note


def test_view_permission_follows_the_roles(
    fatima,
    jan,
    bakery,
    lunetten_shop,
    coordinator,
    lunetten_coordinator,  # type: ignore[no-untyped-def]
    outsider,
    fatima_assignment,
):
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    allowed = {fatima.user, bakery.contact, coordinator}
    for user in (
        fatima.user,
        bakery.contact,
        coordinator,
        jan.user,
        lunetten_shop.contact,
        lunetten_coordinator,
        outsider,
    ):
        assert user.has_perm("jobs.hours_view_entry", entry) == (user in allowed), user
    assert bakery.contact.has_perm("jobs.hours_handle_entry", entry)
    assert not fatima.user.has_perm("jobs.hours_handle_entry", entry)
    assert coordinator.has_perm("jobs.hours_decide_dispute", entry)
    assert not lunetten_coordinator.has_perm("jobs.hours_decide_dispute", entry)
