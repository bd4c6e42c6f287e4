"""Recording money received for an invoice: by Stripe (once per payment intent) or by bank transfer.

Both run the one lock path of `settlement.py` and store the settlement through its one writer. The
unique constraint on `Payment.stripe_payment_intent_id` and the ledger's idempotency keys are the
last guards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode, LedgerTransaction
from coop.ledger.services import Leg, ledger_post
from coop.models import Cooperative
from coop.money import eur
from invoicing.models import BankStatementLine, CheckoutAttempt, Invoice, Payment, PaymentAnomaly, UnallocatedReceipt
from invoicing.payments.dates import payment_date_problem
from invoicing.payments.exceptions import AmountMismatch, PaymentError
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.anomalies import anomaly_record
from invoicing.payments.services.cents import cents, from_cents
from invoicing.payments.services.disputes import dispute_link_for_payment
from invoicing.payments.services.settlement import (
    amount_due,
    invoice_lock,
    invoice_lock_or_404,
    invoice_owed,
    refuse_if_not_payable,
    settlement_read,
    settlement_write,
)
from invoicing.payments.services.suspense import receipt_record


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment | None
    created: bool
    note: str = ""


def _post_payment(
    *,
    invoice: Invoice,
    amount: Money,
    debit_code: str,
    on: dt.date,
    key: str,
    actor: Any | None,
    description: str,
    key_locked: bool = False,
) -> LedgerTransaction:
    # Called with the invoice row locked. `key_locked`: the key can only ever be posted for this
    # invoice (a payment intent belongs to one invoice), so that lock already serializes it.
    coop = invoice.coop
    accounts = accounts_for(
        coop,
        [(debit_code, None), (AccountCode.RECEIVABLE, invoice.business_id)],
        business_name=lambda: str(invoice.business),
    )
    return ledger_post(
        coop=coop,
        occurred_on=on,
        description=description,
        legs=[
            Leg(account=accounts[(debit_code, None)], debit=amount),
            Leg(account=accounts[(AccountCode.RECEIVABLE, invoice.business_id)], credit=amount),
        ],
        actor=actor,
        reference=invoice,
        idempotency_key=key,
        key_locked=key_locked,
    )


def payment_record_stripe(
    *,
    invoice_id: int,
    payment_intent_id: str,
    amount_cents: int,
    currency: str,
    received_on: dt.date,
    expected_cents: int | None,
    source: str,
    coop_id: int | None = None,
    coop: Cooperative | None = None,
) -> PaymentOutcome:
    """Record one Stripe payment for an invoice: at most once per payment intent.

    A currency other than EUR, an amount other than the one asked (`expected_cents`, from the
    Checkout attempt) or more than is owed becomes an anomaly and posts nothing.
    An invoice that does not exist (or belongs to another coop than `coop_id` / `coop`) gives the
    outcome note "unknown_invoice" and changes nothing. Pass `coop` when you have it (saves a query).
    """
    if coop is not None:
        coop_id = coop.pk
    # savepoint=False: inside the webhook's transaction a failure here must roll back everything anyway.
    with transaction.atomic(savepoint=False):
        # The lock: two deliveries of the same payment (or a webhook and a coordinator) serialize here.
        invoice = invoice_lock(invoice_id, coop_id=coop_id)
        if invoice is None:
            return PaymentOutcome(None, False, "unknown_invoice")
        if coop is not None:
            invoice.coop = coop
        settlement, intent_paid = settlement_read(invoice, payment_intent_id=payment_intent_id)
        if intent_paid:
            return PaymentOutcome(
                Payment.objects.filter(stripe_payment_intent_id=payment_intent_id).first(), False, "duplicate"
            )
        owed = invoice_owed(invoice)
        due = amount_due(owed=owed, settlement=settlement)
        problem: tuple[str, str] | None = None
        origin: str | None = None  # why the money goes to suspense (None: no euros to book)
        if currency.lower() != "eur":
            problem = (
                PaymentAnomaly.Kind.CURRENCY,
                _("Payment %(pi)s is in %(cur)s, not euros.") % {"pi": payment_intent_id, "cur": currency.upper()},
            )
        elif expected_cents is not None and amount_cents != expected_cents:
            origin = UnallocatedReceipt.Origin.AMOUNT_MISMATCH
            problem = (
                PaymentAnomaly.Kind.AMOUNT_MISMATCH,
                _("Payment %(pi)s is %(got)s, but %(asked)s was asked.")
                % {"pi": payment_intent_id, "got": from_cents(amount_cents), "asked": from_cents(expected_cents)},
            )
        elif invoice.status == Invoice.Status.CREDITED or due.amount <= 0:
            origin = UnallocatedReceipt.Origin.ALREADY_PAID
            problem = (
                PaymentAnomaly.Kind.NOT_PAYABLE,
                _("Payment %(pi)s arrived for invoice %(number)s, which is already paid or credited.")
                % {"pi": payment_intent_id, "number": invoice.number},
            )
        elif amount_cents <= 0 or amount_cents > cents(due):
            origin = UnallocatedReceipt.Origin.OVERPAYMENT
            problem = (
                PaymentAnomaly.Kind.AMOUNT_MISMATCH,
                _("Payment %(pi)s is %(got)s, but %(due)s is owed.")
                % {"pi": payment_intent_id, "got": from_cents(amount_cents), "due": due},
            )
        if problem is not None:
            anomaly_record(
                coop=invoice.coop,
                kind=problem[0],
                source=source,
                description=problem[1],
                invoice=invoice,
                data={"payment_intent": payment_intent_id, "amount_cents": amount_cents, "currency": currency},
            )
            if origin is not None and amount_cents > 0:
                # Stripe holds this money: book it to suspense now, a coordinator resolves it.
                receipt_record(
                    coop=invoice.coop,
                    origin=origin,
                    channel=UnallocatedReceipt.Channel.STRIPE,
                    amount=from_cents(amount_cents),
                    received_on=received_on,
                    source=f"stripe:{payment_intent_id}",
                    reference=problem[1],
                    invoice=invoice,
                    payment_intent_id=payment_intent_id,
                )
            return PaymentOutcome(None, False, problem[0])
        amount = from_cents(amount_cents)
        txn = _post_payment(
            invoice=invoice,
            amount=amount,
            debit_code=AccountCode.STRIPE_CLEARING,
            on=received_on,
            key=f"stripe-payment:{payment_intent_id}",
            actor=None,
            description=_("Online payment %(pi)s for invoice %(number)s")
            % {"pi": payment_intent_id, "number": invoice.number},
            key_locked=True,
        )
        payment = Payment.objects.create(
            coop_id=invoice.coop_id,
            invoice=invoice,
            method=Payment.Method.STRIPE,
            amount=amount,
            received_on=received_on,
            reference=payment_intent_id,
            stripe_payment_intent_id=payment_intent_id,
            ledger_transaction=txn,
        )
        old, new = settlement_write(invoice, settlement, owed=owed, paid=amount, on=received_on)
        dispute_link_for_payment(invoice=invoice, payment_intent_id=payment_intent_id)
        if expected_cents is not None:
            CheckoutAttempt.objects.filter(invoice=invoice, status=CheckoutAttempt.Status.OPEN).update(
                status=CheckoutAttempt.Status.COMPLETED, updated_at=timezone.now()
            )
        audit_record(
            actor=None,
            action="payments.payment_recorded",
            subject=payment,
            coop=invoice.coop,
            data={
                "invoice": invoice.number,
                "amount": str(amount.amount),
                "method": "stripe",
                "payment_intent": payment_intent_id,
                "status": {"old": old, "new": new},
            },
        )
        # robust: a broker hiccup after commit must not turn an already recorded payment into a 500.
        transaction.on_commit(lambda: _enqueue_fee(payment.pk), robust=True)
    return PaymentOutcome(payment, True)


def _enqueue_fee(payment_id: int) -> None:
    from invoicing.payments.tasks import payment_fee_record_task

    payment_fee_record_task.delay(payment_id)


def payment_record_manual(
    *,
    invoice_id: int,
    amount: Money,
    received_on: dt.date,
    reference: str,
    actor: Any,
    bank_line_id: int | None = None,
) -> Payment:
    """A coordinator records a bank transfer for an invoice (part or all of what is owed).

    Raises InvoiceNotPayable, AmountMismatch, PaymentError (a date before the invoice or in the future).
    """
    if str(amount.currency) != "EUR":
        raise AmountMismatch(_("Only payments in euros can be recorded."))
    if amount.amount <= 0:
        raise AmountMismatch(_("The amount must be more than zero."))
    with transaction.atomic():
        invoice = invoice_lock_or_404(invoice_id)
        date_problem = payment_date_problem(received_on=received_on, issue_date=invoice.issue_date)
        if date_problem:
            raise PaymentError(date_problem)
        settlement, _intent_paid = settlement_read(invoice)
        owed = invoice_owed(invoice)
        due = amount_due(owed=owed, settlement=settlement)
        refuse_if_not_payable(invoice, due)
        if amount.amount > due.amount:
            raise AmountMismatch(
                _("%(amount)s is more than the %(due)s still owed on invoice %(number)s.")
                % {"amount": amount, "due": due, "number": invoice.number}
            )
        key = f"bank-line:{bank_line_id}" if bank_line_id else None
        # Without a bank line, each manual entry is its own posting (the form is the guard).
        payment = Payment(
            coop_id=invoice.coop_id,
            invoice=invoice,
            method=Payment.Method.BANK_TRANSFER,
            amount=eur(amount),
            received_on=received_on,
            reference=reference[:200],
            bank_line_id=bank_line_id,
            recorded_by=actor,
        )
        payment.ledger_transaction = _post_payment(
            invoice=invoice,
            amount=eur(amount),
            debit_code=AccountCode.BANK,
            on=received_on,
            key=key or "",
            actor=actor,
            description=_("Bank transfer for invoice %(number)s: %(ref)s")
            % {"number": invoice.number, "ref": reference[:100]},
        )
        payment.save()
        old, new = settlement_write(invoice, settlement, owed=owed, paid=eur(amount), on=received_on)
        audit_record(
            actor=actor,
            action="payments.payment_recorded",
            subject=payment,
            coop=invoice.coop,
            data={
                "invoice": invoice.number,
                "amount": str(amount.amount),
                "method": "bank_transfer",
                "reference": reference[:200],
                "status": {"old": old, "new": new},
            },
        )
    return payment


def payment_record_bank_line(*, bank_line_id: int, invoice_id: int, actor: Any) -> tuple[Payment | None, Any]:
    """Record an incoming bank line that names an invoice: what is owed as a payment, the rest to suspense.

    Returns (payment or None, unallocated receipt or None). Raises PaymentError for a date before
    the invoice or in the future (the line then stays unmatched and nothing is booked).
    """
    with transaction.atomic():
        invoice = invoice_lock_or_404(invoice_id)
        line = BankStatementLine.objects.get(pk=bank_line_id, coop_id=invoice.coop_id)
        date_problem = payment_date_problem(received_on=line.booked_on, issue_date=invoice.issue_date)
        if date_problem:
            raise PaymentError(date_problem)
        settlement, _intent_paid = settlement_read(invoice)
        due = amount_due(owed=invoice_owed(invoice), settlement=settlement)
        if invoice.status == Invoice.Status.CREDITED:
            due = eur(0)
        paid_part = eur(min(line.amount.amount, due.amount))
        rest = eur(line.amount.amount - paid_part.amount)
        reference = f"{line.counterparty} {line.description}"[:200]
        payment = None
        if paid_part.amount > 0:
            payment = payment_record_manual(
                invoice_id=invoice.pk,
                amount=paid_part,
                received_on=line.booked_on,
                reference=reference,
                actor=actor,
                bank_line_id=line.pk,
            )
        receipt = None
        if rest.amount > 0:
            receipt = receipt_record(
                coop=invoice.coop,
                origin=UnallocatedReceipt.Origin.OVERPAYMENT if payment else UnallocatedReceipt.Origin.ALREADY_PAID,
                channel=UnallocatedReceipt.Channel.BANK,
                amount=rest,
                received_on=line.booked_on,
                source=f"bank-line:{line.pk}",
                reference=reference,
                invoice=invoice,
                actor=actor,
            )
    return payment, receipt
