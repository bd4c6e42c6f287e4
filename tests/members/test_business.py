"""Business registration and the business portal: details, contacts, coops; scoped to the contact's business."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from coop.models import AuditEvent
from members.models import Business, BusinessRelation, Role, User
from tests.factories import BusinessFactory
from tests.members.conftest import business_data, db_snapshot

pytestmark = pytest.mark.django_db


def test_business_registers_with_contact_role_and_relation(client, kanaleneiland, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("business_register"), business_data(kvk_number="1234 5678"))
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.kvk_number == "12345678"
    assert business.postcode == "3526AB"
    assert business.vat_id == "NL000099998B57"
    assert business.phone == "+31301234567"
    assert business.payment_term_days is None  # the rulebook's term applies
    assert list(business.relations.values_list("coop", flat=True)) == [kanaleneiland.pk]
    contact = User.objects.get(email="bram@fiets.example.nl")
    assert Role.objects.filter(user=contact, kind=Role.Kind.BUSINESS_CONTACT, business=business).exists()
    assert not EmailAddress.objects.get(user=contact).verified
    assert mail.outbox[-1].to == ["bram@fiets.example.nl"]
    assert AuditEvent.objects.filter(action="business.registered", coop=kanaleneiland).exists()


def test_business_chooses_several_coops(client, kanaleneiland, lunetten):
    client.post(
        reverse("business_register"), business_data(coops=[kanaleneiland.pk, lunetten.pk], payment_term_days="30")
    )
    business = Business.objects.get()
    assert set(business.relations.values_list("coop", flat=True)) == {kanaleneiland.pk, lunetten.pk}
    assert business.payment_term_days == 30


def test_single_coop_install_shows_no_coop_choice(client, kanaleneiland):
    assert 'name="coops"' not in client.get(reverse("business_register")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kvk_number", "1234567", "exactly 8 digits"),
        ("kvk_number", "123456789", "exactly 8 digits"),
        ("kvk_number", "1234567a", "exactly 8 digits"),
        ("vat_id", "NL123456789B99", "VAT id is not correct"),
        ("vat_id", "XX123", "VAT id is not correct"),
        ("postcode", "99999", "Dutch postcode"),
        ("billing_email", "facturen@", "valid email"),
        ("contact_email", "bram", "valid email"),
        ("payment_term_days", "0", "greater than or equal to 1"),
        ("payment_term_days", "365", "less than or equal to 60"),
        ("legal_name", "", "required"),
        ("password2", "different-2026-pw", "not the same"),
    ],
)
def test_bad_registration_input_saves_nothing(
    client, kanaleneiland, field, value, message, django_capture_on_commit_callbacks
):
    before = db_snapshot()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("business_register"), business_data(**{field: value}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_snapshot() == before
    assert callbacks == []


def test_two_coops_but_none_chosen_saves_nothing(client, kanaleneiland, lunetten):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(reverse("business_register"), business_data(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose at least one coop" in response.content.decode()
    assert db_snapshot() == before


def test_duplicate_kvk_is_refused(client, kanaleneiland, bakery):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("business_register"),
            business_data(kvk_number=bakery.business.kvk_number),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "already registered" in response.content.decode()
    assert db_snapshot() == before


def test_duplicate_contact_email_is_refused(client, kanaleneiland, fatima):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("business_register"), business_data(contact_email="FATIMA@example.nl"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "already an account" in response.content.decode()
    assert db_snapshot() == before


def test_member_registers_a_business_run_by_themselves(client, kanaleneiland, fatima):
    client.force_login(fatima.user)
    data = business_data(run_by_me="on")
    for name in ("contact_first_name", "contact_last_name", "contact_email", "password1", "password2"):
        data.pop(name)
    response = client.post(reverse("business_register"), data)
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.run_by_member == fatima
    assert Role.objects.filter(user=fatima.user, business=business).exists()


# --- Business portal -------------------------------------------------------------------------


def test_business_home_goes_to_the_contacts_business(client, bakery):
    client.force_login(bakery.contact)
    response = client.get(reverse("business_home"))
    assert response["Location"] == reverse("business_detail", args=[bakery.business.pk])
    assert client.get(response["Location"]).status_code == 200


def test_contact_edits_business_details_with_audit(client, bakery):
    client.force_login(bakery.contact)
    b = bakery.business
    response = client.post(
        reverse("business_edit", args=[b.pk]),
        {
            "legal_name": b.legal_name,
            "trade_name": "De Kanaalbakker",
            "vat_id": "",
            "street": "Nieuwe straat 1",
            "postcode": "3526 AB",
            "city": "Utrecht",
            "billing_email": "geld@bakker.example.nl",
            "phone": "",
            "payment_term_days": "21",
        },
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert (b.trade_name, b.street, b.billing_email, b.payment_term_days, b.vat_id) == (
        "De Kanaalbakker",
        "Nieuwe straat 1",
        "geld@bakker.example.nl",
        21,
        "",
    )
    event = AuditEvent.objects.get(action="business.details_changed")
    assert event.actor == bakery.contact and event.data["trade_name"]["new"] == "De Kanaalbakker"


@pytest.mark.parametrize(
    ("field", "value"), [("vat_id", "NL1"), ("postcode", "x"), ("billing_email", "no"), ("phone", "12")]
)
def test_bad_business_edit_changes_nothing(client, bakery, field, value):
    client.force_login(bakery.contact)
    b = bakery.business
    data = {
        "legal_name": b.legal_name,
        "trade_name": "",
        "vat_id": b.vat_id,
        "street": b.street,
        "postcode": b.postcode,
        "city": b.city,
        "billing_email": b.billing_email,
        "phone": "",
        "payment_term_days": "",
        field: value,
    }
    before = (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count())
    assert client.post(reverse("business_edit", args=[b.pk]), data).status_code == 400
    assert (Business.objects.values().get(pk=b.pk), AuditEvent.objects.count()) == before


def test_contact_adds_a_new_person_who_gets_an_invitation(client, bakery, django_capture_on_commit_callbacks):
    client.force_login(bakery.contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("business_contact_add", args=[bakery.business.pk]),
            {"email": "Sanne@Bakker.example.nl", "first_name": "Sanne"},
        )
    assert response.status_code == 302
    sanne = User.objects.get(email="sanne@bakker.example.nl")
    assert not sanne.has_usable_password()
    assert Role.objects.filter(user=sanne, business=bakery.business).exists()
    assert mail.outbox[-1].to == ["sanne@bakker.example.nl"]


def test_contact_adds_an_existing_user_and_cannot_add_twice(client, bakery, outsider):
    client.force_login(bakery.contact)
    url = reverse("business_contact_add", args=[bakery.business.pk])
    client.post(url, {"email": outsider.email})
    assert Role.objects.filter(user=outsider, business=bakery.business).count() == 1
    before = (Role.objects.count(), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(url, {"email": outsider.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already act for the business" in response.content.decode()
    assert (Role.objects.count(), AuditEvent.objects.count()) == before


def test_bad_contact_email_changes_nothing(client, bakery):
    client.force_login(bakery.contact)
    before = (User.objects.count(), Role.objects.count())
    assert (
        client.post(reverse("business_contact_add", args=[bakery.business.pk]), {"email": "not-an-email"}).status_code
        == 400
    )
    assert (User.objects.count(), Role.objects.count()) == before


def test_contact_removes_another_but_never_the_last(client, bakery, outsider):
    Role.objects.create(user=outsider, kind=Role.Kind.BUSINESS_CONTACT, business=bakery.business)
    client.force_login(bakery.contact)
    client.post(reverse("business_contact_remove", args=[bakery.business.pk, outsider.pk]))
    assert not Role.objects.filter(user=outsider, business=bakery.business).exists()
    response = client.post(reverse("business_contact_remove", args=[bakery.business.pk, bakery.contact.pk]))
    assert response.status_code == 302
    assert Role.objects.filter(user=bakery.contact, business=bakery.business).exists()


BUSINESS_PAGES = ["business_detail", "business_edit"]


@pytest.mark.parametrize("persona", ["outsider", "fatima", "lunetten_shop", "coordinator", "lunetten_coordinator"])
def test_others_get_404_on_a_business_portal_page(client, request, persona, bakery):
    obj = request.getfixturevalue(persona)
    client.force_login(getattr(obj, "contact", None) or getattr(obj, "user", None) or obj)
    for name in BUSINESS_PAGES:
        assert client.get(reverse(name, args=[bakery.business.pk])).status_code == 404, name
    before = (Role.objects.count(), Business.objects.values().get(pk=bakery.business.pk))
    assert (
        client.post(reverse("business_contact_add", args=[bakery.business.pk]), {"email": "x@example.nl"}).status_code
        == 404
    )
    assert (
        client.post(reverse("business_contact_remove", args=[bakery.business.pk, bakery.contact.pk])).status_code == 404
    )
    assert client.post(reverse("business_edit", args=[bakery.business.pk]), {"legal_name": "Hacked"}).status_code == 404
    assert (Role.objects.count(), Business.objects.values().get(pk=bakery.business.pk)) == before


def test_non_contact_gets_403_on_business_home(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("business_home")).status_code == 403


def test_contact_of_two_businesses_sees_a_list(client, bakery, kanaleneiland):
    other = BusinessFactory()
    BusinessRelation.objects.create(business=other, coop=kanaleneiland)
    Role.objects.create(user=bakery.contact, kind=Role.Kind.BUSINESS_CONTACT, business=other)
    client.force_login(bakery.contact)
    response = client.get(reverse("business_home"))
    assert response.status_code == 200
    assert set(response.context["businesses"]) == {bakery.business, other}


def test_business_registration_of_kvk_with_spaces_is_stored_compact(client, kanaleneiland):
    client.post(reverse("business_register"), business_data(kvk_number="12.34.56.78"))
    assert Business.objects.get().kvk_number == "12345678"
