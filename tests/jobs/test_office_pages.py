"""Coordinator pages: open shifts with free places, assign by hand (reason, hard constraints, override), cancel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coop.models import AuditEvent
from jobs.models import Assignment, Offer, Shift
from tests.jobs.conftest import english
from tests.jobs.factories import OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def assign(client, shift, member, reason="Vaste kracht", override=""):
    return client.post(
        reverse("office_shift_assign", args=[shift.pk]),
        {"member": member.pk, "reason": reason, "override_reason": override},
    )


def test_open_shift_list_shows_unfilled_shifts_of_my_coop_only(
    client, coordinator, bakery_shift, lunetten, kanaleneiland
):
    full = OpenShiftFactory(job__coop=kanaleneiland)
    PlannedAssignmentFactory(shift=full, member__coop=kanaleneiland)
    OpenShiftFactory(job__coop=lunetten)
    client.force_login(coordinator)
    response = client.get(reverse("office_shift_list"))
    assert response.context["shifts"] == [bakery_shift]
    day = client.get(reverse("office_shift_list"), {"day": "2001-01-01"})
    assert day.context["shifts"] == []


def test_open_shift_list_costs_the_same_queries_for_1_and_50(client, coordinator, kanaleneiland):
    client.force_login(coordinator)
    OpenShiftFactory(job__coop=kanaleneiland)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("office_shift_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(49):
        PendingOfferFactory(shift=OpenShiftFactory(job__coop=kanaleneiland, seats=2), member__coop=kanaleneiland)
    assert count() == one


def test_outsiders_and_other_coops_cannot_see_or_assign(
    client, outsider, fatima, bakery, lunetten_coordinator, board_member, bakery_shift, available_fatima
):
    for user in (outsider, fatima.user, bakery.contact, board_member):
        client.force_login(user)
        assert client.get(reverse("office_shift_list")).status_code == 403
        assert client.get(reverse("office_shift_detail", args=[bakery_shift.pk])).status_code == 403
        assert assign(client, bakery_shift, available_fatima).status_code == 403
    client.force_login(lunetten_coordinator)
    assert client.get(reverse("office_shift_list")).context["shifts"] == []
    assert client.get(reverse("office_shift_detail", args=[bakery_shift.pk])).status_code == 404
    assert assign(client, bakery_shift, available_fatima).status_code == 404
    assert client.post(reverse("office_shift_cancel", args=[bakery_shift.pk]), {"reason": "x"}).status_code == 404
    assert Assignment.objects.count() == 0
    bakery_shift.refresh_from_db()
    assert bakery_shift.status == Shift.Status.OPEN


def test_assign_by_hand_with_reason_is_logged(client, coordinator, bakery_shift, available_fatima):
    offer = PendingOfferFactory(shift=bakery_shift, member=available_fatima)
    client.force_login(coordinator)
    response = assign(client, bakery_shift, available_fatima)
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.member == available_fatima and assignment.assigned_by == coordinator
    assert assignment.reason == "Vaste kracht"
    event = AuditEvent.objects.get(action="assignment.created")
    assert event.actor == coordinator and event.data["reason"] == "Vaste kracht" and event.data["via"] == "hand"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_assign_by_hand_needs_a_reason(client, coordinator, bakery_shift, available_fatima):
    client.force_login(coordinator)
    response = assign(client, bakery_shift, available_fatima, reason="")
    assert response.status_code == 400
    assert Assignment.objects.count() == 0


def test_hard_constraints_hold_unless_overridden_with_a_reason(client, coordinator, bakery_shift, fatima):
    client.force_login(coordinator)  # fatima has no availability at all
    response = assign(client, bakery_shift, fatima)
    assert response.status_code == 400
    assert "not available at this time of the week" in response.content.decode()
    assert Assignment.objects.count() == 0
    response = assign(client, bakery_shift, fatima, override="Zij belde: ze kan toch")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="assignment.created")
    assert event.data["override_reason"] == "Zij belde: ze kan toch" and event.data["overridden"]


def test_a_full_shift_is_never_overridden(client, coordinator, bakery_shift, available_fatima, kanaleneiland):
    PlannedAssignmentFactory(shift=bakery_shift, member__coop=kanaleneiland)
    client.force_login(coordinator)
    response = assign(client, bakery_shift, available_fatima, override="toch")
    assert response.status_code == 400
    assert "All places on this shift are taken." in response.content.decode()
    assert Assignment.objects.filter(member=available_fatima).count() == 0


def test_member_of_another_coop_cannot_be_chosen(client, coordinator, bakery_shift, jan):
    client.force_login(coordinator)
    assert assign(client, bakery_shift, jan, override="x").status_code == 400
    assert Assignment.objects.count() == 0


def test_coordinator_cancels_a_shift(client, coordinator, bakery_shift, fatima):
    PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    client.force_login(coordinator)
    response = client.post(reverse("office_shift_cancel", args=[bakery_shift.pk]), {"reason": "Zieke klant"})
    assert response.status_code == 302
    bakery_shift.refresh_from_db()
    assert bakery_shift.status == Shift.Status.CANCELLED
    assert not Assignment.objects.filter(status="active").exists()
