"""Business pages: my jobs, job detail, candidates, pick, cancel a shift, close a job; scoping and query counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coop.models import AuditEvent
from jobs.models import Assignment, Job, Offer, Shift
from tests.jobs.conftest import english
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _jobs_with_shifts(bakery, coop, n):
    for _ in range(n):
        shift = OpenShiftFactory(job=OpenJobFactory(business=bakery.business, coop=coop), seats=2)
        PlannedAssignmentFactory(shift=shift, member__coop=coop)
        PendingOfferFactory(shift=shift, member__coop=coop)


def test_my_jobs_costs_the_same_queries_for_1_and_50_jobs(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    _jobs_with_shifts(bakery, kanaleneiland, 1)
    one = _count_queries(client, reverse("business_job_list"))
    _jobs_with_shifts(bakery, kanaleneiland, 49)
    fifty = _count_queries(client, reverse("business_job_list"))
    assert one == fifty


def test_my_jobs_shows_open_seats(client, bakery, bakery_shift):
    PlannedAssignmentFactory(shift=bakery_shift, member__coop=bakery_shift.job.coop)
    bakery_shift.seats = 3
    bakery_shift.save()
    client.force_login(bakery.contact)
    response = client.get(reverse("business_job_list"))
    assert response.context["jobs"][0].open_seats == 2


def test_job_detail_shows_first_names_of_assigned_members_and_pending_offers(client, bakery, bakery_shift, fatima):
    bakery_shift.seats = 2
    bakery_shift.save()
    PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    PendingOfferFactory(shift=bakery_shift, member__coop=bakery_shift.job.coop)
    client.force_login(bakery.contact)
    response = client.get(reverse("business_job_detail", args=[bakery_shift.job_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fatima" in body and "El Amrani" not in body
    assert "1 offer waiting for an answer" in body


def test_other_business_and_outsider_cannot_see_a_job(client, bakery_shift, lunetten_shop, outsider, fatima):
    job = bakery_shift.job
    urls = [
        ("get", reverse("business_job_detail", args=[job.pk])),
        ("post", reverse("business_job_close", args=[job.pk])),
        ("get", reverse("business_shift_cancel", args=[bakery_shift.pk])),
        ("post", reverse("business_shift_cancel", args=[bakery_shift.pk])),
        ("get", reverse("business_shift_candidates", args=[bakery_shift.pk])),
        ("post", reverse("business_shift_pick", args=[bakery_shift.pk])),
    ]
    client.force_login(lunetten_shop.contact)
    for method, url in urls:
        assert getattr(client, method)(url, {"reason": "x", "member": fatima.pk}).status_code == 404, url
    assert client.get(reverse("business_job_list")).context["jobs"] == []
    for user in (outsider, fatima.user):
        client.force_login(user)
        for method, url in [*urls, ("get", reverse("business_job_list"))]:
            assert getattr(client, method)(url, {"reason": "x"}).status_code == 403, url
    job.refresh_from_db()
    bakery_shift.refresh_from_db()
    assert job.status == Job.Status.OPEN and bakery_shift.status == Shift.Status.OPEN
    assert Offer.objects.count() == 0


def test_cancel_shift_tells_assigned_members_and_withdraws_offers(
    client, bakery, bakery_shift, fatima, django_capture_on_commit_callbacks
):
    bakery_shift.seats = 2
    bakery_shift.save()
    assignment = PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    offer = PendingOfferFactory(shift=bakery_shift, member__coop=bakery_shift.job.coop)
    client.force_login(bakery.contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("business_shift_cancel", args=[bakery_shift.pk]), {"reason": "Oven kapot"})
    assert response.status_code == 302
    bakery_shift.refresh_from_db()
    assignment.refresh_from_db()
    offer.refresh_from_db()
    assert bakery_shift.status == Shift.Status.CANCELLED and bakery_shift.cancelled_reason == "Oven kapot"
    assert assignment.status == Assignment.Status.CANCELLED
    assert offer.status == Offer.Status.WITHDRAWN
    assert [m.to for m in mail.outbox] == [[fatima.user.email]]
    assert "Oven kapot" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="shift.cancelled", actor=bakery.contact).count() == 1


def test_cancel_without_reason_changes_nothing(client, bakery, bakery_shift, fatima):
    assignment = PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    client.force_login(bakery.contact)
    response = client.post(reverse("business_shift_cancel", args=[bakery_shift.pk]), {"reason": "  "})
    assert response.status_code == 200
    bakery_shift.refresh_from_db()
    assignment.refresh_from_db()
    assert bakery_shift.status == Shift.Status.OPEN and assignment.status == Assignment.Status.ACTIVE
    assert mail.outbox == []


def test_close_job_withdraws_pending_offers_and_keeps_assignments(client, bakery, bakery_shift, fatima):
    bakery_shift.seats = 2
    bakery_shift.save()
    assignment = PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    offer = PendingOfferFactory(shift=bakery_shift, member__coop=bakery_shift.job.coop)
    client.force_login(bakery.contact)
    assert client.post(reverse("business_job_close", args=[bakery_shift.job_id])).status_code == 302
    offer.refresh_from_db()
    assignment.refresh_from_db()
    assert Job.objects.get().status == Job.Status.CLOSED
    assert offer.status == Offer.Status.WITHDRAWN and assignment.status == Assignment.Status.ACTIVE


def test_candidates_page_only_for_pick_mode_jobs(client, bakery, bakery_shift):
    client.force_login(bakery.contact)
    response = client.get(reverse("business_shift_candidates", args=[bakery_shift.pk]))
    assert response.status_code == 302  # "the coop picks" jobs have no candidates page
    Job.objects.filter(pk=bakery_shift.job_id).update(assign_mode=Job.AssignMode.PICK)
    response = client.get(reverse("business_shift_candidates", args=[bakery_shift.pk]))
    assert response.status_code == 200


def test_business_pick_offers_the_seat_to_the_member(
    client, bakery, bakery_shift, available_fatima, django_capture_on_commit_callbacks
):
    Job.objects.filter(pk=bakery_shift.job_id).update(assign_mode=Job.AssignMode.PICK)
    client.force_login(bakery.contact)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("business_shift_pick", args=[bakery_shift.pk]), {"member": available_fatima.pk})
    offer = Offer.objects.get()
    assert offer.member == available_fatima and offer.status == Offer.Status.PENDING
    assert [m.to for m in mail.outbox] == [[available_fatima.user.email]]
    # a second pick for the only seat is refused: it is already offered
    client.post(reverse("business_shift_pick", args=[bakery_shift.pk]), {"member": available_fatima.pk})
    assert Offer.objects.count() == 1


def test_business_pick_respects_hard_constraints(client, bakery, bakery_shift, fatima, forklift):
    Job.objects.filter(pk=bakery_shift.job_id).update(assign_mode=Job.AssignMode.PICK)
    bakery_shift.job.required_skills.add(forklift)
    client.force_login(bakery.contact)
    response = client.post(reverse("business_shift_pick", args=[bakery_shift.pk]), {"member": fatima.pk}, follow=True)
    body = response.content.decode()
    assert "Missing skill: Forklift driving." in body
    assert "not available at this time" in body  # fatima's availability mask is empty
    assert Offer.objects.count() == 0


def test_business_cannot_pick_a_member_of_another_coop(client, bakery, bakery_shift, jan):
    Job.objects.filter(pk=bakery_shift.job_id).update(assign_mode=Job.AssignMode.PICK)
    client.force_login(bakery.contact)
    client.post(reverse("business_shift_pick", args=[bakery_shift.pk]), {"member": jan.pk})
    assert Offer.objects.count() == 0


def test_candidates_page_lists_fitting_members_by_first_name(client, bakery, bakery_shift, available_fatima, jan):
    from tests.jobs.factories import make_available

    make_available(jan)
    Job.objects.filter(pk=bakery_shift.job_id).update(assign_mode=Job.AssignMode.PICK)
    client.force_login(bakery.contact)
    response = client.get(reverse("business_shift_candidates", args=[bakery_shift.pk]))
    assert response.context["available"] is True
    members = [c.member for c in response.context["candidates"]]
    assert available_fatima in members and jan not in members
    body = response.content.decode()
    assert "Offer to Fatima" in body and "El Amrani" not in body


def test_a_started_shift_cannot_be_cancelled(client, bakery, bakery_shift, fatima):
    import datetime as dt

    from django.utils import timezone

    Shift.objects.filter(pk=bakery_shift.pk).update(date=timezone.localdate() - dt.timedelta(days=1))
    assignment = PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    client.force_login(bakery.contact)
    response = client.post(reverse("business_shift_cancel", args=[bakery_shift.pk]), {"reason": "te laat"})
    assert response.status_code == 200
    assert "already started and can no longer be cancelled" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE


def test_permission_rules(bakery, bakery_shift, lunetten_shop, coordinator, lunetten_coordinator, fatima_offer):
    assert bakery.contact.has_perm("jobs.manage_job", bakery_shift.job)
    assert not lunetten_shop.contact.has_perm("jobs.manage_job", bakery_shift.job)
    assert coordinator.has_perm("jobs.coordinate_shift", bakery_shift)
    assert not lunetten_coordinator.has_perm("jobs.coordinate_shift", bakery_shift)
    assert fatima_offer.member.user.has_perm("jobs.answer_offer", fatima_offer)
    assert not bakery.contact.has_perm("jobs.answer_offer", fatima_offer)
