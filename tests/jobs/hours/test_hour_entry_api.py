"""REST API: a business lists its hours and approves several in one call."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coop.models import AuditEvent
from jobs.models import HourEntry
from tests.jobs.hours.factories import SubmittedHourEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_business_lists_its_submitted_hours(api, bakery, fatima_assignment, jan_assignment):  # type: ignore[no-untyped-def]
    mine = SubmittedHourEntryFactory(assignment=fatima_assignment)
    SubmittedHourEntryFactory(assignment=jan_assignment)
    api.force_authenticate(bakery.contact)
    response = api.get(reverse("hour_entry_api_list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine.pk]
    assert response.json()[0]["hours_worked"] == "3.75"


def test_business_approves_in_bulk_through_the_api(api, bakery, fatima_assignment):  # type: ignore[no-untyped-def]
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    api.force_authenticate(bakery.contact)
    response = api.post(reverse("hour_entry_api_approve"), {"ids": [entry.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"approved": [entry.pk], "already_handled": []}
    assert HourEntry.objects.get().status == HourEntry.Status.APPROVED


def test_api_refuses_all_when_one_entry_is_foreign(api, bakery, fatima_assignment, jan_assignment):  # type: ignore[no-untyped-def]
    mine = SubmittedHourEntryFactory(assignment=fatima_assignment)
    foreign = SubmittedHourEntryFactory(assignment=jan_assignment)
    api.force_authenticate(bakery.contact)
    response = api.post(reverse("hour_entry_api_approve"), {"ids": [mine.pk, foreign.pk]}, format="json")
    assert response.status_code == 403
    assert set(HourEntry.objects.values_list("status", flat=True)) == {"submitted"}
    assert not AuditEvent.objects.filter(action__startswith="hour_entry.").exists()


def test_api_refuses_bad_input(api, bakery):  # type: ignore[no-untyped-def]
    api.force_authenticate(bakery.contact)
    assert api.post(reverse("hour_entry_api_approve"), {"ids": []}, format="json").status_code == 400
    assert api.post(reverse("hour_entry_api_approve"), {"ids": ["x"]}, format="json").status_code == 400
    assert api.get(reverse("hour_entry_api_list"), {"status": "nonsense"}).status_code == 400


def test_api_is_closed_to_outsiders_and_anonymous(api, outsider, fatima):  # type: ignore[no-untyped-def]
    assert api.get(reverse("hour_entry_api_list")).status_code in (401, 403)
    for user in (outsider, fatima.user):
        api.force_authenticate(user)
        assert api.get(reverse("hour_entry_api_list")).status_code == 403
        assert api.post(reverse("hour_entry_api_approve"), {"ids": [1]}, format="json").status_code == 403
