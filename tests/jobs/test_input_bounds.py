"""Input out of range is refused with a clear message and changes nothing: ids, seats, dates, text, formsets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from coop.limits import DESCRIPTION_MAX_LENGTH, ID_MAX
from coop.models import AuditEvent
from coop.money import eur
from jobs.forms import SHIFT_ROWS_MAX, ShiftFormSet
from jobs.hours.exceptions import HoursError, HoursPermissionError
from jobs.hours.services import hour_entries_approve_bulk
from jobs.models import SHIFT_SEATS_MAX, HourEntry, Job, Shift
from jobs.services.jobs import SHIFT_HORIZON_DAYS, ShiftSpec, job_post
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import SubmittedHourEntryFactory
from tests.jobs.test_api import payload
from tests.jobs.test_job_post import form_data

pytestmark = pytest.mark.django_db

HUGE_ID = 99999999999999999999  # > 2**63 - 1: no bigint column holds it


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _jobs_state() -> tuple:
    return (
        list(Job.objects.order_by("pk").values_list("pk", "description")),
        list(Shift.objects.order_by("pk").values_list("pk", "date", "seats")),
        AuditEvent.objects.count(),
    )


def _hours_state() -> tuple:
    return list(HourEntry.objects.order_by("pk").values_list("pk", "status", "approved_at")), AuditEvent.objects.count()


def _far() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=SHIFT_HORIZON_DAYS + 1)


def test_id_max_is_the_bigint_maximum() -> None:
    assert ID_MAX == 9223372036854775807


# --- ids ---------------------------------------------------------------------------------------------


@pytest.fixture
def entry(fatima, bakery):  # type: ignore[no-untyped-def]
    return SubmittedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=timezone.localdate()))


def test_bulk_approval_form_with_a_huge_id_is_refused_and_changes_nothing(client, bakery, entry):
    client.force_login(bakery.contact)
    before = _hours_state()
    response = client.post(
        reverse("hour_entry_business_bulk_approve"), {"entries": [str(entry.pk), str(HUGE_ID)]}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown hour entry. Choose entries from your list." in response.content.decode()
    assert _hours_state() == before


@pytest.mark.parametrize("bad", [HUGE_ID, ID_MAX + 1, 0, -1])
def test_bulk_approval_api_with_an_id_out_of_range_is_400_and_changes_nothing(api, bakery, entry, bad):
    api.force_authenticate(bakery.contact)
    before = _hours_state()
    response = api.post(reverse("hour_entry_api_approve"), {"ids": [entry.pk, bad]}, format="json")
    assert response.status_code == 400
    assert "Unknown hour entry" in str(response.json())
    assert _hours_state() == before


def test_bulk_approval_service_refuses_an_id_out_of_range(bakery, entry):
    before = _hours_state()
    with pytest.raises(HoursError, match="Unknown hour entry") as caught:
        hour_entries_approve_bulk(entry_ids=[entry.pk, HUGE_ID], actor=bakery.contact)
    assert not isinstance(caught.value, HoursPermissionError)
    assert _hours_state() == before


def test_the_largest_possible_id_is_just_not_found(api, bakery, entry):
    api.force_authenticate(bakery.contact)
    response = api.post(reverse("hour_entry_api_approve"), {"ids": [ID_MAX]}, format="json")
    assert response.status_code == 403  # a valid id, only not this business's entry
    assert HourEntry.objects.get().status == HourEntry.Status.SUBMITTED


@pytest.mark.parametrize(
    "url",
    [
        f"/business/jobs/{HUGE_ID}/",
        f"/business/hours/{HUGE_ID}/",
        f"/business/invoices/{HUGE_ID}/",
        f"/business/shifts/{HUGE_ID}/candidates/",
        f"/business/{HUGE_ID}/",
    ],
)
def test_a_huge_id_in_a_business_url_is_404(client, bakery, url):
    client.force_login(bakery.contact)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [f"/office/members/{HUGE_ID}/", f"/office/jobs/shifts/{HUGE_ID}/", f"/office/invoices/{HUGE_ID}/"],
)
def test_a_huge_id_in_an_office_url_is_404(client, coordinator, url):
    client.force_login(coordinator)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [f"/api/jobs/{HUGE_ID}/", f"/api/shifts/{HUGE_ID}/", f"/api/businesses/{HUGE_ID}/"])
def test_a_huge_id_in_an_api_url_is_404(api, bakery, url):
    api.force_authenticate(bakery.contact)
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_huge_offer_id_is_404_for_a_member(api, fatima):
    api.force_authenticate(fatima.user)
    assert api.get(f"/api/offers/{HUGE_ID}/").status_code == 404
    assert api.post(f"/api/offers/{HUGE_ID}/accept/").status_code == 404


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("skills", "Unknown skill. Choose skills from the list."),
        ("preferred_members", "You can only ask back members who worked for you before."),
    ],
)
def test_job_form_with_a_huge_id_in_a_multiple_choice_is_refused(client, bakery, kanaleneiland, field, message):
    client.force_login(bakery.contact)
    before = _jobs_state()
    response = client.post(reverse("business_job_post"), {**form_data(bakery, kanaleneiland), field: [str(HUGE_ID)]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _jobs_state() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business", HUGE_ID, "You can only post jobs for your own business."),
        ("coop", HUGE_ID, "Your business does not work with this coop."),
        ("preferred_members", [HUGE_ID], "You can only ask back members who worked for you before."),
        ("skills", ["no-such-skill"], "Unknown skill: no-such-skill."),
    ],
)
def test_job_api_with_a_huge_or_unknown_id_is_400(api, bakery, kanaleneiland, field, value, message):
    api.force_authenticate(bakery.contact)
    before = _jobs_state()
    response = api.post("/api/jobs/", {**payload(bakery, kanaleneiland), field: value}, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert _jobs_state() == before


# --- seats and dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"shifts-0-seats": "100000"}, f"A shift can have at most {SHIFT_SEATS_MAX} places."),
        ({"shifts-0-seats": str(SHIFT_SEATS_MAX + 1)}, f"A shift can have at most {SHIFT_SEATS_MAX} places."),
        ({"shifts-0-date": "9999-12-31"}, "This shift is too far ahead."),
        ({"shifts-0-date": "2000-01-01"}, "This shift is in the past."),
        ({"repeat_weekly_until": "9999-12-31"}, "The repeat end date is too far ahead."),
    ],
)
def test_job_form_refuses_seats_and_dates_out_of_range(client, bakery, kanaleneiland, overrides, message):
    client.force_login(bakery.contact)
    before = _jobs_state()
    response = client.post(reverse("business_job_post"), {**form_data(bakery, kanaleneiland), **overrides})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _jobs_state() == before


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        ({"seats": 100000}, f"A shift can have at most {SHIFT_SEATS_MAX} places."),
        ({"date": "9999-12-31"}, "This shift is too far ahead."),
    ],
)
def test_job_api_refuses_seats_and_dates_out_of_range(api, bakery, kanaleneiland, shift, message):
    api.force_authenticate(bakery.contact)
    before = _jobs_state()
    data = payload(bakery, kanaleneiland)
    data["shifts"] = [{**data["shifts"][0], **shift}]
    response = api.post("/api/jobs/", data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["shifts"])
    assert _jobs_state() == before


def _post(bakery, coop, **overrides):  # type: ignore[no-untyped-def]
    tomorrow = timezone.localdate() + dt.timedelta(days=3)
    kwargs = {
        "actor": bakery.contact,
        "business": bakery.business,
        "coop": coop,
        "title": "Broodjes smeren",
        "category": "default",
        "street": "Kanaleneiland Centrum 5",
        "postcode": "3526AB",
        "hourly_client_rate": eur("25.00"),
        "shifts": [ShiftSpec(tomorrow, dt.time(9), dt.time(13), 2)],
        **overrides,
    }
    return job_post(**kwargs)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"shifts": [ShiftSpec(dt.date(9999, 12, 31), dt.time(9), dt.time(13), 1)]}, "shifts", "too far ahead"),
        (
            {"shifts": [ShiftSpec(timezone.localdate() + dt.timedelta(days=3), dt.time(9), dt.time(13), 100000)]},
            "shifts",
            "at most",
        ),
        ({"repeat_weekly_until": dt.date(9999, 12, 31)}, "repeat_weekly_until", "too far ahead"),
        ({"description": "x" * 100_000}, "description", "too long"),
        ({"title": "x" * 201}, "title", "too long"),
        ({"city": "x" * 101}, "city", "too long"),
    ],
)
def test_job_service_refuses_out_of_range_input(bakery, kanaleneiland, overrides, field, message):
    before = _jobs_state()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _post(bakery, kanaleneiland, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert _jobs_state() == before


def test_the_last_day_of_the_horizon_and_the_most_seats_are_accepted(bakery, kanaleneiland):
    last = timezone.localdate() + dt.timedelta(days=SHIFT_HORIZON_DAYS)
    job = _post(bakery, kanaleneiland, shifts=[ShiftSpec(last, dt.time(9), dt.time(13), SHIFT_SEATS_MAX)])
    assert job.shifts.get().seats == SHIFT_SEATS_MAX


def test_the_database_refuses_too_many_seats(bakery_job):
    day = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(job=bakery_job, date=day, start_time=dt.time(9), end_time=dt.time(13), seats=201)
    assert not Shift.objects.exists()


# --- text --------------------------------------------------------------------------------------------


def test_a_100000_character_description_is_refused_in_the_form(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    before = _jobs_state()
    data = {**form_data(bakery, kanaleneiland), "description": "x" * 100_000}
    response = client.post(reverse("business_job_post"), data)
    assert response.status_code == 200
    assert f"Ensure this value has at most {DESCRIPTION_MAX_LENGTH} characters" in response.content.decode()
    assert _jobs_state() == before


def test_a_100000_character_description_is_refused_in_the_api(api, bakery, kanaleneiland):
    api.force_authenticate(bakery.contact)
    before = _jobs_state()
    response = api.post("/api/jobs/", {**payload(bakery, kanaleneiland), "description": "x" * 100_000}, format="json")
    assert response.status_code == 400
    assert "description" in response.json()
    assert _jobs_state() == before


def test_the_database_refuses_a_too_long_description(bakery_job):
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(pk=bakery_job.pk).update(description="x" * (DESCRIPTION_MAX_LENGTH + 1))
    bakery_job.refresh_from_db()
    assert len(bakery_job.description) <= DESCRIPTION_MAX_LENGTH


# --- formsets ----------------------------------------------------------------------------------------


def test_a_formset_of_5000_forms_is_refused_without_building_them(bakery, kanaleneiland):
    data = {**form_data(bakery, kanaleneiland), "shifts-TOTAL_FORMS": "5000"}
    formset = ShiftFormSet(data, prefix="shifts")
    with translation.override("en"):
        assert not formset.is_valid()
        assert f"Please submit at most {SHIFT_ROWS_MAX} forms." in formset.non_form_errors()
    assert len(formset.forms) <= SHIFT_ROWS_MAX


def test_posting_5000_shift_forms_is_refused_and_saves_nothing(client, bakery, kanaleneiland):
    client.force_login(bakery.contact)
    before = _jobs_state()
    data = {**form_data(bakery, kanaleneiland), "shifts-TOTAL_FORMS": "5000"}
    response = client.post(reverse("business_job_post"), data)
    assert response.status_code == 200
    assert f"Please submit at most {SHIFT_ROWS_MAX} forms." in response.content.decode()
    assert _jobs_state() == before


def test_the_number_of_posted_fields_stays_bounded() -> None:
    assert 0 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
