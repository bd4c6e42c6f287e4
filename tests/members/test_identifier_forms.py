"""Bank and company identifiers are refused wherever people type them: public forms and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from coop.models import AuditEvent
from members.models import Business, Member
from tests.members.conftest import application_data, business_data, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_coordinator(coordinator):
    coordinator.is_staff = True
    coordinator.save()
    return coordinator


def _member_admin_data(member: Member, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "postcode": member.postcode,
        "house_number": member.house_number,
        "phone": member.phone,
        "iban": member.iban,
        "date_of_birth": member.date_of_birth.isoformat(),
        "languages": '["nl", "ar"]',
        "_save": "Save",
    }
    data.update(overrides)
    return data


def _business_admin_data(business: Business, **overrides: str) -> dict[str, str]:
    data = {
        "legal_name": business.legal_name,
        "trade_name": business.trade_name,
        "vat_id": business.vat_id,
        "street": business.street,
        "postcode": business.postcode,
        "city": business.city,
        "billing_email": business.billing_email,
        "phone": business.phone,
        "payment_term_days": "",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


# --- Public forms -------------------------------------------------------------------------------


def test_application_with_not_an_iban_is_refused_and_stores_nothing(client, kanaleneiland):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(reverse("member_apply"), application_data(iban="NOT-AN-IBAN"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This IBAN is not correct" in response.content.decode()
    assert db_snapshot() == before


def test_member_details_with_not_an_iban_are_refused_and_change_nothing(client, fatima):
    client.force_login(fatima.user)
    data = {
        "phone": "0612345678",
        "iban": "NOT-AN-IBAN",
        "postcode": "3526KL",
        "house_number": "1",
        "languages": ["nl"],
    }
    before = (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(reverse("member_details"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This IBAN is not correct" in response.content.decode()
    assert (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kvk_number", "KVK-1234", "exactly 8 digits"),
        ("vat_id", "NL123456789B01", "This VAT id is not correct"),
    ],
)
def test_business_registration_with_a_bad_identifier_stores_nothing(client, kanaleneiland, field, value, message):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(reverse("business_register"), business_data(**{field: value}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_snapshot() == before


def test_business_profile_with_a_bad_vat_id_changes_nothing(client, bakery):
    client.force_login(bakery.contact)
    b = bakery.business
    data = _business_admin_data(b, vat_id="NOT-A-VAT", phone="")
    before = (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(reverse("business_edit", args=[b.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This VAT id is not correct" in response.content.decode()
    assert (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count()) == before


# --- The admin ----------------------------------------------------------------------------------


def test_member_admin_refuses_not_an_iban_and_changes_nothing(client, staff_coordinator, fatima):
    client.force_login(staff_coordinator)
    before = (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(
            reverse("admin:members_member_change", args=[fatima.pk]),
            _member_admin_data(fatima, iban="NOT-AN-IBAN"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["iban"]
    assert "This IBAN is not correct" in response.content.decode()
    assert (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count()) == before


def test_member_admin_stores_a_spaced_iban_compact_and_audits_only_its_end(client, staff_coordinator, fatima):
    client.force_login(staff_coordinator)
    response = client.post(
        reverse("admin:members_member_change", args=[fatima.pk]),
        _member_admin_data(fatima, iban="nl91 abna 0417 1643 00"),
    )
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.iban == "NL91ABNA0417164300"
    event = AuditEvent.objects.get(action="member.admin_changed")
    assert event.data == {"iban": {"old": "…6789", "new": "…4300"}}
    assert event.coop == fatima.coop


def test_business_admin_refuses_a_bad_vat_id_and_changes_nothing(client, staff_coordinator, bakery):
    client.force_login(staff_coordinator)
    b = bakery.business
    before = (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(
            reverse("admin:members_business_change", args=[b.pk]),
            _business_admin_data(b, vat_id="NL123456789B01"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["vat_id"]
    assert (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count()) == before


def test_business_admin_stores_a_spaced_vat_id_compact_through_the_service(client, staff_coordinator, bakery):
    client.force_login(staff_coordinator)
    b = bakery.business
    response = client.post(
        reverse("admin:members_business_change", args=[b.pk]),
        _business_admin_data(b, vat_id="nl 8572 19030 b01"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    b.refresh_from_db()
    assert b.vat_id == "NL857219030B01"
    event = AuditEvent.objects.get(action="business.details_changed")
    assert event.actor == staff_coordinator
    assert event.data == {"vat_id": {"old": "NL000099998B57", "new": "NL857219030B01"}}
