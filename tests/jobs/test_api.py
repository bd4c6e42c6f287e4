"""REST API: business contacts post and list jobs, shifts and assignments; members answer offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jobs.models import Assignment, Job, Offer, Shift
from members.models import BusinessRelation
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def future(days=4):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def payload(bakery, coop, **overrides):
    data = {
        "business": bakery.business.pk,
        "coop": coop.pk,
        "title": "Broodjes smeren",
        "category": "default",
        "street": "Kanaleneiland Centrum 5",
        "postcode": "3526AB",
        "hourly_client_rate": "25.00",
        "shifts": [{"date": future(), "start_time": "09:00", "end_time": "13:00", "seats": 2}],
    }
    data.update(overrides)
    return data


def test_business_creates_a_job_with_shifts_by_token(api, bakery, kanaleneiland, forklift):
    token = Token.objects.create(user=bakery.contact)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        "/api/jobs/",
        payload(bakery, kanaleneiland, skills=["heftruck"], repeat_weekly_until=future(4 + 7)),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Broodjes smeren" and body["open_seats"] == 4 and len(body["shifts"]) == 2
    job = Job.objects.get()
    assert list(job.required_skills.all()) == [forklift]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"shifts": [{"date": future(), "start_time": "13:00", "end_time": "09:00", "seats": 1}]},
            "shifts",
            "The end time must be after the start time.",
        ),
        (
            {"shifts": [{"date": future(-1), "start_time": "09:00", "end_time": "13:00", "seats": 1}]},
            "shifts",
            "This shift is in the past.",
        ),
        (
            {"shifts": [{"date": future(), "start_time": "09:00", "end_time": "13:00", "seats": 0}]},
            "shifts",
            "A shift needs at least one place.",
        ),
        ({"shifts": []}, "shifts", ""),
        ({"hourly_client_rate": "20.00"}, "hourly_client_rate", "The lowest rate we can accept is €21.45 per hour."),
        ({"skills": ["no-such-skill"]}, "skills", "Unknown skill"),
        ({"category": "rocket-science"}, "category", "Choose one of the job categories."),
    ],
)
def test_bad_input_gives_400_with_a_clear_message_and_saves_nothing(
    api, bakery, kanaleneiland, overrides, field, message
):
    api.force_login(bakery.contact)
    response = api.post("/api/jobs/", payload(bakery, kanaleneiland, **overrides), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert message in str(errors[field])
    assert Job.objects.count() == 0 and Shift.objects.count() == 0


def test_posting_for_another_business_or_unrelated_coop_is_400(api, bakery, lunetten_shop, kanaleneiland, lunetten):
    api.force_login(bakery.contact)
    response = api.post("/api/jobs/", payload(bakery, kanaleneiland, business=lunetten_shop.business.pk), format="json")
    assert response.status_code == 400
    assert "You can only post jobs for your own business." in str(response.json()["business"])
    response = api.post("/api/jobs/", payload(bakery, lunetten), format="json")
    assert response.status_code == 400
    assert "Your business does not work with this coop." in str(response.json()["coop"])
    assert Job.objects.count() == 0


def test_members_and_outsiders_cannot_use_the_business_api(api, fatima, outsider, bakery_shift):
    for user in (fatima.user, outsider):
        api.force_login(user)
        for url in ("/api/jobs/", "/api/shifts/", "/api/assignments/"):
            assert api.get(url).status_code == 403
    api.logout()
    assert api.get("/api/jobs/").status_code in (401, 403)


def test_business_sees_only_its_own_jobs_shifts_and_assignments(
    api, bakery, lunetten_shop, bakery_shift, fatima, lunetten
):
    PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    other = OpenShiftFactory(job=OpenJobFactory(business=lunetten_shop.business, coop=lunetten))
    api.force_login(lunetten_shop.contact)
    assert [j["id"] for j in api.get("/api/jobs/").json()["results"]] == [other.job_id]
    assert api.get(f"/api/jobs/{bakery_shift.job_id}/").status_code == 404
    assert api.get(f"/api/shifts/{bakery_shift.pk}/").status_code == 404
    assert api.get("/api/assignments/").json()["results"] == []
    api.force_login(bakery.contact)
    shifts = api.get("/api/shifts/").json()["results"]
    assert [(s["id"], s["taken_seats"], s["open_seats"]) for s in shifts] == [(bakery_shift.pk, 1, 0)]
    assignments = api.get("/api/assignments/").json()["results"]
    assert assignments[0]["member_first_name"] == "Fatima" and "last_name" not in str(assignments)


def test_job_list_api_costs_the_same_queries_for_1_and_50(api, bakery, kanaleneiland):
    api.force_login(bakery.contact)
    OpenShiftFactory(job=OpenJobFactory(business=bakery.business, coop=kanaleneiland))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/jobs/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(49):
        OpenShiftFactory(job=OpenJobFactory(business=bakery.business, coop=kanaleneiland))
    assert count() == one


def test_member_lists_offers_and_accepts(api, fatima_offer):
    api.force_login(fatima_offer.member.user)
    offers = api.get("/api/offers/").json()["results"]
    assert [o["id"] for o in offers] == [fatima_offer.pk]
    response = api.post(f"/api/offers/{fatima_offer.pk}/accept/")
    assert response.status_code == 200
    assert response.json()["offer"]["status"] == "accepted"
    assert Assignment.objects.get().pk == response.json()["assignment"]
    again = api.post(f"/api/offers/{fatima_offer.pk}/accept/")
    assert again.status_code == 400
    assert "You already accepted this offer." in str(again.json())
    assert Assignment.objects.count() == 1


def test_member_declines_by_api_and_cannot_touch_someone_elses_offer(api, fatima_offer, kanaleneiland):
    other_offer = PendingOfferFactory(member__coop=kanaleneiland)
    api.force_login(fatima_offer.member.user)
    assert api.post(f"/api/offers/{other_offer.pk}/accept/").status_code == 404
    assert api.post(f"/api/offers/{other_offer.pk}/decline/").status_code == 404
    response = api.post(f"/api/offers/{fatima_offer.pk}/decline/")
    assert response.status_code == 200 and response.json()["assignment"] is None
    other_offer.refresh_from_db()
    assert other_offer.status == Offer.Status.PENDING


def test_offer_list_api_costs_the_same_queries_for_1_and_50(api, available_fatima, kanaleneiland):
    api.force_login(available_fatima.user)
    PendingOfferFactory(member=available_fatima, shift__job__coop=kanaleneiland)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/offers/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(49):
        PendingOfferFactory(member=available_fatima, shift__job__coop=kanaleneiland)
    assert count() == one


def test_non_member_cannot_list_offers(api, bakery):
    api.force_login(bakery.contact)
    assert api.get("/api/offers/").status_code == 403


def test_openapi_schema_documents_the_jobs_api(api, bakery):
    api.force_login(bakery.contact)
    response = api.get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    for path in ("/api/jobs/", "/api/shifts/", "/api/assignments/", "/api/offers/{id}/accept/"):
        assert path in body


def test_second_coop_relation_allows_posting_there(api, bakery, kanaleneiland, lunetten):
    BusinessRelation.objects.create(business=bakery.business, coop=lunetten)
    api.force_login(bakery.contact)
    assert api.post("/api/jobs/", payload(bakery, lunetten), format="json").status_code == 201
