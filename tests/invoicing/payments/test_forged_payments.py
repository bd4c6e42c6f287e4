"""Forged payments: no webhook secret can be computed from the source, and a coop without keys accepts nothing.

Until now a coop without Stripe keys fell back to a webhook secret derived from a seed written in
the source, so anyone could sign `payment_intent.succeeded` and mark its invoices paid, even with
ENV=production. These tests sign deliveries with exactly that formerly derived secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from coop.ledger.models import LedgerTransaction
from coop.models import AuditEvent
from invoicing.models import CheckoutAttempt, InvoiceSettlement, Payment, PaymentAnomaly, StripeAccount, WebhookEvent
from invoicing.payments.encryption import secret_encrypt
from invoicing.payments.exceptions import OnlinePaymentNotSetUp, PaymentError
from invoicing.payments.services import checkout_start, stripe_account_set
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.conftest import WORK_DAY
from tests.invoicing.payments.factories import cents, issued_invoice

pytestmark = pytest.mark.django_db

PRODUCTION = {"ENV": "production", "PRODUCTION": True, "DEBUG": False, "STRIPE_FAKE": False}
DEVELOPMENT_FAKE_OFF = {"ENV": "development", "PRODUCTION": False, "DEBUG": True, "STRIPE_FAKE": False}
DEVELOPMENT_FAKE_ON = {"ENV": "development", "PRODUCTION": False, "DEBUG": True, "STRIPE_FAKE": True}


def formerly_derived_secret(slug: str) -> str:
    """Exactly what the old invoicing/stripe_fake/credentials.py computed for a coop without keys."""
    digest = hmac.new(b"wijkwerk-local-fake-stripe", f"webhook:{slug}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"whsec_{digest}"


def _state(invoice) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    settlement = InvoiceSettlement.objects.filter(invoice=invoice).values_list("status", "amount_paid").first()
    return (
        WebhookEvent.objects.count(),
        Payment.objects.count(),
        settlement,
        LedgerTransaction.objects.count(),
        PaymentAnomaly.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def keyless_invoice(kanaleneiland, bakery, fatima):  # type: ignore[no-untyped-def]
    """An issued invoice of Kanaleneiland, which has NO Stripe keys of its own."""
    return issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)


def _paid_events(invoice):  # type: ignore[no-untyped-def]
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    session = se.checkout_session(amount=cents(invoice), metadata=se.invoice_metadata(invoice), pi_id=pi["id"])
    return [se.event("payment_intent.succeeded", pi), se.event("checkout.session.completed", session)]


@pytest.mark.parametrize(
    "mode", [PRODUCTION, DEVELOPMENT_FAKE_OFF, DEVELOPMENT_FAKE_ON], ids=["production", "dev-fake-off", "dev-fake-on"]
)
def test_delivery_signed_with_the_formerly_derived_secret_is_refused_and_stores_nothing(
    keyless_invoice, post_event, mode
):
    before = _state(keyless_invoice)
    with override_settings(**mode):
        for ev in _paid_events(keyless_invoice):
            response = post_event(keyless_invoice.coop, ev, secret=formerly_derived_secret("kanaleneiland"))
            assert response.status_code == 400
    assert _state(keyless_invoice) == before
    assert not InvoiceSettlement.objects.filter(invoice=keyless_invoice, status="paid").exists()


@pytest.mark.parametrize("mode", [PRODUCTION, DEVELOPMENT_FAKE_OFF], ids=["production", "dev-fake-off"])
def test_formerly_derived_secret_is_refused_for_a_coop_with_keys_too(invoice, post_event, mode):
    before = _state(invoice)
    with override_settings(**mode):
        response = post_event(invoice.coop, _paid_events(invoice)[0], secret=formerly_derived_secret(invoice.coop.slug))
    assert response.status_code == 400
    assert _state(invoice) == before


def test_coop_without_keys_refuses_every_signature_even_a_random_one(keyless_invoice, post_event):
    before = _state(keyless_invoice)
    for secret in (f"whsec_{secrets.token_hex(16)}", "whsec_", "x"):
        assert post_event(keyless_invoice.coop, _paid_events(keyless_invoice)[0], secret=secret).status_code == 400
    unsigned = post_event(keyless_invoice.coop, _paid_events(keyless_invoice)[0], secret="x", signature="")
    assert unsigned.status_code == 400
    assert _state(keyless_invoice) == before


def test_coop_that_gets_keys_accepts_its_own_secret_at_once(keyless_invoice, post_event, coop_keys):
    ev = _paid_events(keyless_invoice)[0]
    assert post_event(keyless_invoice.coop, ev, secret=formerly_derived_secret("kanaleneiland")).status_code == 400
    secret = coop_keys(keyless_invoice.coop)  # the cached "no keys" endpoint must not linger
    assert post_event(keyless_invoice.coop, ev, secret=secret).status_code == 200
    assert Payment.objects.count() == 1


# --- the business sees bank details instead of a pay button ----------------------------------------
def test_business_of_a_coop_without_keys_sees_bank_transfer_details_and_no_pay_button(client, bakery, keyless_invoice):
    client.force_login(bakery.contact)
    url = reverse("payments:invoice_pay", kwargs={"invoice_id": keyless_invoice.pk})
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online payment is not set up" in page
    assert keyless_invoice.seller["iban"] in page
    assert keyless_invoice.seller["legal_name"] in page
    assert keyless_invoice.number in page
    assert 'type="submit"' not in page.split("<main", 1)[-1]  # no pay button in the page body


def test_paying_online_without_keys_is_refused_and_starts_nothing(client, bakery, keyless_invoice):
    client.force_login(bakery.contact)
    url = reverse("payments:invoice_pay", kwargs={"invoice_id": keyless_invoice.pk})
    before = _state(keyless_invoice)
    with translation.override("en"):
        response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Online payment is not set up" in response.content.decode()
    assert CheckoutAttempt.objects.count() == 0
    assert _state(keyless_invoice) == before
    with pytest.raises(OnlinePaymentNotSetUp):
        checkout_start(invoice_id=keyless_invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert CheckoutAttempt.objects.count() == 0


def test_business_of_a_coop_with_keys_sees_the_pay_button(client, bakery, invoice):
    # The counterpart of the test above: proves its "no pay button" check can fail.
    client.force_login(bakery.contact)
    with translation.override("en"):
        page = client.get(
            reverse("payments:invoice_pay", kwargs={"invoice_id": invoice.pk}), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Online payment is not set up" not in page
    assert 'type="submit"' in page.split("<main", 1)[-1]


def test_office_sees_why_online_payment_is_off(client, coordinator, kanaleneiland, coop_keys):
    client.force_login(coordinator)
    with translation.override("en"):
        overview = client.get(reverse("payments:office_payments"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        keys_page = client.get(reverse("payments:office_stripe_account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online payment is off" in overview
    assert "Online payment is off" in keys_page
    coop_keys(kanaleneiland)
    with translation.override("en"):
        keys_page = client.get(reverse("payments:office_stripe_account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        overview = client.get(reverse("payments:office_payments"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online payment is on" in keys_page
    assert "Online payment is off" not in overview


# --- a webhook secret is never saved alone ---------------------------------------------------------
def test_webhook_secret_alone_is_refused_by_the_page_and_nothing_is_stored(client, coordinator, kanaleneiland):
    client.force_login(coordinator)
    audits = AuditEvent.objects.count()
    with translation.override("en"):
        response = client.post(
            reverse("payments:office_stripe_account"), {"webhook_secret": "whsec_alone_1234"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert "Enter the secret key and the webhook signing secret together" in response.content.decode()
    assert StripeAccount.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_secret_key_alone_is_refused_too(kanaleneiland, coordinator):
    with pytest.raises(PaymentError):
        stripe_account_set(coop=kanaleneiland, actor=coordinator, secret_key="sk_test_alone")
    assert StripeAccount.objects.count() == 0


def test_keys_saved_as_a_pair_verify_correctly_signed_events(client, coordinator, keyless_invoice, post_event):
    client.force_login(coordinator)
    response = client.post(
        reverse("payments:office_stripe_account"),
        {"secret_key": "sk_test_pair_1234", "webhook_secret": "whsec_pair_5678"},
    )
    assert response.status_code == 302
    paid = post_event(keyless_invoice.coop, _paid_events(keyless_invoice)[0], secret="whsec_pair_5678")
    assert paid.status_code == 200
    # Replacing only the webhook secret keeps the stored secret key: still a pair.
    client.post(reverse("payments:office_stripe_account"), {"webhook_secret": "whsec_pair_new"})
    account = StripeAccount.objects.get()
    assert account.is_live and account.webhook_secret_hint == "_new"


def test_a_stored_webhook_secret_without_a_secret_key_is_shown_as_off_and_verifies_nothing(
    client, coordinator, keyless_invoice, post_event
):
    # A row saved before keys had to come as a pair: the page must not say payments work.
    StripeAccount.objects.create(
        coop=keyless_invoice.coop, webhook_secret_encrypted=secret_encrypt("whsec_legacy"), webhook_secret_hint="gacy"
    )
    client.force_login(coordinator)
    with translation.override("en"):
        page = client.get(reverse("payments:office_stripe_account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online payment is off" in page
    before = _state(keyless_invoice)
    assert post_event(keyless_invoice.coop, _paid_events(keyless_invoice)[0], secret="whsec_legacy").status_code == 400
    assert _state(keyless_invoice) == before
