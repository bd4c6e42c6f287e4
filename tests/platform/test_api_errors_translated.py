"""API errors come back in the language of the request (Accept-Language nl → Dutch), never in Django's English."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from rest_framework.test import APIClient

from coop.api import FORBIDDEN_TEXT, NOT_FOUND_TEXT, api_exception_handler
from tests.jobs.factories import PendingOfferFactory

pytestmark = pytest.mark.django_db

HUGE_ID = 99999999999999999999


def _dutch(text: object) -> str:
    with translation.override("nl"):
        return str(text)


@pytest.fixture
def dutch_api() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    return client


@pytest.mark.parametrize("offer_id", ["missing", "huge", "someone_elses"])
def test_an_unknown_offer_is_a_404_in_dutch(dutch_api, fatima, jan, offer_id):
    ids = {"missing": 123456, "huge": HUGE_ID, "someone_elses": PendingOfferFactory(member=jan).pk}
    dutch_api.force_authenticate(fatima.user)
    response = dutch_api.get(f"/api/offers/{ids[offer_id]}/")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "matches the given query" not in detail
    assert detail == _dutch(NOT_FOUND_TEXT)
    assert response["Content-Language"] == "nl"


def test_the_same_404_in_english_on_an_english_request(fatima):
    api = APIClient()
    api.force_authenticate(fatima.user)
    response = api.get("/api/offers/123456/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "We could not find this. It does not exist, or it is not yours to see."}


def test_drf_and_our_own_errors_are_dutch_on_a_dutch_request(dutch_api, bakery, fatima):
    dutch_api.force_authenticate(bakery.contact)
    assert dutch_api.get(f"/api/jobs/{HUGE_ID}/").json() == {"detail": "Niet gevonden."}
    response = dutch_api.post("/api/hours/approve/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"ids": {"0": ["Een geldig getal is vereist."]}}
    dutch_api.force_authenticate(fatima.user)
    response = dutch_api.get("/api/jobs/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Alleen contactpersonen van een opdrachtgever kunnen dit gebruiken."}


def test_the_handler_replaces_djangos_untranslated_404_and_403():
    with translation.override("nl"):
        not_found = api_exception_handler(Http404("No Offer matches the given query."), {})
        forbidden = api_exception_handler(PermissionDenied(), {})
    assert not_found is not None and not_found.status_code == 404
    assert not_found.data == {"detail": _dutch(NOT_FOUND_TEXT)}
    assert forbidden is not None and forbidden.status_code == 403
    assert forbidden.data == {"detail": _dutch(FORBIDDEN_TEXT)}
