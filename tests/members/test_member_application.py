"""Applying for membership: the form, the e-mail confirmation, and every kind of bad input."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from coop.models import AuditEvent
from members.models import Member, User
from tests.members.conftest import application_data, db_snapshot

pytestmark = pytest.mark.django_db


def test_applicant_in_single_coop_install_sees_no_coop_choice(client, kanaleneiland):
    with translation.override("en"):
        response = client.get(reverse("member_apply"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="coop"' not in body
    assert "Choose for me, from my postcode" not in body


def test_applicant_becomes_applied_member_with_normalised_details(client, kanaleneiland):
    response = client.post(reverse("member_apply"), application_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("member_apply_done")
    member = Member.objects.select_related("user").get()
    assert member.status == Member.Status.APPLIED
    assert member.coop == kanaleneiland
    assert member.user.email == "amina@example.nl"
    assert member.user.check_password("Wijk-werk-2026!")
    assert member.postcode == "3526KL"
    assert member.phone == "+31612345678"
    assert member.iban == "NL91ABNA0417164300"
    assert member.languages == ["nl", "tr"]
    assert member.member_number is None
    assert AuditEvent.objects.filter(action="member.applied", subject_id=str(member.pk), actor=member.user).exists()
    address = EmailAddress.objects.get(user=member.user)
    assert address.primary and not address.verified


def test_confirmation_mail_link_confirms_the_address_through_allauth(
    client, kanaleneiland, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member_apply"), application_data())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.nl"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    assert link is not None
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="amina@example.nl").verified


def test_done_page_says_what_happens_next(client, kanaleneiland):
    client.post(reverse("member_apply"), application_data())
    with translation.override("en"):
        response = client.get(reverse("member_apply_done"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "What happens now?" in body
    assert "amina@example.nl" in body


def test_with_two_coops_the_coop_is_guessed_from_the_postcode(client, kanaleneiland, lunetten):
    response = client.get(reverse("member_apply"))
    assert 'name="coop"' in response.content.decode()
    client.post(reverse("member_apply"), application_data(postcode="3523 CD"))
    assert Member.objects.get().coop == lunetten


def test_with_two_coops_a_chosen_coop_wins_over_the_postcode(client, kanaleneiland, lunetten):
    client.post(reverse("member_apply"), application_data(postcode="3523 CD", coop=kanaleneiland.pk))
    assert Member.objects.get().coop == kanaleneiland


def test_with_two_coops_an_unknown_postcode_asks_to_choose(client, kanaleneiland, lunetten):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(reverse("member_apply"), application_data(postcode="1011 AB"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Please choose one" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "NL91ABNA0417164301", "IBAN is not correct"),
        ("iban", "hello", "IBAN is not correct"),
        ("postcode", "0123 AB", "Dutch postcode"),
        ("postcode", "3526 SA", "Dutch postcode"),
        ("postcode", "35266", "Dutch postcode"),
        ("email", "amina@", "valid email"),
        ("phone", "12345", "Dutch phone number"),
        ("phone", "+49 30 1234567", "Dutch phone number"),
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "1850-01-01", "year looks wrong"),
        ("date_of_birth", "2001-02-30", "valid date"),
        ("date_of_birth", "yesterday", "valid date"),
        ("password2", "something-else-2026", "not the same"),
        ("password1", "Amina", "too short"),
        ("languages", ["xx"], "valid choice"),
        ("first_name", "", "required"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    client, kanaleneiland, field, value, message, django_capture_on_commit_callbacks
):
    before = db_snapshot()
    extra = {"password2": value} if field == "password1" else {}
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("member_apply"), application_data(**{field: value}, **extra), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_snapshot() == before
    assert callbacks == []


def test_minor_under_sixteen_cannot_apply(client, kanaleneiland):
    from django.utils import timezone

    today = timezone.localdate()
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("member_apply"),
            application_data(date_of_birth=f"{today.year - 15}-01-01"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "16 or older" in response.content.decode()
    assert db_snapshot() == before


def test_second_application_with_same_email_is_refused(client, kanaleneiland, applicant):
    before = db_snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("member_apply"), application_data(email="YUSUF@example.nl"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "already an account with this e-mail address" in response.content.decode()
    assert db_snapshot() == before


def test_member_of_another_coop_cannot_apply_again(client, kanaleneiland, lunetten, jan):
    client.force_login(jan.user)
    before = db_snapshot()
    response = client.post(reverse("member_apply"), application_data(coop=kanaleneiland.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("member_home")
    assert db_snapshot() == before
    assert Member.objects.get(user=jan.user).coop == lunetten


def test_service_refuses_a_user_who_already_is_a_member(fatima):
    import datetime as dt

    from members.exceptions import MembershipError
    from members.services import member_apply

    before = db_snapshot()
    with pytest.raises(MembershipError):
        member_apply(
            coop=fatima.coop,
            first_name="F",
            last_name="E",
            postcode="3526KL",
            house_number="1",
            phone="0612345678",
            iban="NL91ABNA0417164300",
            date_of_birth=dt.date(1980, 1, 1),
            languages=[],
            user=fatima.user,
        )
    assert db_snapshot() == before


def test_logged_in_business_contact_applies_without_new_account(client, kanaleneiland, bakery):
    client.force_login(bakery.contact)
    data = application_data()
    for name in ("email", "password1", "password2"):
        data.pop(name)
    response = client.post(reverse("member_apply"), data)
    assert response.status_code == 302
    assert Member.objects.get().user == bakery.contact
    assert User.objects.filter(email="amina@example.nl").count() == 0


def test_service_without_a_request_still_sends_a_working_confirmation_link(
    kanaleneiland, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from members.services import member_apply

    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        member_apply(
            coop=kanaleneiland,
            first_name="Ali",
            last_name="B",
            postcode="3526KL",
            house_number="1",
            phone="0612345678",
            iban="NL91ABNA0417164300",
            date_of_birth=dt.date(1980, 1, 1),
            languages=["nl"],
            email="ali@example.nl",
            password="Wijk-werk-2026!",
        )
    assert "http://testserver/accounts/confirm-email/" in mail.outbox[-1].body


def test_invalid_field_is_marked_for_screen_readers(client, kanaleneiland):
    body = client.post(reverse("member_apply"), application_data(iban="NL00")).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'id="id_iban_error"' in body
