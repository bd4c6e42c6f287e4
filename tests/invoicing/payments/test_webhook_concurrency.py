"""Two workers receive the same payment at the same moment: one payment, one posting (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from coop.ledger.selectors import receivable_for_invoice
from invoicing.models import Payment, WebhookEvent
from invoicing.payments.selectors import payment_integrity_check
from invoicing.payments.services import stripe_keys_for
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.factories import cents

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def _race(invoice, events):  # type: ignore[no-untyped-def]
    url = reverse("payments:stripe_webhook", kwargs={"coop_slug": invoice.coop.slug})
    secret = stripe_keys_for(invoice.coop).webhook_secret
    bodies = [se.signed(ev, secret) for ev in events]
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def worker(body: bytes, header: str) -> None:
        try:
            barrier.wait()
            response = Client().post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
            statuses.append(response.status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=b) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return statuses


def test_same_event_to_two_workers_records_one_payment(invoice):
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    ev = se.event("payment_intent.succeeded", pi)
    for _round in range(3):
        assert _race(invoice, [ev, ev]) == [200, 200]
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    assert receivable_for_invoice(invoice).amount == 0
    assert payment_integrity_check().ok


def test_two_events_for_one_payment_at_once_record_one_payment(invoice):
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    session = se.checkout_session(amount=cents(invoice), metadata=se.invoice_metadata(invoice), pi_id=pi["id"])
    statuses = _race(
        invoice, [se.event("payment_intent.succeeded", pi), se.event("checkout.session.completed", session)]
    )
    assert statuses == [200, 200]
    assert Payment.objects.count() == 1
    assert payment_integrity_check().ok


def test_same_redelivery_to_two_workers_is_stored_once(invoice):
    """The quick path (no transaction, one INSERT): the unique (coop, event id) index settles the race."""
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    session = se.checkout_session(amount=cents(invoice), metadata=se.invoice_metadata(invoice), pi_id=pi["id"])
    assert _race(invoice, [se.event("payment_intent.succeeded", pi)]) == [200]
    late = se.event("checkout.session.completed", session)
    for _round in range(3):
        assert _race(invoice, [late, late]) == [200, 200]
    assert WebhookEvent.objects.count() == 2
    assert Payment.objects.count() == 1
    assert payment_integrity_check().ok
