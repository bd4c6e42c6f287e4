"""A business posts a job (UI and service): valid posts create job + shifts + audit; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import AuditEvent
from coop.money import eur
from jobs.models import Job, Shift
from jobs.services.jobs import ShiftSpec, job_post
from members.models import BusinessRelation
from tests.factories import business_with_contact
from tests.jobs.conftest import english
from tests.jobs.factories import PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def future(days: int = 5) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def form_data(bakery, coop, **overrides):
    data = {
        "business": bakery.business.pk,
        "coop": coop.pk,
        "title": "Broodjes smeren",
        "description": "Voor de lunch",
        "category": "default",
        "language": "",
        "street": "Kanaleneiland Centrum 5",
        "postcode": "3526 ab",
        "city": "Utrecht",
        "hourly_client_rate": "25.00",
        "assign_mode": "auto",
        "repeat_weekly_until": "",
        "shifts-TOTAL_FORMS": "3",
        "shifts-INITIAL_FORMS": "0",
        "shifts-MIN_NUM_FORMS": "1",
        "shifts-MAX_NUM_FORMS": "20",
        "shifts-0-date": future().isoformat(),
        "shifts-0-start_time": "09:00",
        "shifts-0-end_time": "13:00",
        "shifts-0-seats": "2",
        "shifts-1-date": future(6).isoformat(),
        "shifts-1-start_time": "14:00",
        "shifts-1-end_time": "17:30",
        "shifts-1-seats": "1",
        "shifts-2-date": "",
        "shifts-2-start_time": "",
        "shifts-2-end_time": "",
        "shifts-2-seats": "1",
    }
    data.update(overrides)
    return data


def snapshot():
    return (Job.objects.count(), Shift.objects.count(), AuditEvent.objects.filter(action="job.posted").count())


def test_business_posts_a_job_with_two_shifts_in_the_ui(client, bakery, kanaleneiland, forklift):
    client.force_login(bakery.contact)
    response = client.post(reverse("business_job_post"), form_data(bakery, kanaleneiland, skills=[forklift.pk]))
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("business_job_detail", args=[job.pk])
    assert job.business == bakery.business and job.coop == kanaleneiland
    assert job.postcode == "3526AB"
    assert job.hourly_client_rate == eur("25.00")
    assert list(job.required_skills.all()) == [forklift]
    assert [(s.date, s.seats) for s in job.shifts.order_by("date")] == [(future(), 2), (future(6), 1)]
    event = AuditEvent.objects.get(action="job.posted")
    assert event.actor == bakery.contact and event.coop == kanaleneiland


def test_repeat_weekly_creates_a_shift_every_week_until_the_date(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    data = form_data(bakery, kanaleneiland, repeat_weekly_until=future(5 + 21).isoformat())
    data.update({"shifts-1-date": "", "shifts-1-start_time": "", "shifts-1-end_time": ""})
    assert client.post(reverse("business_job_post"), data).status_code == 302
    assert [s.date for s in Shift.objects.order_by("date")] == [future(5 + 7 * i) for i in range(4)]


def test_form_shows_member_wage_and_fund_share(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    with translation.override("en"):
        response = client.post(reverse("business_job_post"), form_data(bakery, kanaleneiland, calculate="1"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "The member earns €15.00 per hour" in body
    assert "€2.20 per hour goes to the neighbourhood fund" in body
    assert Job.objects.count() == 0  # "calculate" never saves


def test_price_preview_partial_for_htmx(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    with translation.override("en"):
        response = client.post(
            reverse("business_job_price"),
            form_data(bakery, kanaleneiland, hourly_client_rate="20.00"),
            HTTP_HX_REQUEST="true",
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="job-price"' in body and "<html" not in body
    assert "The lowest rate we can accept is €21.45 per hour" in body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"shifts-0-end_time": "08:00"}, "The end time must be after the start time."),
        ({"shifts-0-date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, "This shift is in the past."),
        ({"shifts-0-seats": "0"}, "A shift needs at least one place."),
        ({"shifts-0-seats": "-2"}, "A shift needs at least one place."),
        ({"hourly_client_rate": "21.44"}, "The lowest rate we can accept is €21.45 per hour."),
        ({"hourly_client_rate": "0"}, "Enter an hourly rate above zero."),
        ({"skills": ["999999"]}, "Unknown skill. Choose skills from the list."),
        ({"category": "rocket-science"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(client, bakery, kanaleneiland, overrides, message):
    client.force_login(bakery.contact)
    before = snapshot()
    with translation.override("en"):
        response = client.post(reverse("business_job_post"), form_data(bakery, kanaleneiland, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_posting_for_another_business_is_refused(client, bakery, lunetten_shop, kanaleneiland):
    BusinessRelation.objects.create(business=lunetten_shop.business, coop=kanaleneiland)
    client.force_login(bakery.contact)
    before = snapshot()
    data = form_data(bakery, kanaleneiland, business=lunetten_shop.business.pk)
    with translation.override("en"):
        response = client.post(reverse("business_job_post"), data)
    assert "You can only post jobs for your own business." in response.content.decode()
    assert snapshot() == before


def test_posting_to_a_coop_the_business_does_not_work_with_is_refused(client, bakery, kanaleneiland, lunetten):
    client.force_login(bakery.contact)
    before = snapshot()
    with translation.override("en"):
        response = client.post(reverse("business_job_post"), form_data(bakery, lunetten))
    assert "Your business does not work with this coop." in response.content.decode()
    assert snapshot() == before


def test_service_refuses_another_business_and_an_unrelated_coop(bakery, lunetten_shop, kanaleneiland, lunetten):
    spec = [ShiftSpec(future(), dt.time(9), dt.time(12), 1)]
    common = {
        "title": "x",
        "category": "default",
        "street": "a 1",
        "postcode": "3526AB",
        "hourly_client_rate": eur("30"),
        "shifts": spec,
    }
    with pytest.raises(PermissionDenied):
        job_post(actor=bakery.contact, business=lunetten_shop.business, coop=lunetten, **common)
    with pytest.raises(ValidationError) as exc:
        job_post(actor=bakery.contact, business=bakery.business, coop=lunetten, **common)
    assert "coop" in exc.value.message_dict
    assert Job.objects.count() == 0


def test_service_refuses_a_rate_too_low_on_any_repeated_shift_date(bakery, kanaleneiland):
    from coop.rulebook.models import RuleVersion
    from tests.factories import rule_version_decided

    first = future(3)
    # From next month on the wage rises: a weekly repeat into that period must meet the new minimum.
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=first + dt.timedelta(days=10),
        changes={"member_wage_hourly": {"default": "18.00"}},
        source=RuleVersion.Source.VOTE,
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        job_post(
            actor=bakery.contact,
            business=bakery.business,
            coop=kanaleneiland,
            title="x",
            category="default",
            street="a 1",
            postcode="3526AB",
            hourly_client_rate=eur("22.00"),
            shifts=[ShiftSpec(first, dt.time(9), dt.time(12), 1)],
            repeat_weekly_until=first + dt.timedelta(21),
        )
    assert "€25.74" in exc.value.message_dict["hourly_client_rate"][0]
    assert Job.objects.count() == 0


def test_preferred_members_must_have_worked_for_the_business(client, bakery, kanaleneiland, fatima):
    client.force_login(bakery.contact)
    # Fatima never worked for the bakery: she is not even offered as a choice.
    with translation.override("en"):
        response = client.post(
            reverse("business_job_post"), form_data(bakery, kanaleneiland, preferred_members=[fatima.pk])
        )
    assert Job.objects.count() == 0
    assert "ask back members who worked for you before" in response.content.decode() or "valid choice" in (
        response.content.decode()
    )
    # After she worked there once, she can be asked back.
    PlannedAssignmentFactory(member=fatima, shift__job__business=bakery.business, shift__job__coop=kanaleneiland)
    response = client.post(
        reverse("business_job_post"), form_data(bakery, kanaleneiland, preferred_members=[fatima.pk])
    )
    assert response.status_code == 302
    assert list(Job.objects.latest("pk").preferred_members.all()) == [fatima]


def test_outsider_and_member_cannot_open_the_post_form(client, outsider, fatima):
    for user in (outsider, fatima.user):
        client.force_login(user)
        assert client.get(reverse("business_job_post")).status_code == 403
        assert client.post(reverse("business_job_post"), {}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("business_job_post"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_form_renders(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    response = client.get(reverse("business_job_post"))
    assert response.status_code == 200
    assert b'name="shifts-0-date"' in response.content


def test_business_with_two_coops_chooses_the_coop(client, kanaleneiland, lunetten):
    business, contact = business_with_contact(kanaleneiland)
    BusinessRelation.objects.create(business=business, coop=lunetten)
    client.force_login(contact)
    data = {**form_data(type("P", (), {"business": business})(), lunetten)}
    assert client.post(reverse("business_job_post"), data).status_code == 302
    assert Job.objects.get().coop == lunetten


def test_price_preview_is_for_business_contacts_only(client, outsider, fatima):
    for user in (outsider, fatima.user):
        client.force_login(user)
        assert client.post(reverse("business_job_price"), {}).status_code == 403


def test_service_refuses_an_empty_title_or_unknown_assign_mode(bakery, kanaleneiland):
    spec = [ShiftSpec(future(), dt.time(9), dt.time(12), 1)]
    with pytest.raises(ValidationError) as exc:
        job_post(
            actor=bakery.contact,
            business=bakery.business,
            coop=kanaleneiland,
            title="  ",
            category="default",
            street="a 1",
            postcode="3526AB",
            hourly_client_rate=eur("30"),
            shifts=spec,
            assign_mode="lottery",
        )
    assert {"title", "assign_mode"} <= set(exc.value.message_dict)
    assert Job.objects.count() == 0
