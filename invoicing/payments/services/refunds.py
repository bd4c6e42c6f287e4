"""Money given back on a payment: a Stripe refund (told by charge.refunded, as a running total)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, ledger_post
from coop.money import eur
from invoicing.models import Payment, Refund
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.cents import cents, from_cents
from invoicing.payments.services.settlement import invoice_lock_or_404, invoice_owed, settlement_read, settlement_write


def refund_record_stripe(
    *, invoice_id: int, payment_intent_id: str, refunded_total_cents: int, charge_id: str, on: dt.date
) -> Refund | None:
    """Take back what Stripe refunded on a payment (the charge's running total); older totals are no-ops.

    Posts Dr receivable / Cr Stripe clearing for the new part only. Returns the new refund or None.
    """
    with transaction.atomic():
        invoice = invoice_lock_or_404(invoice_id)
        payment = Payment.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent_id).first()
        if payment is None:
            return None
        target = min(from_cents(refunded_total_cents).amount, payment.amount.amount)
        delta = Decimal(target) - Decimal(payment.amount_refunded.amount)
        if delta <= 0:
            return None
        amount = eur(delta)
        coop = invoice.coop
        accounts = accounts_for(
            coop,
            [(AccountCode.RECEIVABLE, invoice.business_id), (AccountCode.STRIPE_CLEARING, None)],
            business_name=lambda: str(invoice.business),
        )
        txn = ledger_post(
            coop=coop,
            occurred_on=on,
            description=_("Refund on %(pi)s for invoice %(number)s")
            % {"pi": payment_intent_id, "number": invoice.number},
            legs=[
                Leg(account=accounts[(AccountCode.RECEIVABLE, invoice.business_id)], debit=amount),
                Leg(account=accounts[(AccountCode.STRIPE_CLEARING, None)], credit=amount),
            ],
            reference=invoice,
            idempotency_key=f"stripe-refund:{payment_intent_id}:{cents(eur(target))}",
        )
        refund = Refund.objects.create(
            coop=coop,
            payment=payment,
            amount=amount,
            refunded_total_after=eur(target),
            stripe_charge_id=charge_id,
            ledger_transaction=txn,
        )
        payment.amount_refunded = eur(target)
        payment.save(update_fields=["amount_refunded"])
        settlement, _intent_paid = settlement_read(invoice)
        old, new = settlement_write(invoice, settlement, owed=invoice_owed(invoice), refunded=amount, on=on)
        audit_record(
            actor=None,
            action="payments.refund_recorded",
            subject=payment,
            coop=coop,
            data={"amount": str(amount.amount), "refunded_total": str(target), "status": {"old": old, "new": new}},
        )
    return refund
