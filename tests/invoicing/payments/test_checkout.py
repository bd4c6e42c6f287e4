"""Paying an invoice online: a Checkout session made by the real stripe SDK against the local fake server."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from coop.money import eur
from invoicing.models import CheckoutAttempt, Payment
from invoicing.payments.exceptions import InvoiceNotPayable, PaymentServiceUnavailable
from invoicing.payments.selectors import invoice_pay_token
from invoicing.payments.services import checkout_start, payment_record_manual
from tests.invoicing.payments.factories import cents

pytestmark = pytest.mark.django_db


def _pay_url(invoice):  # type: ignore[no-untyped-def]
    return reverse("payments:invoice_pay", kwargs={"invoice_id": invoice.pk})


def test_business_is_sent_to_a_checkout_session_for_the_amount_due(client, bakery, invoice, fake_stripe):
    client.force_login(bakery.contact)
    response = client.post(_pay_url(invoice))
    assert response.status_code == 302
    attempt = CheckoutAttempt.objects.get()
    assert response["Location"] == attempt.checkout_url
    assert attempt.checkout_url.startswith(fake_stripe.public_base + "/pay/cs_test_")
    session = fake_stripe.objects[attempt.stripe_session_id]
    assert session["amount_total"] == cents(invoice)
    assert session["currency"] == "eur"
    assert session["payment_method_types"] == ["ideal", "card", "sepa_debit"]
    assert session["metadata"]["invoice_id"] == str(invoice.pk)
    assert session["_pi_metadata"]["attempt_id"] == str(attempt.pk)
    # The real SDK sent our idempotency key, derived from the invoice and the attempt.
    sent = [r for r in fake_stripe.requests_seen if r[1] == "/v1/checkout/sessions"]
    assert sent[0][2]["idempotency_key"] == f"wijkwerk-invoice-{invoice.pk}-checkout-1"


def test_second_click_reuses_the_open_session(invoice, fake_stripe):
    first = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    second = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert first.url == second.url
    assert CheckoutAttempt.objects.count() == 1
    assert len([r for r in fake_stripe.requests_seen if r[1] == "/v1/checkout/sessions"]) == 1


def test_stripe_outage_gives_a_clear_message_and_a_retry_and_leaves_nothing_half_made(
    client, bakery, invoice, fake_stripe
):
    client.force_login(bakery.contact)
    fake_stripe.fail_next = 1
    with translation.override("en"):
        response = client.post(_pay_url(invoice), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 503
        assert "not available right now" in response.content.decode()
        assert "Try again" in response.content.decode()
    assert not CheckoutAttempt.objects.filter(status__in=["pending", "open"]).exists()
    assert CheckoutAttempt.objects.get().status == CheckoutAttempt.Status.FAILED
    assert Payment.objects.count() == 0
    # The retry works, with a NEW idempotency key (Stripe would replay the 500 for the old one).
    response = client.post(_pay_url(invoice))
    assert response.status_code == 302
    keys = [r[2]["idempotency_key"] for r in fake_stripe.requests_seen if r[1] == "/v1/checkout/sessions"]
    assert keys == [f"wijkwerk-invoice-{invoice.pk}-checkout-1", f"wijkwerk-invoice-{invoice.pk}-checkout-2"]


def test_server_down_is_an_outage_too(invoice, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(PaymentServiceUnavailable):
        checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert CheckoutAttempt.objects.get().status == CheckoutAttempt.Status.FAILED


def test_crash_after_recording_intent_is_retried_with_the_same_key(invoice, fake_stripe):
    CheckoutAttempt.objects.create(
        coop=invoice.coop,
        invoice=invoice,
        attempt=1,
        amount=invoice.total_gross,
        idempotency_key=f"wijkwerk-invoice-{invoice.pk}-checkout-1",
    )
    started = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert started.attempt.attempt == 1
    assert started.attempt.status == CheckoutAttempt.Status.OPEN


def test_paying_an_already_paid_invoice_is_refused(client, bakery, invoice, fake_stripe, coordinator):
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=invoice.total_gross,
        received_on=invoice.issue_date,
        reference="bank",
        actor=coordinator,
    )
    with pytest.raises(InvoiceNotPayable):
        checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    client.force_login(bakery.contact)
    with translation.override("en"):
        response = client.post(_pay_url(invoice), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "already been paid" in response.content.decode()
    assert CheckoutAttempt.objects.count() == 0
    assert fake_stripe.requests_seen == []


def test_paying_a_credited_invoice_is_refused(invoice, fake_stripe):
    from invoicing.services.credit_notes import credit_note_create

    credit_note_create(invoice=invoice, reason="Fout", actor=None)
    with translation.override("en"), pytest.raises(InvoiceNotPayable, match="credited"):
        checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert CheckoutAttempt.objects.count() == 0


def test_partly_paid_invoice_checks_out_the_rest(invoice, fake_stripe, coordinator):
    payment_record_manual(
        invoice_id=invoice.pk, amount=eur("10.00"), received_on=invoice.issue_date, reference="deel", actor=coordinator
    )
    started = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    assert fake_stripe.objects[started.attempt.stripe_session_id]["amount_total"] == cents(invoice) - 1000


def test_pay_link_from_the_email_works_without_login(client, invoice, fake_stripe):
    url = reverse("payments:invoice_pay_link", kwargs={"token": invoice_pay_token(invoice)})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302


def test_forged_pay_link_is_not_found(client, invoice):
    url = reverse("payments:invoice_pay_link", kwargs={"token": invoice_pay_token(invoice) + "x"})
    assert client.get(url).status_code == 404


def test_outsider_and_other_business_cannot_open_the_pay_page(client, invoice, outsider, lunetten_shop):
    for user in (outsider, lunetten_shop.contact):
        client.force_login(user)
        assert client.get(_pay_url(invoice)).status_code == 404
        assert client.post(_pay_url(invoice)).status_code == 404
    client.logout()
    assert client.get(_pay_url(invoice)).status_code == 302  # to the login page
    assert CheckoutAttempt.objects.count() == 0


def test_business_sees_its_invoices_with_status_and_pay_links(client, bakery, invoice, lunetten_invoice, outsider):
    client.force_login(bakery.contact)
    page = client.get(reverse("payments:business_invoices_to_pay")).content.decode()
    assert invoice.number in page and _pay_url(invoice) in page
    assert lunetten_invoice.number not in page  # another business's invoice
    client.force_login(outsider)
    assert client.get(reverse("payments:business_invoices_to_pay")).status_code == 403


def test_business_invoice_list_costs_the_same_for_1_and_many(client, kanaleneiland, bakery, fatima):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.invoicing.payments.factories import issued_invoice

    day = dt.date(2026, 3, 2)
    issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=day)
    client.force_login(bakery.contact)
    url = reverse("payments:business_invoices_to_pay")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 12):
        issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=day + dt.timedelta(i))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one.captured_queries) == len(many.captured_queries)
