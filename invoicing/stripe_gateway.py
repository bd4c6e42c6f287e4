"""The only module that imports `stripe`: it turns SDK calls and objects into our own small dataclasses.

Every call goes through the real stripe-python SDK (`StripeClient`), pointed either at Stripe or,
for a coop without keys, at the project's local fake server (`settings.STRIPE_API_BASE`). Callers
must never hold a database transaction while calling in here: record intent, commit, call out,
record the result.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings


class StripeUnavailable(Exception):
    """Stripe (or the fake) could not be reached or answered with an error; safe to retry later."""


class StripeSignatureInvalid(Exception):
    """A webhook's signature is missing, forged, or too old."""


@dataclass(frozen=True)
class StripeKeys:
    secret_key: str
    webhook_secret: str
    api_base: str | None  # None: the real Stripe API


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str
    payment_status: str
    amount_total_cents: int
    currency: str
    payment_intent_id: str | None


@dataclass(frozen=True)
class StripeEvent:
    id: str
    type: str
    created: int
    object: dict[str, Any]


_clients: dict[tuple[str, str | None], stripe.StripeClient] = {}
_clients_lock = threading.Lock()


def _client(keys: StripeKeys) -> stripe.StripeClient:
    # One client per key and base per process: it holds a pooled HTTP session.
    cache_key = (keys.secret_key, keys.api_base)
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            client = stripe.StripeClient(
                keys.secret_key,
                base_addresses={"api": keys.api_base} if keys.api_base else None,
                max_network_retries=getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 1),
                http_client=stripe.RequestsClient(timeout=getattr(settings, "STRIPE_TIMEOUT_SECONDS", 15)),
            )
            _clients[cache_key] = client
    return client


def _plain(obj: Any) -> dict[str, Any]:
    # SDK objects are not dicts (since v13); everything past the gateway works with plain JSON.
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _session(sdk_obj: Any) -> CheckoutSession:
    obj = _plain(sdk_obj)
    pi = obj.get("payment_intent")
    return CheckoutSession(
        id=obj["id"],
        url=obj.get("url") or "",
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "",
        amount_total_cents=int(obj.get("amount_total") or 0),
        currency=(obj.get("currency") or "").lower(),
        payment_intent_id=pi if isinstance(pi, str) or pi is None else pi.get("id"),
    )


def checkout_session_create(
    *,
    keys: StripeKeys,
    amount_cents: int,
    currency: str,
    description: str,
    payment_methods: list[str],
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    client_reference_id: str,
    customer_email: str,
    locale: str,
    idempotency_key: str,
) -> CheckoutSession:
    """Create a hosted Checkout session for one amount. Raises StripeUnavailable."""
    params: dict[str, Any] = {
        "mode": "payment",
        "payment_method_types": payment_methods,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount_cents,
                    "product_data": {"name": description},
                },
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        # Copied by Stripe onto the payment intent and its charge, so every later event names the invoice.
        "payment_intent_data": {"metadata": metadata, "description": description},
        "locale": locale,
    }
    if customer_email:
        params["customer_email"] = customer_email
    try:
        session = _client(keys).v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc.user_message or exc)) from exc
    return _session(session)


def checkout_session_retrieve(*, keys: StripeKeys, session_id: str) -> CheckoutSession:
    """The current state of a Checkout session. Raises StripeUnavailable."""
    try:
        return _session(_client(keys).v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc.user_message or exc)) from exc


def payment_fee_cents(*, keys: StripeKeys, payment_intent_id: str) -> int | None:
    """Stripe's fee on a succeeded payment intent (from its charge's balance transaction), or None if not known yet.

    Raises StripeUnavailable.
    """
    try:
        pi = _client(keys).v1.payment_intents.retrieve(
            payment_intent_id, params={"expand": ["latest_charge.balance_transaction"]}
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc.user_message or exc)) from exc
    charge = _plain(pi).get("latest_charge")
    if not charge or isinstance(charge, str):
        return None
    txn = charge.get("balance_transaction")
    if not txn or isinstance(txn, str):
        return None
    return int(txn.get("fee") or 0)


def refund_create(*, keys: StripeKeys, payment_intent_id: str, amount_cents: int, idempotency_key: str) -> str:
    """Refund part or all of a payment; returns the refund id. Raises StripeUnavailable."""
    try:
        refund = _client(keys).v1.refunds.create(
            params={"payment_intent": payment_intent_id, "amount": amount_cents},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise StripeUnavailable(str(exc.user_message or exc)) from exc
    return str(refund.id)


def webhook_event_construct(*, payload: bytes, signature: str, secret: str) -> StripeEvent:
    """Verify a webhook's Stripe-Signature with the SDK and return the event. Raises StripeSignatureInvalid."""
    tolerance = getattr(settings, "STRIPE_WEBHOOK_TOLERANCE_SECONDS", stripe.Webhook.DEFAULT_TOLERANCE)
    try:
        # The SDK's own check (HMAC-SHA256 over "t.payload", constant-time compare, timestamp
        # tolerance): what Webhook.construct_event does first. We skip the SDK event object it then
        # builds (~0.3 ms per webhook): our services want plain JSON, parsed once below.
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance)
        data = json.loads(payload)
    except stripe.SignatureVerificationError as exc:
        raise StripeSignatureInvalid(str(exc)) from exc
    except ValueError as exc:  # not JSON (or not UTF-8)
        raise StripeSignatureInvalid("invalid payload") from exc
    inner = data.get("data") if isinstance(data, dict) else None
    obj = inner.get("object") if isinstance(inner, dict) else None
    if not isinstance(obj, dict) or not data.get("id") or not data.get("type") or data.get("object") == "v2.core.event":
        raise StripeSignatureInvalid("not an event")
    return StripeEvent(id=str(data["id"]), type=str(data["type"]), created=int(data.get("created") or 0), object=obj)
