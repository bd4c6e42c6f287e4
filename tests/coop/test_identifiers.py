"""IBAN, BIC, KvK and VAT id: checked in one place, refused in the admin, stored compact."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from coop.admin import COOP_FIELDS
from coop.identifiers import bic_clean, iban_clean, kvk_clean, vat_id_clean
from coop.models import AuditEvent, Cooperative
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)


def _coop_post_data(coop: Cooperative, **overrides: str) -> dict[str, str]:
    data = {name: value for name, value in model_to_dict(coop, fields=COOP_FIELDS).items()}
    data["postcode_areas"] = '["3526", "3527"]'
    data.update({name: "" if value is None else value for name, value in overrides.items()})
    data["_save"] = "Save"
    return data


def _state(coop: Cooperative) -> tuple[dict, int]:
    return (Cooperative.objects.values().get(pk=coop.pk), AuditEvent.objects.count())


# --- The cleaners -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cleaner", "typed", "stored"),
    [
        (iban_clean, "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
        (iban_clean, "BE68 5390 0754 7034", "BE68539007547034"),
        (bic_clean, "abna nl 2a", "ABNANL2A"),
        (bic_clean, "RABONL2UXXX", "RABONL2UXXX"),
        (bic_clean, "", ""),
        (kvk_clean, "9471 8203", "94718203"),
        (kvk_clean, "94.71.82.03", "94718203"),
        (vat_id_clean, "nl 8572.19030.B01", "NL857219030B01"),
        (vat_id_clean, "BE0403170701", "BE0403170701"),
        (vat_id_clean, "", ""),
    ],
)
def test_identifier_is_stored_compact(cleaner, typed, stored):
    assert cleaner(typed) == stored


@pytest.mark.parametrize(
    ("cleaner", "typed", "message"),
    [
        (iban_clean, "NOT-AN-IBAN", "This IBAN is not correct"),
        (iban_clean, "NL92ABNA0417164300", "This IBAN is not correct"),  # checksum off by one
        (iban_clean, "", "This IBAN is not correct"),
        (bic_clean, "NOT-A-BIC", "This BIC is not correct"),
        (bic_clean, "ABNAXX2A", "This BIC is not correct"),  # no such country
        (kvk_clean, "1234567", "exactly 8 digits"),
        (kvk_clean, "1234567a", "exactly 8 digits"),
        (vat_id_clean, "NL123456789B01", "This VAT id is not correct"),  # checksum
        (vat_id_clean, "NOT-A-VAT", "This VAT id is not correct"),
    ],
)
def test_bad_identifier_gets_a_clear_translated_error(cleaner, typed, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        cleaner(typed)
    assert message in refused.value.messages[0]


def test_model_validators_refuse_a_bad_coop_iban_on_full_clean(kanaleneiland):
    kanaleneiland.iban = "NOT-AN-IBAN"
    with pytest.raises(ValidationError) as refused:
        kanaleneiland.full_clean()
    assert set(refused.value.message_dict) == {"iban"}


# --- The coop in the admin ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iban", "NOT-AN-IBAN"),
        ("bic", "NOT-A-BIC"),
        ("kvk_number", "1234"),
        ("vat_id", "NL123456789B01"),
    ],
)
def test_admin_refuses_a_bad_coop_identifier_and_changes_nothing(client, superuser, kanaleneiland, field, value):
    client.force_login(superuser)
    before = _state(kanaleneiland)
    with translation.override("en"):
        response = client.post(
            reverse("admin:coop_cooperative_change", args=[kanaleneiland.pk]),
            _coop_post_data(kanaleneiland, **{field: value}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert _state(kanaleneiland) == before


def test_admin_stores_a_spaced_coop_iban_compact_and_audits_it(client, superuser, kanaleneiland):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:coop_cooperative_change", args=[kanaleneiland.pk]),
        _coop_post_data(kanaleneiland, iban="nl29 rabo 3141 5926 59", bic="rabo nl 2u", vat_id="nl 8572 19030 b01"),
    )
    assert response.status_code == 302
    kanaleneiland.refresh_from_db()
    assert (kanaleneiland.iban, kanaleneiland.bic, kanaleneiland.vat_id) == (
        "NL29RABO3141592659",
        "RABONL2U",
        "NL857219030B01",
    )
    event = AuditEvent.objects.get(action="coop.updated", coop=kanaleneiland)
    assert event.actor == superuser
    assert event.data["iban"] == {"old": "NL91ABNA0417164300", "new": "NL29RABO3141592659"}


def test_admin_refuses_a_new_coop_with_a_bad_iban_and_creates_nothing(client, superuser):
    client.force_login(superuser)
    before = (Cooperative.objects.count(), AuditEvent.objects.count())
    data = {
        "name": "Overvecht",
        "slug": "overvecht",
        "legal_name": "Wijkcoöperatie Overvecht U.A.",
        "kvk_number": "91234567",
        "vat_id": "NL000099998B57",
        "iban": "NOT-AN-IBAN",
        "bic": "",
        "street": "Zamenhofdreef 1",
        "postcode": "3562JT",
        "city": "Utrecht",
        "email": "info@overvecht.example.nl",
        "postcode_areas": '["3562"]',
        "invoice_prefix": "OVV",
        "primary_color": "#1f5e8c",
        "accent_color": "#f2a900",
        "founded_on": "2026-01-01",
    }
    response = client.post(reverse("admin:coop_cooperative_add"), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["iban"]
    assert (Cooperative.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_coop_change_in_admin_is_refused_to_anyone_but_the_superuser(client, request, kanaleneiland, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    before = _state(kanaleneiland)
    url = reverse("admin:coop_cooperative_change", args=[kanaleneiland.pk])
    response = client.post(url, _coop_post_data(kanaleneiland, iban="NL29RABO3141592659"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # the admin's "does not exist" redirect, never a saved change
        assert response.url == reverse("admin:index")
    assert _state(kanaleneiland) == before
