"""Writes about money coming in, split by subject.

- `keys`: a coop's Stripe keys (stored encrypted);
- `checkout`: Stripe Checkout sessions for what is owed;
- `settlement`: the one lock path on an invoice and the one writer of its settlement;
- `payments`: money received (Stripe, bank transfer);
- `fees`: Stripe's fee on a payment;
- `refunds`: money given back;
- `suspense`, `receipts`: money that matches no invoice, booked to suspense and resolved;
- `disputes`: payments contested at the payer's bank;
- `anomalies`: what a coordinator must look at;
- `accounts`, `cents`, `labels`: the ledger accounts a payment posts to, cents, method names.

The names other code imports are re-exported here.
"""

from invoicing.payments.services.anomalies import anomaly_record, anomaly_resolve
from invoicing.payments.services.cents import cents, from_cents
from invoicing.payments.services.checkout import CheckoutStart, checkout_start
from invoicing.payments.services.disputes import dispute_close, dispute_record
from invoicing.payments.services.fees import payment_fee_fetch_and_record, payment_fee_record, payment_fees_sweep
from invoicing.payments.services.keys import stripe_account_set, stripe_keys_for
from invoicing.payments.services.labels import payment_method_labels
from invoicing.payments.services.payments import PaymentOutcome, payment_record_manual, payment_record_stripe
from invoicing.payments.services.receipts import receipt_allocate, receipt_refund, receipt_write_off
from invoicing.payments.services.refunds import refund_decide, refund_record_stripe, refund_request
from invoicing.payments.services.suspense import receipt_record

__all__ = [
    "CheckoutStart",
    "PaymentOutcome",
    "anomaly_record",
    "anomaly_resolve",
    "cents",
    "checkout_start",
    "dispute_close",
    "dispute_record",
    "from_cents",
    "payment_fee_fetch_and_record",
    "payment_fee_record",
    "payment_fees_sweep",
    "payment_method_labels",
    "payment_record_manual",
    "payment_record_stripe",
    "receipt_allocate",
    "receipt_record",
    "receipt_refund",
    "receipt_write_off",
    "refund_decide",
    "refund_record_stripe",
    "refund_request",
    "stripe_account_set",
    "stripe_keys_for",
]
