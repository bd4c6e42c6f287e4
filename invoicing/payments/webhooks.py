"""Stripe webhooks: verify, store each event id once, and hand the event to idempotent services.

Stripe delivers at least once, in any order, sometimes to two of our workers at the same time.
So: the signature is checked with the coop's own secret (the SDK's construct_event, with its
timestamp tolerance); the event row and everything it causes commit in ONE transaction, and the
unique (coop, event id) constraint makes a concurrent duplicate wait for the first and then fail
quietly; each handler is idempotent on its own (payment once per payment intent, refunds by
running total), so even the same payment told by two different events posts once. Order does
not matter: whichever of checkout.session.completed / payment_intent.succeeded / charge.refunded
arrives first records the payment; a payment_intent.payment_failed after a success changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coop.models import Cooperative
from invoicing import stripe_gateway
from invoicing.models import CheckoutAttempt, Dispute, Invoice, Payment, PaymentAnomaly, WebhookEvent
from invoicing.payments import services

logger = logging.getLogger(__name__)

Outcome = WebhookEvent.Outcome


@dataclass(frozen=True)
class WebhookResult:
    status: int
    outcome: str
    note: str = ""


def _day(created: int) -> dt.date:
    if created <= 0:
        return timezone.localdate()
    return timezone.localdate(dt.datetime.fromtimestamp(created, tz=dt.UTC))


def _invoice_id(coop: Cooperative, metadata: dict[str, Any] | None, *, check: bool = True) -> int | None:
    raw = (metadata or {}).get("invoice_id")
    if raw is None or not str(raw).isdigit():
        return None
    invoice_id = int(raw)
    # An event signed with coop A's secret can only ever touch coop A's invoices.
    if check and not Invoice.objects.filter(pk=invoice_id, coop=coop).exists():
        return None
    return invoice_id


def _expected_cents(coop: Cooperative, metadata: dict[str, Any] | None) -> int | None:
    raw = (metadata or {}).get("attempt_id")
    if raw is None or not str(raw).isdigit():
        return None
    attempt = CheckoutAttempt.objects.filter(pk=int(raw), coop=coop).first()
    return services.cents(attempt.amount) if attempt is not None else None


def _unknown_invoice(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    services.anomaly_record(
        coop=coop,
        kind=PaymentAnomaly.Kind.UNKNOWN_INVOICE,
        source=event.id,
        description=f"{event.type}: no invoice of this coop in the metadata",
        data={"metadata": event.object.get("metadata") or {}},
    )
    return Outcome.ANOMALY, "unknown invoice"


def _paid(
    coop: Cooperative,
    event: stripe_gateway.StripeEvent,
    *,
    pi: str | None,
    amount: int,
    currency: str,
    metadata: dict[str, Any],
) -> tuple[str, str]:
    if not pi:
        return Outcome.IGNORED, "no payment intent"
    invoice_id = _invoice_id(coop, metadata, check=False)
    if invoice_id is None:
        return _unknown_invoice(coop, event)
    # The lock query itself is scoped to the coop: another coop's invoice is simply not found.
    result = services.payment_record_stripe(
        invoice_id=invoice_id,
        payment_intent_id=pi,
        amount_cents=amount,
        currency=currency or "",
        received_on=_day(event.created),
        expected_cents=_expected_cents(coop, metadata),
        source=event.id,
        coop_id=coop.pk,
    )
    if result.note == "unknown_invoice":
        return _unknown_invoice(coop, event)
    if result.created:
        return Outcome.PROCESSED, "payment recorded"
    if result.note == "duplicate":
        return Outcome.IGNORED, "payment already recorded"
    return Outcome.ANOMALY, result.note


def _checkout_completed(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    session = event.object
    if session.get("payment_status") != "paid":
        # SEPA Direct Debit: the session completes before the money arrives; payment_intent.succeeded follows.
        return Outcome.IGNORED, "session complete, payment still processing"
    return _paid(
        coop,
        event,
        pi=session.get("payment_intent"),
        amount=int(session.get("amount_total") or 0),
        currency=session.get("currency") or "",
        metadata=session.get("metadata") or {},
    )


def _pi_succeeded(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    pi = event.object
    return _paid(
        coop,
        event,
        pi=pi.get("id"),
        amount=int(pi.get("amount_received") or 0),
        currency=pi.get("currency") or "",
        metadata=pi.get("metadata") or {},
    )


def _pi_failed(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    pi_id = event.object.get("id")
    if Payment.objects.filter(stripe_payment_intent_id=pi_id).exists():
        # Out of order: this attempt failed before the one that succeeded. Never undo a payment.
        return Outcome.IGNORED, "late failure after a recorded payment"
    error = (event.object.get("last_payment_error") or {}).get("message") or ""
    return Outcome.PROCESSED, f"payment failed: {error}"[:300]


def _charge_refunded(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    charge = event.object
    pi = charge.get("payment_intent")
    invoice_id = _invoice_id(coop, charge.get("metadata"))
    if invoice_id is None or not pi:
        return _unknown_invoice(coop, event)
    note = ""
    # The refund arrived before the paid event: the charge itself proves the payment, record it first.
    already = Payment.objects.filter(stripe_payment_intent_id=pi).exists()
    if not already and charge.get("paid") and charge.get("status") == "succeeded":
        outcome, note = _paid(
            coop,
            event,
            pi=pi,
            amount=int(charge.get("amount_captured") or 0),
            currency=charge.get("currency") or "",
            metadata=charge.get("metadata") or {},
        )
        if outcome == Outcome.ANOMALY:
            return outcome, note
    refund = services.refund_record_stripe(
        invoice_id=invoice_id,
        payment_intent_id=pi,
        refunded_total_cents=int(charge.get("amount_refunded") or 0),
        charge_id=charge.get("id") or "",
        on=_day(event.created),
    )
    return Outcome.PROCESSED, ("refund recorded" if refund else "refund already recorded") + (
        f"; {note}" if note else ""
    )


def _dispute_created(coop: Cooperative, event: stripe_gateway.StripeEvent) -> tuple[str, str]:
    dispute = event.object
    pi = dispute.get("payment_intent") or ""
    payment = Payment.objects.filter(stripe_payment_intent_id=pi, coop=coop).select_related("invoice").first()
    invoice = payment.invoice if payment else None
    amount = services.from_cents(int(dispute.get("amount") or 0))
    _row, created = Dispute.objects.get_or_create(
        stripe_dispute_id=dispute.get("id") or event.id,
        defaults={
            "coop": coop,
            "invoice": invoice,
            "stripe_payment_intent_id": pi,
            "amount": amount,
            "reason": (dispute.get("reason") or "")[:60],
        },
    )
    # A dispute is a coordinator's case (evidence, deadline); the books follow when Stripe decides it.
    services.anomaly_record(
        coop=coop,
        kind=PaymentAnomaly.Kind.DISPUTE,
        source=dispute.get("id") or event.id,
        invoice=invoice,
        description=f"Dispute of {amount} on {pi} ({dispute.get('reason') or 'no reason'})",
        data={"payment_intent": pi, "amount_cents": dispute.get("amount"), "reason": dispute.get("reason")},
    )
    return Outcome.ANOMALY, "dispute recorded" if created else "dispute already recorded"


HANDLERS: dict[str, Callable[[Cooperative, stripe_gateway.StripeEvent], tuple[str, str]]] = {
    "checkout.session.completed": _checkout_completed,
    "payment_intent.succeeded": _pi_succeeded,
    "payment_intent.payment_failed": _pi_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}


def webhook_event_receive(*, coop: Cooperative, payload: bytes, signature: str) -> WebhookResult:
    """Verify, store once and process one Stripe webhook for a coop.

    Returns 400 (nothing stored) for a bad signature or a stale timestamp, 200 for everything else,
    including duplicates and unknown event types (logged, acknowledged). An unexpected error rolls
    everything back and propagates (Stripe retries).
    """
    keys = services.stripe_keys_for(coop)
    try:
        event = stripe_gateway.webhook_event_construct(payload=payload, signature=signature, secret=keys.webhook_secret)
    except stripe_gateway.StripeSignatureInvalid as exc:
        logger.warning("Rejected Stripe webhook for %s: %s", coop.slug, exc)
        return WebhookResult(400, "rejected", str(exc))
    handler = HANDLERS.get(event.type)
    # Redeliveries are common (Stripe retries, our 30 % in the benchmark): answer them from one indexed read.
    if WebhookEvent.objects.filter(coop=coop, stripe_event_id=event.id).exists():
        return WebhookResult(200, "duplicate")
    try:
        with transaction.atomic():
            # Process, then store the event row: a concurrent delivery of the same event waits on the
            # invoice row lock, finds the payment already there (a no-op), and then fails on the unique
            # (coop, event id) index, which rolls its whole transaction back: answered as a duplicate.
            if handler is None:
                logger.info("Acknowledged unhandled Stripe event %s (%s) for %s", event.id, event.type, coop.slug)
                outcome, note = str(Outcome.IGNORED), "event type not handled"
            else:
                outcome, note = handler(coop, event)
            WebhookEvent.objects.create(
                coop=coop,
                stripe_event_id=event.id,
                event_type=event.type,
                stripe_created=event.created,
                payload={"type": event.type, "created": event.created, "object": event.object},
                outcome=outcome,
                note=note[:300],
                processed_at=timezone.now(),
            )
    except IntegrityError:
        # The unique (coop, event id) constraint: this event was stored before (or just now, by
        # another worker, whose transaction we waited for). Stripe only needs a 2xx.
        if WebhookEvent.objects.filter(coop=coop, stripe_event_id=event.id).exists():
            return WebhookResult(200, "duplicate")
        raise
    return WebhookResult(200, outcome, note)
