"""The demo flow end to end: a business pays through the fake Checkout page, the fake DELIVERS the signed
webhooks over HTTP to the running app, the invoice shows paid, and the ledger shows payment and fee."""

from __future__ import annotations

import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from coop.demo.stripe_fake.app import FakeStripe
from coop.demo.stripe_fake.server import fake_server_start
from coop.ledger.models import AccountCode, LedgerLeg
from coop.ledger.selectors import receivable_for_invoice, trial_balance
from invoicing.models import Payment, WebhookEvent
from invoicing.payments.selectors import invoice_payment_summary, payment_integrity_check

pytestmark = pytest.mark.django_db(transaction=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_business_pays_through_the_fake_checkout_and_the_webhook_marks_it_paid(
    live_server, settings, client, bakery, invoice
):
    fake = FakeStripe(webhook_base=f"{live_server.url}/payments/webhooks/stripe/")
    server, base = fake_server_start(fake)
    settings.STRIPE_API_BASE = base
    try:
        client.force_login(bakery.contact)
        response = client.post(reverse("payments:invoice_pay", kwargs={"invoice_id": invoice.pk}))
        checkout_url = response["Location"]
        assert checkout_url.startswith(f"{base}/pay/")
        assert b"iDEAL | Wero" in urllib.request.urlopen(checkout_url).read()  # noqa: S310
        form = urllib.parse.urlencode({"outcome": "paid", "method": "ideal"}).encode()
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(urllib.request.Request(checkout_url, data=form, method="POST"))  # noqa: S310
        except urllib.error.HTTPError as exc:  # the 303 back to our success URL
            assert exc.code == 303
            assert "result=success" in exc.headers["Location"]
    finally:
        server.shutdown()
        server.server_close()
    assert [d.status for d in fake.deliveries] == [200, 200]
    assert sorted(WebhookEvent.objects.values_list("event_type", flat=True)) == [
        "checkout.session.completed",
        "payment_intent.succeeded",
    ]
    payment = Payment.objects.get()
    assert invoice_payment_summary(invoice, today=invoice.issue_date).status == "paid"
    assert receivable_for_invoice(invoice).amount == 0
    # iDEAL fee EUR 0.29, fetched from the fake via the SDK by the fee task and posted to fees.
    assert payment.fee is not None and payment.fee.amount == Decimal("0.29")
    fees = LedgerLeg.objects.filter(account__code=AccountCode.FEES).aggregate(d=Sum("debit"))["d"]
    assert fees == Decimal("0.29")
    assert trial_balance(invoice.coop).total.amount == 0
    assert payment_integrity_check().ok
    # The pay page now says so.
    with translation.override("en"):
        page = client.get(
            reverse("payments:invoice_pay", kwargs={"invoice_id": invoice.pk}), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "This invoice has been paid" in page
