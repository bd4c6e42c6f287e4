"""Stripe's fee on a payment: fetched from Stripe after the payment is recorded, posted once.

The task after each payment gives up after a few tries; the hourly sweep (`payment_fees_sweep`) asks
again for every Stripe payment without a booked fee until it has one.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, ledger_post
from invoicing import stripe_gateway
from invoicing.models import Payment
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.cents import from_cents
from invoicing.payments.services.keys import stripe_keys_for

logger = logging.getLogger(__name__)


def payment_fee_record(*, payment_id: int, fee_cents: int) -> Payment:
    """Post Stripe's fee on a payment: Dr fees (expense) / Cr Stripe clearing; once per payment."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice", "coop").get(pk=payment_id)
        if payment.fee_transaction_id is not None or fee_cents <= 0:
            return payment
        fee = from_cents(fee_cents)
        coop = payment.coop
        accounts = accounts_for(coop, [(AccountCode.FEES, None), (AccountCode.STRIPE_CLEARING, None)])
        txn = ledger_post(
            coop=coop,
            occurred_on=payment.received_on,
            description=_("Stripe fee on %(pi)s") % {"pi": payment.stripe_payment_intent_id},
            legs=[
                Leg(account=accounts[(AccountCode.FEES, None)], debit=fee),
                Leg(account=accounts[(AccountCode.STRIPE_CLEARING, None)], credit=fee),
            ],
            reference=payment.invoice,
            idempotency_key=f"stripe-fee:{payment.stripe_payment_intent_id}",
        )
        payment.fee = fee
        payment.fee_transaction = txn
        payment.save(update_fields=["fee", "fee_transaction"])
        audit_record(
            actor=None, action="payments.fee_recorded", subject=payment, coop=coop, data={"fee": str(fee.amount)}
        )
    return payment


def payment_fee_fetch_and_record(*, payment_id: int) -> Payment:
    """Ask Stripe for the fee of a payment (outside any transaction) and post it. Raises StripeUnavailable."""
    payment = Payment.objects.select_related("coop").get(pk=payment_id)
    if payment.fee_transaction_id is not None or not payment.stripe_payment_intent_id:
        return payment
    keys = stripe_keys_for(payment.coop)
    if keys is None:  # the coop removed its keys since: the fee stays unknown until a coordinator books it
        return payment
    fee = stripe_gateway.payment_fee_cents(keys=keys, payment_intent_id=payment.stripe_payment_intent_id)
    if fee is None:
        return payment
    return payment_fee_record(payment_id=payment_id, fee_cents=fee)


def payment_fees_sweep() -> int:
    """Ask Stripe again for every missing fee (one payment at a time); returns how many were booked."""
    from invoicing.payments.selectors import payment_ids_fee_missing

    booked = 0
    for payment_id in payment_ids_fee_missing():
        try:
            payment = payment_fee_fetch_and_record(payment_id=payment_id)
        except stripe_gateway.StripeUnavailable as exc:  # next hour, again; the office sees it after a day
            logger.warning("Stripe fee for payment %s still unknown: %s", payment_id, exc)
            continue
        booked += payment.fee_transaction_id is not None
    return booked
