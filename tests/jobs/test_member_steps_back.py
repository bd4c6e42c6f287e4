"""Pausing, suspension or leaving: pending offers are withdrawn; after a warning the member (or the
coordinator) confirms, and planned future work is cancelled, the businesses are told and matching runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEvent
from jobs.models import Assignment, MatchingRound, Offer
from members.models import Member
from members.selectors import AuditContext
from members.services import member_leave, member_pause, member_suspend
from tests.factories import ActiveMemberFactory
from tests.jobs.conftest import english
from tests.jobs.factories import OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


@pytest.fixture
def fatima_planned(bakery_shift, available_fatima):
    return PlannedAssignmentFactory(shift=bakery_shift, member=available_fatima)


@pytest.fixture
def fatima_pending(bakery_job, available_fatima):
    return PendingOfferFactory(shift=OpenShiftFactory(job=bakery_job), member=available_fatima)


def _state():
    return (
        list(Member.objects.order_by("pk").values_list("status", flat=True)),
        list(Offer.objects.order_by("pk").values_list("status", flat=True)),
        list(Assignment.objects.order_by("pk").values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


def test_pausing_withdraws_pending_offers_and_keeps_planned_work_without_confirmation(fatima_pending, fatima_planned):
    member_pause(ctx=AuditContext.system(), member=fatima_pending.member, reason="holiday")
    fatima_pending.refresh_from_db()
    fatima_planned.refresh_from_db()
    assert fatima_pending.status == Offer.Status.WITHDRAWN
    assert fatima_planned.status == Assignment.Status.ACTIVE
    assert AuditEvent.objects.get(action="offer.withdrawn").data["reason"] == "member_stepped_back"


def test_the_member_sees_what_is_cancelled_before_pausing_and_nothing_changes_yet(
    client, fatima_pending, fatima_planned
):
    client.force_login(fatima_planned.member.user)
    before = _state()
    response = client.post(reverse("member_status"), {"action": "pause", "reason": "holiday"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This will also cancel work" in body
    assert "1 job offer you have not answered yet is withdrawn." in body
    assert "Planned work cancelled: Broodjes smeren at" in body
    assert 'name="confirm" value="yes"' in body
    assert _state() == before


def test_after_confirming_the_work_is_cancelled_the_business_told_and_matching_fills_the_seat(
    client, django_capture_on_commit_callbacks, fatima_pending, fatima_planned, bakery, kanaleneiland
):
    bakery.contact.preferred_language = "en"
    bakery.contact.save(update_fields=["preferred_language"])
    client.force_login(fatima_planned.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_status"), {"action": "pause", "reason": "holiday", "confirm": "yes"})
    assert response.status_code == 302
    fatima_planned.refresh_from_db()
    fatima_pending.refresh_from_db()
    assert fatima_planned.member.status == Member.Status.PAUSED
    assert fatima_planned.status == Assignment.Status.CANCELLED and fatima_planned.cancelled_at is not None
    assert fatima_pending.status == Offer.Status.WITHDRAWN
    to_business = [m for m in mail.outbox if bakery.contact.email in m.to]
    assert len(to_business) == 1
    assert "Broodjes smeren" in to_business[0].subject and "can no longer come" in to_business[0].body
    assert MatchingRound.objects.filter(coop=kanaleneiland).count() == 1


def test_a_shift_that_has_started_is_not_cancelled(fatima, bakery_job):
    now = timezone.localtime()
    started = OpenShiftFactory(job=bakery_job, date=now.date(), start_time=dt.time(0, 0), end_time=dt.time(23, 59))
    assignment = PlannedAssignmentFactory(shift=started, member=fatima)
    member_leave(ctx=AuditContext.system(), member=fatima, cancel_planned=True)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE


def test_a_coordinator_confirms_leaving_for_a_member(
    client, django_capture_on_commit_callbacks, coordinator, fatima_planned, bakery
):
    client.force_login(coordinator)
    url = reverse("office_member_status", args=[fatima_planned.member.pk])
    warning = client.post(url, {"action": "leave", "reason": "moved away"})
    assert "This will also cancel work" in warning.content.decode()
    fatima_planned.refresh_from_db()
    assert fatima_planned.status == Assignment.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "leave", "reason": "moved away", "confirm": "yes"})
    fatima_planned.refresh_from_db()
    assert fatima_planned.member.status == Member.Status.LEFT
    assert fatima_planned.status == Assignment.Status.CANCELLED
    assert any(bakery.contact.email in m.to for m in mail.outbox)


def test_suspension_by_the_board_cancels_planned_work(board_member, fatima_planned):
    member_suspend(
        ctx=AuditContext.for_user(board_member),
        member=fatima_planned.member,
        reason="unpaid debts",
        cancel_planned=True,
    )
    fatima_planned.refresh_from_db()
    assert fatima_planned.status == Assignment.Status.CANCELLED


def test_an_unknown_action_changes_nothing(client, fatima_pending):
    client.force_login(fatima_pending.member.user)
    before = _state()
    response = client.post(reverse("member_status"), {"action": "explode"})
    assert response.status_code == 400 and "Choose what you want to do." in response.content.decode()
    assert _state() == before


def test_other_members_work_is_left_alone(fatima_planned, bakery_shift):
    other = PlannedAssignmentFactory(shift=bakery_shift, member=ActiveMemberFactory(coop=bakery_shift.job.coop))
    member_leave(ctx=AuditContext.system(), member=fatima_planned.member, cancel_planned=True)
    other.refresh_from_db()
    assert other.status == Assignment.Status.ACTIVE
