"""Resolving unallocated money: allocate it to an invoice of the same business, refund it, or write it to income.

Each step locks the receipt row first (then, for an allocation, the invoice through the one lock
path) and re-reads what is still open under that lock. The race this closes: two coordinators (or
one double click) placing the same money twice. Each step is one ledger transaction, one
`ReceiptResolution` row and one audit row, or, when refused, nothing at all.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, ledger_post
from coop.models import Cooperative
from coop.money import eur
from invoicing import stripe_gateway
from invoicing.models import Invoice, Payment, ReceiptResolution, UnallocatedReceipt
from invoicing.payments.exceptions import AmountMismatch, PaymentError, PaymentServiceUnavailable
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.cents import cents
from invoicing.payments.services.keys import online_payment_not_set_up, stripe_keys_for
from invoicing.payments.services.payments import _post_payment
from invoicing.payments.services.settlement import (
    amount_due,
    invoice_lock,
    invoice_owed,
    refuse_if_not_payable,
    settlement_read,
    settlement_write,
)
from invoicing.payments.services.suspense import CHANNEL_ACCOUNT


def _receipt_lock(*, coop: Cooperative, receipt_id: int) -> UnallocatedReceipt:
    receipt = UnallocatedReceipt.objects.select_for_update().filter(pk=receipt_id, coop=coop).first()
    if receipt is None:
        raise PaymentError(_("This unallocated money was not found. Nothing was changed."))
    return receipt


def _refuse_amount(receipt: UnallocatedReceipt, amount: Money) -> None:
    if str(amount.currency) != "EUR" or amount.amount <= 0:
        raise AmountMismatch(_("The amount must be more than zero. Nothing was changed."))
    open_amount = eur(receipt.amount.amount - receipt.amount_resolved.amount)
    if open_amount.amount <= 0:
        raise AmountMismatch(_("This money has already been allocated, refunded or written off. Nothing was changed."))
    if amount.amount > open_amount.amount:
        raise AmountMismatch(
            _("%(amount)s is more than the %(open)s still unallocated. Nothing was changed.")
            % {"amount": eur(amount), "open": open_amount}
        )


def _resolve(
    receipt: UnallocatedReceipt,
    *,
    kind: str,
    amount: Money,
    actor: Any,
    reason: str,
    ledger_transaction: Any,
    invoice: Invoice | None = None,
    payment: Payment | None = None,
    stripe_refund_id: str = "",
) -> ReceiptResolution:
    resolved_before = receipt.amount_resolved
    receipt.amount_resolved = eur(receipt.amount_resolved.amount + amount.amount)
    receipt.save(update_fields=["amount_resolved", "amount_resolved_currency"])
    resolution = ReceiptResolution.objects.create(
        coop_id=receipt.coop_id,
        receipt=receipt,
        kind=kind,
        amount=eur(amount),
        invoice=invoice,
        payment=payment,
        reason=reason[:300],
        stripe_refund_id=stripe_refund_id,
        ledger_transaction=ledger_transaction,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=f"payments.receipt_{kind}",
        subject=receipt,
        coop=receipt.coop,
        data={
            "amount": str(eur(amount).amount),
            "resolved": {"old": str(resolved_before.amount), "new": str(receipt.amount_resolved.amount)},
            "invoice": invoice.number if invoice is not None else None,
            "reason": reason[:300],
        },
    )
    return resolution


def receipt_allocate(
    *, coop: Cooperative, receipt_id: int, invoice_id: int, amount: Money, actor: Any
) -> ReceiptResolution:
    """Pay (part of) an invoice of the same business from unallocated money: Dr suspense / Cr receivable.

    Raises AmountMismatch (more than is unallocated or owed, or nothing left), PaymentError (another
    business's or coop's invoice), InvoiceNotPayable.
    """
    with transaction.atomic():
        receipt = _receipt_lock(coop=coop, receipt_id=receipt_id)
        _refuse_amount(receipt, amount)
        invoice = invoice_lock(invoice_id, coop_id=coop.pk)
        if invoice is None:
            raise PaymentError(_("That invoice was not found. Nothing was changed."))
        if receipt.business_id is not None and invoice.business_id != receipt.business_id:
            raise PaymentError(
                _(
                    "Invoice %(number)s is for another business. Money can only go to an invoice of the "
                    "business that paid it. Nothing was changed."
                )
                % {"number": invoice.number}
            )
        settlement, _intent_paid = settlement_read(invoice)
        owed = invoice_owed(invoice)
        due = amount_due(owed=owed, settlement=settlement)
        refuse_if_not_payable(invoice, due)
        if amount.amount > due.amount:
            raise AmountMismatch(
                _("%(amount)s is more than the %(due)s still owed on invoice %(number)s. Nothing was changed.")
                % {"amount": eur(amount), "due": due, "number": invoice.number}
            )
        today = timezone.localdate()
        txn = _post_payment(
            invoice=invoice,
            amount=eur(amount),
            debit_code=AccountCode.UNALLOCATED_RECEIPTS,
            on=today,
            key="",
            actor=actor,
            description=_("Unallocated money of %(day)s allocated to invoice %(number)s")
            % {"day": receipt.received_on.isoformat(), "number": invoice.number},
        )
        payment = Payment.objects.create(
            coop_id=invoice.coop_id,
            invoice=invoice,
            method=Payment.Method.UNALLOCATED,
            amount=eur(amount),
            received_on=today,
            reference=(_("Unallocated money #%(id)s") % {"id": receipt.pk})[:200],
            recorded_by=actor,
            ledger_transaction=txn,
        )
        old, new = settlement_write(invoice, settlement, owed=owed, paid=eur(amount), on=today)
        audit_record(
            actor=actor,
            action="payments.payment_recorded",
            subject=payment,
            coop=invoice.coop,
            data={
                "invoice": invoice.number,
                "amount": str(eur(amount).amount),
                "method": "unallocated",
                "status": {"old": old, "new": new},
            },
        )
        return _resolve(
            receipt,
            kind=ReceiptResolution.Kind.ALLOCATED,
            amount=amount,
            actor=actor,
            reason="",
            ledger_transaction=txn,
            invoice=invoice,
            payment=payment,
        )


def receipt_write_off(
    *, coop: Cooperative, receipt_id: int, amount: Money, reason: str, actor: Any
) -> ReceiptResolution:
    """Write (part of) unallocated money to the coop's income, with a reason: Dr suspense / Cr operating.

    Raises AmountMismatch, PaymentError (no reason).
    """
    if not reason.strip():
        raise PaymentError(_("Write down why this money goes to income. Nothing was changed."))
    with transaction.atomic():
        receipt = _receipt_lock(coop=coop, receipt_id=receipt_id)
        _refuse_amount(receipt, amount)
        accounts = accounts_for(coop, [(AccountCode.UNALLOCATED_RECEIPTS, None), (AccountCode.OPERATING, None)])
        txn = ledger_post(
            coop=coop,
            occurred_on=timezone.localdate(),
            description=_("Unallocated money written to income: %(reason)s") % {"reason": reason[:200]},
            legs=[
                Leg(account=accounts[(AccountCode.UNALLOCATED_RECEIPTS, None)], debit=eur(amount)),
                Leg(account=accounts[(AccountCode.OPERATING, None)], credit=eur(amount)),
            ],
            actor=actor,
            reference=receipt,
        )
        return _resolve(
            receipt,
            kind=ReceiptResolution.Kind.WRITTEN_OFF,
            amount=amount,
            actor=actor,
            reason=reason,
            ledger_transaction=txn,
        )


def receipt_refund(*, coop: Cooperative, receipt_id: int, amount: Money, reason: str, actor: Any) -> ReceiptResolution:
    """Give unallocated money back: through Stripe for money Stripe holds, else a bank refund recorded by hand.

    Dr suspense / Cr Stripe clearing or bank. The Stripe call happens outside any transaction, with an
    idempotency key from the receipt and what was resolved before it (a double click refunds once).
    Raises AmountMismatch, OnlinePaymentNotSetUp, PaymentServiceUnavailable.
    """
    with transaction.atomic():
        receipt = _receipt_lock(coop=coop, receipt_id=receipt_id)
        _refuse_amount(receipt, amount)
    stripe_refund_id = ""
    if receipt.channel == UnallocatedReceipt.Channel.STRIPE and receipt.stripe_payment_intent_id:
        keys = stripe_keys_for(coop)
        if keys is None:
            raise online_payment_not_set_up()
        try:
            stripe_refund_id = stripe_gateway.refund_create(
                keys=keys,
                payment_intent_id=receipt.stripe_payment_intent_id,
                amount_cents=cents(eur(amount)),
                idempotency_key=f"wijkwerk-receipt-{receipt.pk}-refund-{cents(receipt.amount_resolved)}",
            )
        except stripe_gateway.StripeUnavailable as exc:
            raise PaymentServiceUnavailable(
                _("Stripe could not refund right now. Nothing was changed. Please try again in a few minutes.")
            ) from exc
    with transaction.atomic():
        # Re-checked under the lock: someone may have placed this money while Stripe answered.
        receipt = _receipt_lock(coop=coop, receipt_id=receipt_id)
        _refuse_amount(receipt, amount)
        money_account = CHANNEL_ACCOUNT[UnallocatedReceipt.Channel(receipt.channel)]
        accounts = accounts_for(coop, [(AccountCode.UNALLOCATED_RECEIPTS, None), (money_account, None)])
        txn = ledger_post(
            coop=coop,
            occurred_on=timezone.localdate(),
            description=_("Unallocated money refunded: %(reason)s") % {"reason": reason[:200]},
            legs=[
                Leg(account=accounts[(AccountCode.UNALLOCATED_RECEIPTS, None)], debit=eur(amount)),
                Leg(account=accounts[(money_account, None)], credit=eur(amount)),
            ],
            actor=actor,
            reference=receipt,
            idempotency_key=f"receipt-refund:{stripe_refund_id}" if stripe_refund_id else None,
        )
        return _resolve(
            receipt,
            kind=ReceiptResolution.Kind.REFUNDED,
            amount=amount,
            actor=actor,
            reason=reason,
            ledger_transaction=txn,
            stripe_refund_id=stripe_refund_id,
        )
