"""Stripe webhooks: verify, store each event id once, and hand the event to idempotent services.

Stripe delivers at least once, in any order, sometimes to two of our workers at the same time. So:
the signature is checked with the coop's own secret (the SDK's construct_event, with its timestamp
tolerance); a coop without a stored secret accepts nothing at all (400, nothing stored); the event
row and everything it causes commit in ONE transaction, and the unique (coop, event id) constraint
makes a concurrent duplicate wait for the first and then fail quietly; each handler is idempotent on
its own (payment once per payment intent, refunds by running total), so even the same payment told
by two different events posts once. Order does not matter: whichever of checkout.session.completed /
payment_intent.succeeded / charge.refunded arrives first records the payment; a
payment_intent.payment_failed after a success changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from coop.models import Cooperative
from invoicing import stripe_gateway
from invoicing.models import PaymentAnomaly, StripeAccount, UnallocatedReceipt, WebhookEvent
from invoicing.payments import services

logger = logging.getLogger(__name__)

Outcome = WebhookEvent.Outcome

# How long a process trusts its cached copy of a coop's webhook secret without looking. Every
# accepted event re-checks it anyway, inside the one query it needs (see _facts), so a changed
# secret is noticed at once; this only bounds how long a forgotten entry can live.
SECRET_CACHE_SECONDS = 300
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class WebhookResult:
    status: int
    outcome: str
    note: str = ""


# --- the coop behind a webhook URL and its secret, cached per process ------------------------------
@dataclass(frozen=True)
class _Endpoint:
    coop: Cooperative
    webhook_secret: str | None  # None: the coop has no keys, so no webhook can be verified
    version: tuple[str, str] | None  # the stored (encrypted) keys; None: no account
    config: tuple[Any, ...]  # the settings the secret is read with (the encryption key)
    loaded_at: float


_endpoints: dict[str, _Endpoint] = {}


def _config() -> tuple[Any, ...]:
    return (getattr(settings, "FIELD_ENCRYPTION_KEY", None),)


def _endpoint_load(slug: str) -> _Endpoint | None:
    """Read the coop and decrypt its webhook secret (one query), and remember them for this process."""
    coop = Cooperative.objects.filter(slug=slug).select_related("stripe_account").first()
    if coop is None:
        _endpoints.pop(slug, None)
        return None
    try:
        account: StripeAccount | None = coop.stripe_account
    except StripeAccount.DoesNotExist:
        account = None
    keys = services.stripe_keys_for(coop)
    endpoint = _Endpoint(
        coop=coop,
        webhook_secret=keys.webhook_secret if keys is not None else None,
        version=_version(account.secret_key_encrypted, account.webhook_secret_encrypted) if account else None,
        config=_config(),
        loaded_at=time.monotonic(),
    )
    _endpoints[slug] = endpoint
    return endpoint


def _version(secret_key_encrypted: str | None, webhook_secret_encrypted: str | None) -> tuple[str, str] | None:
    """What decides the webhook secret: the stored ciphertexts (a new secret is a new token)."""
    if secret_key_encrypted is None and webhook_secret_encrypted is None:
        return None  # no StripeAccount row
    return (secret_key_encrypted or "", webhook_secret_encrypted or "")


def _endpoint_get(slug: str) -> _Endpoint | None:
    endpoint = _endpoints.get(slug)
    if endpoint is None or time.monotonic() - endpoint.loaded_at > SECRET_CACHE_SECONDS or endpoint.config != _config():
        return _endpoint_load(slug)
    return endpoint


def webhook_secret_cache_clear(**_kwargs: Any) -> None:
    """Forget every cached coop and secret of this process (other processes notice by the version check)."""
    _endpoints.clear()


post_save.connect(webhook_secret_cache_clear, sender=StripeAccount, dispatch_uid="webhook_secret_cache_account_saved")
post_delete.connect(
    webhook_secret_cache_clear, sender=StripeAccount, dispatch_uid="webhook_secret_cache_account_deleted"
)
post_save.connect(webhook_secret_cache_clear, sender=Cooperative, dispatch_uid="webhook_secret_cache_coop_saved")
setting_changed.connect(webhook_secret_cache_clear, dispatch_uid="webhook_secret_cache_setting_changed")


# --- what the event is about, and what the database already knows about it ------------------------
def _day(created: int) -> dt.date:
    if created <= 0:
        return timezone.localdate()
    return timezone.localdate(dt.datetime.fromtimestamp(created, tz=dt.UTC))


def _id_from(raw: Any) -> int | None:
    if raw is None or not str(raw).isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= _MAX_ID else None


@dataclass(frozen=True)
class _Subject:
    """The payment intent and the metadata an event names (read once from the payload)."""

    payment_intent_id: str | None
    metadata: dict[str, Any]
    invoice_id: int | None
    attempt_id: int | None


def _subject(event: stripe_gateway.StripeEvent) -> _Subject:
    obj = event.object
    pi = obj.get("id") if event.type.startswith("payment_intent.") else obj.get("payment_intent")
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        metadata = {}
    return _Subject(
        payment_intent_id=pi if isinstance(pi, str) and pi else None,
        metadata=metadata,
        invoice_id=_id_from(metadata.get("invoice_id")),
        attempt_id=_id_from(metadata.get("attempt_id")),
    )


@dataclass(frozen=True)
class _Facts:
    account_version: tuple[str, str] | None  # the coop's stored keys now (the cache check)
    duplicate: bool  # this event id is stored already
    intent_paid: bool  # a payment is recorded for the payment intent
    invoice_of_coop: bool  # the metadata's invoice exists and belongs to this coop
    expected_cents: int | None  # what the Checkout attempt in the metadata asked


# The one read every verified event makes, written out: the ORM spends ~1 ms per event building and
# compiling it (four subqueries), ten times what the database needs to answer it. Absent ids are
# NULL, which matches nothing. (Runs on every webhook in every test: a renamed column fails them all.)
_FACTS_SQL = """
SELECT a.secret_key_encrypted, a.webhook_secret_encrypted,
       EXISTS (SELECT 1 FROM invoicing_webhookevent WHERE coop_id = %(coop)s AND stripe_event_id = %(event)s),
       EXISTS (SELECT 1 FROM invoicing_payment WHERE stripe_payment_intent_id = %(pi)s),
       EXISTS (SELECT 1 FROM invoicing_invoice WHERE id = %(invoice)s AND coop_id = %(coop)s),
       (SELECT amount FROM invoicing_checkoutattempt WHERE id = %(attempt)s AND coop_id = %(coop)s)
  FROM coop_cooperative c
  LEFT JOIN invoicing_stripeaccount a ON a.coop_id = c.id
 WHERE c.id = %(coop)s AND c.slug = %(slug)s
"""


def _facts(coop: Cooperative, slug: str, event: stripe_gateway.StripeEvent, subject: _Subject) -> _Facts | None:
    """Everything the event needs to know before any write, in ONE query; None if the coop is gone.

    Reads committed data only (no lock): good for deciding; anything that changes money
    re-checks under the invoice row lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _FACTS_SQL,
            {
                "coop": coop.pk,
                "event": event.id,
                "pi": subject.payment_intent_id,
                "invoice": subject.invoice_id,
                "attempt": subject.attempt_id,
                "slug": slug,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    secret_key, webhook_secret, duplicate, intent_paid, invoice_of_coop, expected = row
    return _Facts(
        account_version=_version(secret_key, webhook_secret),
        duplicate=bool(duplicate),
        intent_paid=bool(intent_paid),
        invoice_of_coop=bool(invoice_of_coop),
        expected_cents=int((Decimal(str(expected)) * 100).to_integral_value()) if expected is not None else None,
    )


# --- handlers ---------------------------------------------------------------------------------------
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
    facts: _Facts,
    *,
    pi: str | None,
    amount: int,
    currency: str,
    metadata: dict[str, Any],
) -> tuple[str, str]:
    if not pi:
        return Outcome.IGNORED, "no payment intent"
    invoice_id = _id_from(metadata.get("invoice_id"))
    if invoice_id is None:
        return _unknown_invoice(coop, event)
    # The lock query itself is scoped to the coop: another coop's invoice is simply not found.
    result = services.payment_record_stripe(
        invoice_id=invoice_id,
        payment_intent_id=pi,
        amount_cents=amount,
        currency=currency or "",
        received_on=_day(event.created),
        expected_cents=facts.expected_cents,
        source=event.id,
        coop_id=coop.pk,
        coop=coop,
    )
    if result.note == "unknown_invoice":
        return _unknown_invoice(coop, event)
    if result.created:
        return Outcome.PROCESSED, "payment recorded"
    if result.note == "duplicate":
        return Outcome.IGNORED, "payment already recorded"
    return Outcome.ANOMALY, result.note


def _checkout_completed(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    session = event.object
    if session.get("payment_status") != "paid":
        # SEPA Direct Debit: the session completes before the money arrives; payment_intent.succeeded follows.
        return Outcome.IGNORED, "session complete, payment still processing"
    return _paid(
        coop,
        event,
        facts,
        pi=session.get("payment_intent"),
        amount=int(session.get("amount_total") or 0),
        currency=session.get("currency") or "",
        metadata=session.get("metadata") or {},
    )


def _pi_succeeded(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    pi = event.object
    return _paid(
        coop,
        event,
        facts,
        pi=pi.get("id"),
        amount=int(pi.get("amount_received") or 0),
        currency=pi.get("currency") or "",
        metadata=pi.get("metadata") or {},
    )


def _pi_failed(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    if facts.intent_paid:
        # Out of order: this attempt failed before the one that succeeded. Never undo a payment.
        return Outcome.IGNORED, "late failure after a recorded payment"
    error = (event.object.get("last_payment_error") or {}).get("message") or ""
    return Outcome.PROCESSED, f"payment failed: {error}"[:300]


def _charge_refunded(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    charge = event.object
    pi = charge.get("payment_intent")
    invoice_id = _id_from((charge.get("metadata") or {}).get("invoice_id"))
    # An event signed with coop A's secret can only ever touch coop A's invoices.
    if invoice_id is None or not facts.invoice_of_coop or not pi:
        return _unknown_invoice(coop, event)
    note = ""
    if not facts.intent_paid and UnallocatedReceipt.objects.filter(coop=coop, stripe_payment_intent_id=pi).exists():
        # Money that fit no invoice, refunded from the unallocated-money page: booked there already.
        return Outcome.IGNORED, "refund of unallocated money, booked when it was made"
    # The refund arrived before the paid event: the charge itself proves the payment, record it first.
    if not facts.intent_paid and charge.get("paid") and charge.get("status") == "succeeded":
        outcome, note = _paid(
            coop,
            event,
            facts,
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


def _dispute_created(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    dispute = event.object
    pi = dispute.get("payment_intent") or ""
    amount_cents = int(dispute.get("amount") or 0)
    row, created = services.dispute_record(
        coop=coop,
        stripe_dispute_id=dispute.get("id") or event.id,
        payment_intent_id=pi,
        amount_cents=amount_cents,
        reason=dispute.get("reason") or "",
    )
    # A dispute is a coordinator's case (evidence, deadline); the books follow when Stripe decides it.
    services.anomaly_record(
        coop=coop,
        kind=PaymentAnomaly.Kind.DISPUTE,
        source=dispute.get("id") or event.id,
        invoice=row.invoice,
        description=f"Dispute of {services.from_cents(amount_cents)} on {pi} ({dispute.get('reason') or 'no reason'})",
        data={"payment_intent": pi, "amount_cents": dispute.get("amount"), "reason": dispute.get("reason")},
    )
    return Outcome.ANOMALY, "dispute recorded" if created else "dispute already recorded"


def _dispute_closed(coop: Cooperative, event: stripe_gateway.StripeEvent, facts: _Facts) -> tuple[str, str]:
    dispute = event.object
    # Make sure it is stored (a closed event may be the first we hear of it), then follow Stripe's decision.
    _dispute_created(coop, event, facts)
    closed = services.dispute_close(
        coop=coop,
        stripe_dispute_id=dispute.get("id") or event.id,
        outcome=str(dispute.get("status") or ""),
        on=_day(event.created),
    )
    if closed is None:
        return Outcome.IGNORED, f"dispute closed as {dispute.get('status')}: nothing to book"
    return Outcome.PROCESSED, f"dispute {closed.status}"


HANDLERS: dict[str, Callable[[Cooperative, stripe_gateway.StripeEvent, _Facts], tuple[str, str]]] = {
    "checkout.session.completed": _checkout_completed,
    "payment_intent.succeeded": _pi_succeeded,
    "payment_intent.payment_failed": _pi_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "charge.dispute.updated": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
}


def _outcome_without_writes(
    coop: Cooperative, event: stripe_gateway.StripeEvent, subject: _Subject, facts: _Facts
) -> tuple[str, str] | None:
    """The outcome of an event that changes nothing but its own row, or None if it may change money.

    The common redeliveries of a payment (the second of checkout.session.completed /
    payment_intent.succeeded, a late payment_failed) end here: no transaction, no invoice lock.
    That is safe because a recorded payment is never deleted: once `facts` saw it, the full
    path would find it too, under the lock, and answer the same.
    """
    if event.type not in HANDLERS:
        logger.info("Acknowledged unhandled Stripe event %s (%s) for %s", event.id, event.type, coop.slug)
        return str(Outcome.IGNORED), "event type not handled"
    if event.type == "payment_intent.payment_failed":
        return _pi_failed(coop, event, facts)
    if event.type == "checkout.session.completed" and event.object.get("payment_status") != "paid":
        return _checkout_completed(coop, event, facts)  # answered without touching money
    paid_event = event.type in ("checkout.session.completed", "payment_intent.succeeded")
    if paid_event and subject.payment_intent_id and subject.invoice_id and facts.invoice_of_coop and facts.intent_paid:
        return str(Outcome.IGNORED), "payment already recorded"
    return None


def _event_row(coop: Cooperative, event: stripe_gateway.StripeEvent, outcome: str, note: str) -> dict[str, Any]:
    return {
        "coop": coop,
        "stripe_event_id": event.id,
        "event_type": event.type,
        "stripe_created": event.created,
        "payload": {"type": event.type, "created": event.created, "object": event.object},
        "outcome": outcome,
        "note": note[:300],
        "processed_at": timezone.now(),
    }


NOT_SET_UP = "online payment is not set up for this coop (no Stripe keys)"


def _construct(endpoint: _Endpoint, payload: bytes, signature: str) -> stripe_gateway.StripeEvent:
    """The verified event. Raises StripeSignatureInvalid, also when the coop has no secret to verify with."""
    if not endpoint.webhook_secret:
        raise stripe_gateway.StripeSignatureInvalid(NOT_SET_UP)
    return stripe_gateway.webhook_event_construct(payload=payload, signature=signature, secret=endpoint.webhook_secret)


def _verified(
    endpoint: _Endpoint, slug: str, payload: bytes, signature: str
) -> tuple[_Endpoint | None, stripe_gateway.StripeEvent | str]:
    """(endpoint, event) for a good signature; (endpoint, reason) for a bad one; (None, "") for no coop."""
    try:
        return endpoint, _construct(endpoint, payload, signature)
    except stripe_gateway.StripeSignatureInvalid as exc:
        reason = str(exc)
    # Before refusing: perhaps the secret changed since this process cached it. Look once more.
    fresh = _endpoint_load(slug)
    if fresh is None:
        return None, ""
    if fresh.webhook_secret == endpoint.webhook_secret:
        return fresh, reason
    try:
        return fresh, _construct(fresh, payload, signature)
    except stripe_gateway.StripeSignatureInvalid as exc:
        return fresh, str(exc)


def webhook_event_receive(*, coop_slug: str, payload: bytes, signature: str) -> WebhookResult | None:
    """Verify, store once and process one Stripe webhook for the coop with this slug.

    Returns None for an unknown coop, 400 (nothing stored) for a bad signature, a stale timestamp or a
    coop without Stripe keys,
    200 for everything else, including duplicates and unknown event types (logged, acknowledged).
    An unexpected error rolls everything back and propagates (Stripe retries).
    """
    endpoint = _endpoint_get(coop_slug)
    if endpoint is None:
        return None
    endpoint, verified = _verified(endpoint, coop_slug, payload, signature)
    if endpoint is None:
        return None
    if isinstance(verified, str):
        logger.warning("Rejected Stripe webhook for %s: %s", coop_slug, verified)
        return WebhookResult(400, "rejected", verified)
    event = verified
    subject = _subject(event)
    facts = _facts(endpoint.coop, coop_slug, event, subject)
    if facts is None or facts.account_version != endpoint.version:
        # The coop or its keys changed since this process cached them (another process saved them):
        # verify again with what is stored now before believing anything in the event.
        endpoint = _endpoint_load(coop_slug)
        if endpoint is None:
            return None
        try:
            event = _construct(endpoint, payload, signature)
        except stripe_gateway.StripeSignatureInvalid as exc:
            logger.warning("Rejected Stripe webhook for %s: %s", coop_slug, exc)
            return WebhookResult(400, "rejected", str(exc))
        facts = _facts(endpoint.coop, coop_slug, event, subject)
        if facts is None:
            return None
    coop = endpoint.coop
    # Redeliveries are common (Stripe retries, our 30 % in the benchmark): answered from that one read.
    if facts.duplicate:
        return WebhookResult(200, "duplicate")
    quick = _outcome_without_writes(coop, event, subject, facts)
    try:
        if quick is not None:
            outcome, note = quick
            # Only the event row changes: one INSERT, its own transaction in autocommit mode. A
            # concurrent delivery of the same event fails on the unique (coop, event id) index.
            if connection.in_atomic_block:  # called inside a caller's transaction: keep it usable
                with transaction.atomic():
                    WebhookEvent.objects.create(**_event_row(coop, event, outcome, note))
            else:
                WebhookEvent.objects.create(**_event_row(coop, event, outcome, note))
            return WebhookResult(200, outcome, note)
        with transaction.atomic():
            # Process, then store the event row: a concurrent delivery of the same event waits on the
            # invoice row lock, finds the payment already there (a no-op), and then fails on the unique
            # (coop, event id) index, which rolls its whole transaction back: answered as a duplicate.
            outcome, note = HANDLERS[event.type](coop, event, facts)
            WebhookEvent.objects.create(**_event_row(coop, event, outcome, note))
    except IntegrityError:
        # The unique (coop, event id) constraint: this event was stored before (or just now, by
        # another worker, whose transaction we waited for). Stripe only needs a 2xx.
        if WebhookEvent.objects.filter(coop=coop, stripe_event_id=event.id).exists():
            return WebhookResult(200, "duplicate")
        raise
    return WebhookResult(200, outcome, note)
