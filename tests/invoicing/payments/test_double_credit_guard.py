"""The double-credit check catches what a balanced ledger cannot: the same payment booked twice.

A deliberately broken, non-idempotent handler (no lookup by payment intent, a ledger key per
EVENT instead of per payment intent, no intent id on the row) is swapped in: the books still
balance, and the integrity check must still fail. With the real handler the check passes.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from coop.ledger.models import AccountCode
from coop.ledger.selectors import trial_balance
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from invoicing.models import Invoice, Payment
from invoicing.payments import services, webhooks
from invoicing.payments.selectors import payment_integrity_check
from invoicing.payments.services import PaymentOutcome, from_cents
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.factories import cents

pytestmark = pytest.mark.django_db


def _broken_payment_record_stripe(
    *,
    invoice_id,
    payment_intent_id,
    amount_cents,
    currency,
    received_on,  # type: ignore[no-untyped-def]
    expected_cents,
    source,
    coop_id=None,
    coop=None,
):
    with transaction.atomic():
        invoice = Invoice.objects.select_related("coop").get(pk=invoice_id)
        amount = from_cents(amount_cents)
        coop = invoice.coop
        txn = ledger_post(
            coop=coop,
            occurred_on=received_on,
            description="broken",
            reference=invoice,
            idempotency_key=f"broken:{source}",  # per event, not per payment intent: the bug
            legs=[
                Leg(account_get_or_create(coop=coop, code=AccountCode.STRIPE_CLEARING), debit=amount),
                Leg(
                    account_get_or_create(coop=coop, code=AccountCode.RECEIVABLE, business_id=invoice.business_id),
                    credit=amount,
                ),
            ],
        )
        payment = Payment.objects.create(
            coop=coop,
            invoice=invoice,
            method=Payment.Method.STRIPE,
            amount=amount,
            received_on=received_on,
            reference=payment_intent_id,
            ledger_transaction=txn,
        )
    return PaymentOutcome(payment, True)


def _deliver_same_payment_twice(invoice, post_event):  # type: ignore[no-untyped-def]
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    session = se.checkout_session(amount=cents(invoice), metadata=se.invoice_metadata(invoice), pi_id=pi["id"])
    assert post_event(invoice.coop, se.event("checkout.session.completed", session)).status_code == 200
    assert post_event(invoice.coop, se.event("payment_intent.succeeded", pi)).status_code == 200


def test_broken_handler_double_credits_and_the_check_catches_it(invoice, post_event, monkeypatch):
    monkeypatch.setattr(services, "payment_record_stripe", _broken_payment_record_stripe)
    monkeypatch.setattr(webhooks.services, "payment_record_stripe", _broken_payment_record_stripe)
    _deliver_same_payment_twice(invoice, post_event)
    assert Payment.objects.count() == 2
    assert trial_balance(invoice.coop).total.amount == 0  # sum-to-zero passes: it proves nothing here
    report = payment_integrity_check()
    assert not report.ok
    assert report.double_credited == [invoice.number]
    assert report.intents_paid_twice == [Payment.objects.first().reference]


def test_real_handler_passes_the_same_check(invoice, post_event):
    _deliver_same_payment_twice(invoice, post_event)
    report = payment_integrity_check()
    assert report.ok
    assert report.not_total_or_zero == []
    assert Payment.objects.count() == 1
