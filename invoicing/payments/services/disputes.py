"""Disputes: a payer contested a Stripe payment at their bank. Stored once, linked to the invoice, closed by Stripe.

A dispute may arrive before its payment (Stripe delivers in any order): it is then stored without
invoice, and linked when the payment is recorded (`dispute_link_for_payment`) or the dispute event
comes again. Closing follows Stripe's decision: lost posts a reversal of the disputed amount
(Dr receivable / Cr Stripe clearing, the money left Stripe) and takes it off the payment; won
posts nothing. Each step leaves an audit row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, ledger_post
from coop.models import Cooperative
from coop.money import eur
from invoicing.models import Dispute, Invoice, Payment
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.cents import from_cents
from invoicing.payments.services.settlement import invoice_lock_or_404, invoice_owed, settlement_read, settlement_write


def _link(dispute: Dispute, invoice: Invoice) -> None:
    dispute.invoice = invoice
    dispute.save(update_fields=["invoice"])
    audit_record(
        actor=None,
        action="payments.dispute_linked",
        subject=dispute,
        coop=dispute.coop,
        data={"invoice": invoice.number, "payment_intent": dispute.stripe_payment_intent_id},
    )


def dispute_record(
    *, coop: Cooperative, stripe_dispute_id: str, payment_intent_id: str, amount_cents: int, reason: str
) -> tuple[Dispute, bool]:
    """Store a dispute once and link it to its invoice as soon as the payment is known; returns (dispute, created)."""
    with transaction.atomic():
        payment = (
            Payment.objects.filter(stripe_payment_intent_id=payment_intent_id, coop=coop)
            .select_related("invoice")
            .first()
            if payment_intent_id
            else None
        )
        dispute = Dispute.objects.select_for_update().filter(stripe_dispute_id=stripe_dispute_id).first()
        created = dispute is None
        if dispute is None:
            dispute = Dispute.objects.create(
                coop=coop,
                invoice=payment.invoice if payment else None,
                stripe_dispute_id=stripe_dispute_id,
                stripe_payment_intent_id=payment_intent_id,
                amount=from_cents(amount_cents),
                reason=reason[:60],
            )
            audit_record(
                actor=None,
                action="payments.dispute_recorded",
                subject=dispute,
                coop=coop,
                data={
                    "amount": str(dispute.amount.amount),
                    "payment_intent": payment_intent_id,
                    "invoice": payment.invoice.number if payment else None,
                },
            )
        elif dispute.invoice_id is None and payment is not None:
            # The payment arrived since the dispute was first told: link it now.
            _link(dispute, payment.invoice)
    return dispute, created


def dispute_link_for_payment(*, invoice: Invoice, payment_intent_id: str) -> None:
    """Link disputes told before their payment to the invoice just paid (called under the invoice lock)."""
    for dispute in Dispute.objects.filter(
        coop_id=invoice.coop_id, stripe_payment_intent_id=payment_intent_id, invoice__isnull=True
    ):
        _link(dispute, invoice)


def dispute_close(*, coop: Cooperative, stripe_dispute_id: str, outcome: str, on: dt.date) -> Dispute | None:
    """Close a dispute as Stripe decided ("won" or "lost"); a lost one posts the reversal. Returns it, or None.

    Closing is once: a repeated or unknown outcome changes nothing.
    """
    with transaction.atomic():
        dispute = Dispute.objects.filter(coop=coop, stripe_dispute_id=stripe_dispute_id).first()
        if dispute is None or outcome not in (Dispute.Status.WON, Dispute.Status.LOST):
            return None
        if dispute.invoice_id is None:
            # A dispute closed before its payment arrived: nothing of it is in the books yet.
            return None
        invoice = invoice_lock_or_404(dispute.invoice_id)
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if outcome not in Dispute.TRANSITIONS[dispute.status]:
            return dispute
        old = dispute.status
        data: dict[str, object] = {"status": {"old": str(old), "new": outcome}, "amount": str(dispute.amount.amount)}
        update_fields = ["status"]
        if outcome == Dispute.Status.LOST:
            payment = Payment.objects.select_for_update().get(stripe_payment_intent_id=dispute.stripe_payment_intent_id)
            open_on_payment = Decimal(payment.amount.amount) - Decimal(payment.amount_refunded.amount)
            taken = eur(min(Decimal(dispute.amount.amount), open_on_payment))
            if taken.amount > 0:
                accounts = accounts_for(
                    coop,
                    [(AccountCode.RECEIVABLE, invoice.business_id), (AccountCode.STRIPE_CLEARING, None)],
                    business_name=lambda: str(invoice.business),
                )
                dispute.ledger_transaction = ledger_post(
                    coop=coop,
                    occurred_on=on,
                    description=_("Dispute lost on %(pi)s for invoice %(number)s")
                    % {"pi": dispute.stripe_payment_intent_id, "number": invoice.number},
                    legs=[
                        Leg(account=accounts[(AccountCode.RECEIVABLE, invoice.business_id)], debit=taken),
                        Leg(account=accounts[(AccountCode.STRIPE_CLEARING, None)], credit=taken),
                    ],
                    reference=invoice,
                    idempotency_key=f"stripe-dispute-lost:{dispute.stripe_dispute_id}",
                )
                update_fields.append("ledger_transaction")
                payment.amount_refunded = eur(payment.amount_refunded.amount + taken.amount)
                payment.save(update_fields=["amount_refunded"])
                settlement, _intent_paid = settlement_read(invoice)
                old_status, new_status = settlement_write(
                    invoice, settlement, owed=invoice_owed(invoice), refunded=taken, on=on
                )
                data["settlement"] = {"old": old_status, "new": new_status}
        dispute.status = outcome
        dispute.save(update_fields=update_fields)
        audit_record(actor=None, action=f"payments.dispute_{outcome}", subject=dispute, coop=coop, data=data)
    return dispute
