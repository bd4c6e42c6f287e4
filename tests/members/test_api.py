"""The members API: who am I, and a business's own details; scoped like the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coop.models import AuditEvent
from members.models import Business

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_me_for_a_member_and_a_contact(api, fatima, bakery):
    api.force_authenticate(fatima.user)
    data = api.get(reverse("me_api")).json()
    assert data["member"]["first_name"] == "Fatima" and data["businesses"] == [] and data["staff_coops"] == []
    api.force_authenticate(bakery.contact)
    data = api.get(reverse("me_api")).json()
    assert data["member"] is None and [b["id"] for b in data["businesses"]] == [bakery.business.pk]


def test_anonymous_gets_403_or_401(api, db):
    assert api.get(reverse("me_api")).status_code in (401, 403)


def test_contact_reads_and_patches_own_business(api, bakery):
    api.force_authenticate(bakery.contact)
    url = reverse("business_api_detail", args=[bakery.business.pk])
    assert api.get(url).json()["kvk_number"] == bakery.business.kvk_number
    response = api.patch(url, {"trade_name": "De Kanaalbakker", "payment_term_days": 30}, format="json")
    assert response.status_code == 200
    assert response.json()["trade_name"] == "De Kanaalbakker"
    assert AuditEvent.objects.filter(action="business.details_changed", actor=bakery.contact).exists()


@pytest.mark.parametrize(
    "data", [{"vat_id": "NL123"}, {"postcode": "x"}, {"payment_term_days": 0}, {"billing_email": "nope"}]
)
def test_bad_patch_changes_nothing(api, bakery, data):
    api.force_authenticate(bakery.contact)
    before = Business.objects.values().get(pk=bakery.business.pk)
    response = api.patch(reverse("business_api_detail", args=[bakery.business.pk]), data, format="json")
    assert response.status_code == 400
    assert Business.objects.values().get(pk=bakery.business.pk) == before


@pytest.mark.parametrize("persona", ["outsider", "fatima", "lunetten_shop", "coordinator"])
def test_others_get_404_on_a_business(api, request, persona, bakery):
    obj = request.getfixturevalue(persona)
    api.force_authenticate(getattr(obj, "contact", None) or getattr(obj, "user", None) or obj)
    url = reverse("business_api_detail", args=[bakery.business.pk])
    assert api.get(url).status_code == 404
    assert api.patch(url, {"trade_name": "Hacked"}, format="json").status_code == 404
    assert Business.objects.get(pk=bakery.business.pk).trade_name != "Hacked"
