"""Answering offers: accept (atomic, re-checked), decline, expiry; UI, services and assisted mode."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import AuditEvent
from jobs.models import Assignment, Offer, Shift
from jobs.services.offers import offer_accept, offer_decline, offer_expire
from jobs.tasks import offers_expire_task
from members.middleware import SESSION_KEY
from tests.factories import ActiveMemberFactory
from tests.jobs.conftest import english
from tests.jobs.factories import (
    ExpiredOfferFactory,
    OpenShiftFactory,
    PendingOfferFactory,
    PlannedAssignmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def accept_url(offer):
    return reverse("member_offer_accept", args=[offer.pk])


def decline_url(offer):
    return reverse("member_offer_decline", args=[offer.pk])


def test_member_accepts_an_offer_with_one_tap(client, fatima_offer):
    member = fatima_offer.member
    client.force_login(member.user)
    response = client.post(accept_url(fatima_offer))
    assert response.status_code == 302 and reverse("member_schedule") in response["Location"]
    fatima_offer.refresh_from_db()
    assert fatima_offer.status == Offer.Status.ACCEPTED and fatima_offer.responded_at is not None
    assignment = Assignment.objects.get()
    assert (assignment.member, assignment.shift, assignment.offer) == (member, fatima_offer.shift, fatima_offer)
    assert AuditEvent.objects.filter(action="assignment.created", actor=member.user).count() == 1


def test_double_accept_in_two_tabs_gives_a_clear_message_and_one_assignment(client, fatima_offer):
    client.force_login(fatima_offer.member.user)
    client.post(accept_url(fatima_offer))
    response = client.post(accept_url(fatima_offer), follow=True)
    assert "You already accepted this offer." in response.content.decode()
    assert Assignment.objects.count() == 1


def test_accepting_an_expired_offer_is_refused(client, available_fatima, bakery_shift):
    offer = ExpiredOfferFactory(shift=bakery_shift, member=available_fatima)
    client.force_login(available_fatima.user)
    response = client.post(accept_url(offer), follow=True)
    assert "This offer has expired." in response.content.decode()
    assert Assignment.objects.count() == 0
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING  # the expiry task marks it, not the refused accept


def test_someone_elses_offer_is_404_and_the_service_refuses_it(client, fatima_offer, kanaleneiland):
    other = ActiveMemberFactory(coop=kanaleneiland)
    client.force_login(other.user)
    assert client.post(accept_url(fatima_offer)).status_code == 404
    assert client.post(decline_url(fatima_offer)).status_code == 404
    with translation.override("en"), pytest.raises(ValidationError, match="not for you"):
        offer_accept(offer_id=fatima_offer.pk, member=other, actor=other.user)
    fatima_offer.refresh_from_db()
    assert fatima_offer.status == Offer.Status.PENDING and Assignment.objects.count() == 0


def test_outsider_gets_403_on_member_pages(client, outsider, fatima_offer):
    client.force_login(outsider)
    for url in (accept_url(fatima_offer), decline_url(fatima_offer)):
        assert client.post(url).status_code == 403
    for name in ("member_offer_list", "member_shift_list", "member_schedule", "member_calendar"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("member_shift_detail", args=[fatima_offer.shift_id])).status_code == 403


def test_accept_is_post_only(client, fatima_offer):
    client.force_login(fatima_offer.member.user)
    assert client.get(accept_url(fatima_offer)).status_code == 405
    assert Assignment.objects.count() == 0


def test_last_seat_taken_by_someone_else_is_refused(client, fatima_offer, kanaleneiland):
    PlannedAssignmentFactory(shift=fatima_offer.shift, member__coop=kanaleneiland)
    client.force_login(fatima_offer.member.user)
    response = client.post(accept_url(fatima_offer), follow=True)
    assert "someone else just took the last place" in response.content.decode()
    assert Assignment.objects.filter(member=fatima_offer.member).count() == 0


def test_member_cannot_accept_two_overlapping_shifts(client, fatima_offer, bakery_job):
    shift = fatima_offer.shift
    overlapping = OpenShiftFactory(job=bakery_job, date=shift.date, start_time=dt.time(12, 0), end_time=dt.time(15, 0))
    second = PendingOfferFactory(shift=overlapping, member=fatima_offer.member)
    client.force_login(fatima_offer.member.user)
    # Matching never offers one member two overlapping shifts: a pending offer holds her time, so
    # while both stand (a race made them) she says no to one first.
    response = client.post(accept_url(fatima_offer), follow=True)
    assert "You already have an offer at that time" in response.content.decode()
    assert Assignment.objects.count() == 0
    client.post(decline_url(second))
    client.post(accept_url(fatima_offer))
    assert Assignment.objects.count() == 1
    third = PendingOfferFactory(
        shift=OpenShiftFactory(job=bakery_job, date=shift.date, start_time=dt.time(12, 0), end_time=dt.time(14, 0)),
        member=fatima_offer.member,
    )
    response = client.post(accept_url(third), follow=True)
    assert "You cannot take two shifts at once." in response.content.decode()
    assert Assignment.objects.count() == 1
    third.refresh_from_db()
    assert third.status == Offer.Status.PENDING


def test_adjacent_shifts_do_not_overlap(fatima_offer, bakery_job):
    shift = fatima_offer.shift
    after = OpenShiftFactory(job=bakery_job, date=shift.date, start_time=shift.end_time, end_time=dt.time(16, 0))
    second = PendingOfferFactory(shift=after, member=fatima_offer.member)
    offer_accept(offer_id=fatima_offer.pk, member=fatima_offer.member, actor=None)
    offer_accept(offer_id=second.pk, member=fatima_offer.member, actor=None)
    assert Assignment.objects.count() == 2


def test_accepting_for_a_cancelled_shift_is_refused(fatima_offer):
    Shift.objects.filter(pk=fatima_offer.shift_id).update(status=Shift.Status.CANCELLED)
    with translation.override("en"), pytest.raises(ValidationError, match="cancelled"):
        offer_accept(offer_id=fatima_offer.pk, member=fatima_offer.member, actor=None)
    assert Assignment.objects.count() == 0


def test_paused_member_cannot_accept(fatima_offer):
    member = fatima_offer.member
    member.status = member.Status.PAUSED
    member.save()
    with pytest.raises(ValidationError):
        offer_accept(offer_id=fatima_offer.pk, member=member, actor=None)
    assert Assignment.objects.count() == 0


def test_decline_frees_the_seat_for_the_next_round(client, fatima_offer):
    client.force_login(fatima_offer.member.user)
    assert client.post(decline_url(fatima_offer)).status_code == 302
    fatima_offer.refresh_from_db()
    assert fatima_offer.status == Offer.Status.DECLINED
    # the seat is open again: no active assignment, no pending offer holds it
    shift = fatima_offer.shift
    assert not shift.assignments.filter(status="active").exists()
    assert not shift.offers.filter(status="pending").exists()
    response = client.post(accept_url(fatima_offer), follow=True)
    assert "You already declined this offer." in response.content.decode()
    assert Assignment.objects.count() == 0


def test_decline_twice_changes_nothing(fatima_offer):
    offer_decline(offer_id=fatima_offer.pk, member=fatima_offer.member, actor=None)
    with pytest.raises(ValidationError):
        offer_decline(offer_id=fatima_offer.pk, member=fatima_offer.member, actor=None)
    assert AuditEvent.objects.filter(action="offer.declined").count() == 1


def test_expiry_task_expires_only_pending_offers_past_their_time(fatima_offer, kanaleneiland):
    old = ExpiredOfferFactory(member__coop=kanaleneiland)
    answered = ExpiredOfferFactory(member__coop=kanaleneiland, status=Offer.Status.DECLINED)
    assert offers_expire_task.delay().get() == 1
    old.refresh_from_db()
    answered.refresh_from_db()
    fatima_offer.refresh_from_db()
    assert old.status == Offer.Status.EXPIRED
    assert answered.status == Offer.Status.DECLINED
    assert fatima_offer.status == Offer.Status.PENDING
    assert offer_expire(offer_id=old.pk) is False  # safe to run twice


def test_offer_list_costs_the_same_queries_for_1_and_50_offers(
    client, available_fatima, kanaleneiland, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(available_fatima.user)
    PendingOfferFactory(member=available_fatima, shift__job__coop=kanaleneiland)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("member_offer_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(49):
        factory = PendingOfferFactory if i % 2 else ExpiredOfferFactory
        factory(member=available_fatima, shift__job__coop=kanaleneiland)
    assert count() == one


def test_offer_list_shows_buttons_for_open_offers(client, fatima_offer):
    client.force_login(fatima_offer.member.user)
    body = client.get(reverse("member_offer_list")).content.decode()
    assert accept_url(fatima_offer) in body and decline_url(fatima_offer) in body
    assert "€15.00" in body  # what she earns per hour


# --- assisted mode --------------------------------------------------------------------------------------


def _assist(client, coordinator, member):
    member.assisted_consent_at = timezone.now()
    member.assisted_consent_note = "Mondeling op het servicepunt"
    member.save()
    client.force_login(coordinator)
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()


def test_coordinator_accepts_on_behalf_of_a_member_and_the_audit_names_both(client, coordinator, fatima_offer):
    member = fatima_offer.member
    _assist(client, coordinator, member)
    body = client.get(reverse("member_offer_list")).content.decode()
    assert "You are acting for Fatima El Amrani" in body
    assert client.post(accept_url(fatima_offer)).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.member == member
    event = AuditEvent.objects.get(action="assignment.created")
    assert event.actor == coordinator and event.on_behalf_of == member.user
    assert event.consent_note == "Mondeling op het servicepunt"


def test_coordinator_declines_on_behalf_of_a_member(client, coordinator, fatima_offer):
    _assist(client, coordinator, fatima_offer.member)
    client.post(decline_url(fatima_offer))
    event = AuditEvent.objects.get(action="offer.declined")
    assert event.actor == coordinator and event.on_behalf_of == fatima_offer.member.user


def test_coordinator_of_another_coop_cannot_assist(client, lunetten_coordinator, fatima_offer):
    _assist(client, lunetten_coordinator, fatima_offer.member)
    assert client.post(accept_url(fatima_offer)).status_code == 403
    assert Assignment.objects.count() == 0
