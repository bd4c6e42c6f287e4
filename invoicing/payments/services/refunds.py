"""Money given back on a payment: told by Stripe (charge.refunded, a running total) or asked by a coordinator.

Every refund runs the invoice's one lock path and is posted by `_refund_post`: Dr receivable /
Cr Stripe clearing (or bank), a `Refund` row per step (unique by running total, so the webhook
that follows our own Stripe refund is a no-op), the settlement through its one writer, an audit row.
A coordinator's refund above the rulebook's board limit waits for a board member other than the
one who asked (four eyes). The amount reopened by a refund is never dunned (see reminders.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
from coop.rulebook.selectors import rule_value
from invoicing import stripe_gateway
from invoicing.models import Invoice, Payment, Refund, RefundRequest
from invoicing.payments.exceptions import AmountMismatch, PaymentError, PaymentServiceUnavailable
from invoicing.payments.services.accounts import accounts_for
from invoicing.payments.services.cents import cents, from_cents
from invoicing.payments.services.keys import online_payment_not_set_up, stripe_keys_for
from invoicing.payments.services.settlement import invoice_lock_or_404, invoice_owed, settlement_read, settlement_write


def _refund_post(
    *,
    invoice: Invoice,
    payment: Payment,
    refunded_total: Decimal,
    credit_code: str,
    on: dt.date,
    key: str,
    charge_id: str = "",
    actor: Any | None = None,
) -> Refund | None:
    """Bring a locked payment's refunded total up to `refunded_total`; None if it is there already."""
    target = min(refunded_total, Decimal(payment.amount.amount))
    delta = target - Decimal(payment.amount_refunded.amount)
    if delta <= 0:
        return None
    amount = eur(delta)
    coop = invoice.coop
    accounts = accounts_for(
        coop,
        [(AccountCode.RECEIVABLE, invoice.business_id), (credit_code, None)],
        business_name=lambda: str(invoice.business),
    )
    txn = ledger_post(
        coop=coop,
        occurred_on=on,
        description=_("Refund on %(ref)s for invoice %(number)s")
        % {"ref": payment.stripe_payment_intent_id or payment.reference, "number": invoice.number},
        legs=[
            Leg(account=accounts[(AccountCode.RECEIVABLE, invoice.business_id)], debit=amount),
            Leg(account=accounts[(credit_code, None)], credit=amount),
        ],
        actor=actor,
        reference=invoice,
        idempotency_key=key,
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
        actor=actor,
        action="payments.refund_recorded",
        subject=payment,
        coop=coop,
        data={"amount": str(amount.amount), "refunded_total": str(target), "status": {"old": old, "new": new}},
    )
    return refund


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
        return _refund_post(
            invoice=invoice,
            payment=payment,
            refunded_total=Decimal(target),
            credit_code=AccountCode.STRIPE_CLEARING,
            on=on,
            key=f"stripe-refund:{payment_intent_id}:{cents(eur(target))}",
            charge_id=charge_id,
        )


def _refusal(payment: Payment, amount: Money, method: str) -> PaymentError | None:
    if str(amount.currency) != "EUR" or amount.amount <= 0:
        return AmountMismatch(_("The amount must be more than zero. Nothing was changed."))
    refundable = eur(payment.amount.amount - payment.amount_refunded.amount)
    if amount.amount > refundable.amount:
        return AmountMismatch(
            _("%(amount)s is more than the %(paid)s that can still be refunded on this payment. Nothing was changed.")
            % {"amount": eur(amount), "paid": refundable}
        )
    if method == RefundRequest.Method.STRIPE and payment.method != Payment.Method.STRIPE:
        return PaymentError(
            _("This payment did not come through Stripe: refund it by bank and record that here. Nothing was changed.")
        )
    return None


def _refund_execute(request_id: int, *, actor: Any) -> RefundRequest:
    """Do an approved (or small enough) refund: Stripe first, outside any transaction, then the books."""
    request = RefundRequest.objects.select_related("payment", "coop").get(pk=request_id)
    payment = request.payment
    if request.status == RefundRequest.Status.DONE:
        return request
    problem = _refusal(payment, request.amount, request.method)
    if problem is not None:  # refunded meanwhile by another way (Stripe's dashboard, another request)
        raise problem
    if request.method == RefundRequest.Method.STRIPE and not request.stripe_refund_id:
        keys = stripe_keys_for(request.coop)
        if keys is None:
            raise online_payment_not_set_up()
        try:
            # One key per request: a retry after a crash refunds once.
            stripe_refund_id = stripe_gateway.refund_create(
                keys=keys,
                payment_intent_id=payment.stripe_payment_intent_id or "",
                amount_cents=cents(request.amount),
                idempotency_key=f"wijkwerk-refund-request-{request.pk}",
            )
        except stripe_gateway.StripeUnavailable as exc:
            raise PaymentServiceUnavailable(
                _("Stripe could not refund right now. Nothing was changed. Please try again in a few minutes.")
            ) from exc
        RefundRequest.objects.filter(pk=request.pk).update(stripe_refund_id=stripe_refund_id)
        request.stripe_refund_id = stripe_refund_id
    with transaction.atomic():
        invoice = invoice_lock_or_404(payment.invoice_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        locked = RefundRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RefundRequest.Status.DONE:
            return locked
        stripe_money = locked.method == RefundRequest.Method.STRIPE
        refund = _refund_post(
            invoice=invoice,
            payment=payment,
            refunded_total=Decimal(payment.amount_refunded.amount) + Decimal(locked.amount.amount),
            credit_code=AccountCode.STRIPE_CLEARING if stripe_money else AccountCode.BANK,
            on=timezone.localdate(),
            key=f"refund-request:{locked.pk}",
            actor=actor,
        )
        old = locked.status
        locked.status = RefundRequest.Status.DONE
        locked.refund = refund
        locked.decided_at = locked.decided_at or timezone.now()
        # approved_by stays as refund_decide set it; a refund within the board limit has none.
        locked.save(update_fields=["status", "refund", "decided_at"])
        audit_record(
            actor=actor,
            action="payments.refund_request_done",
            subject=locked,
            coop=locked.coop,
            data={"status": {"old": str(old), "new": "done"}, "amount": str(locked.amount.amount)},
        )
    return locked


def refund_request(
    *, coop: Cooperative, payment_id: int, amount: Money, method: str, reason: str, actor: Any
) -> RefundRequest:
    """Refund (part of) a payment; above the rulebook's board limit it waits for a second person.

    Raises AmountMismatch (nothing, or more than was paid and not refunded), PaymentError (Stripe for a
    bank payment, no reason), OnlinePaymentNotSetUp, PaymentServiceUnavailable.
    """
    if not reason.strip():
        raise PaymentError(_("Write down why this money goes back. Nothing was changed."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id, coop=coop).first()
        if payment is None:
            raise PaymentError(_("That payment was not found. Nothing was changed."))
        waiting = sum(
            (Decimal(r.amount.amount) for r in payment.refund_requests.filter(status=RefundRequest.Status.WAITING)),
            Decimal(0),
        )
        problem = _refusal(payment, eur(Decimal(amount.amount) + waiting), method)
        if problem is not None:
            raise problem
        limit = Decimal(rule_value(coop, "board_payout_limit", on=timezone.localdate()))
        four_eyes = Decimal(amount.amount) > limit
        request = RefundRequest.objects.create(
            coop=coop,
            payment=payment,
            amount=eur(amount),
            method=method,
            reason=reason[:300],
            status=RefundRequest.Status.WAITING,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="payments.refund_requested",
            subject=request,
            coop=coop,
            data={"amount": str(eur(amount).amount), "method": method, "four_eyes": four_eyes, "limit": str(limit)},
        )
    if four_eyes:
        return request
    return _refund_execute(request.pk, actor=actor)


def refund_decide(*, coop: Cooperative, request_id: int, approve: bool, actor: Any) -> RefundRequest:
    """A second person approves (and so does) or rejects a waiting refund.

    Raises PaymentError: not waiting, or the person who asked.
    """
    with transaction.atomic():
        request = RefundRequest.objects.select_for_update().filter(pk=request_id, coop=coop).first()
        if request is None or request.status != RefundRequest.Status.WAITING:
            raise PaymentError(_("This refund is not waiting for a decision. Nothing was changed."))
        if request.requested_by_id == actor.pk:
            raise PaymentError(
                _("Someone else must approve a refund above the board limit: you asked for it. Nothing was changed.")
            )
        if not approve:
            request.status = RefundRequest.Status.REJECTED
            request.approved_by = actor
            request.decided_at = timezone.now()
            request.save(update_fields=["status", "approved_by", "decided_at"])
            audit_record(
                actor=actor,
                action="payments.refund_request_rejected",
                subject=request,
                coop=coop,
                data={"status": {"old": "waiting", "new": "rejected"}},
            )
            return request
        # Who approved is set before the refund is done, so a failure at Stripe keeps the decision.
        request.approved_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["approved_by", "decided_at"])
    return _refund_execute(request.pk, actor=actor)
