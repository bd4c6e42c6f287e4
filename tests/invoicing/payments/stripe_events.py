"""Real-shaped Stripe events for tests: Stripe's own fixtures, with our ids, amounts and metadata, signed locally."""

from __future__ import annotations

import copy
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

from coop.demo.stripe_fake.app import sign_payload

FIXTURES = Path(__file__).with_name("stripe_fixtures")
_counter = iter(range(1, 10**9))


@cache
def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(_fixture(name))


def _id(prefix: str) -> str:
    return f"{prefix}_test{next(_counter):08d}{int(time.time() * 1000) % 10**6:06d}"


def invoice_metadata(invoice: Any, attempt_id: int | None = None) -> dict[str, str]:
    data = {"invoice_id": str(invoice.pk), "invoice_number": invoice.number, "coop": invoice.coop.slug}
    if attempt_id is not None:
        data["attempt_id"] = str(attempt_id)
    return data


def payment_intent(
    *, amount: int, metadata: dict[str, str], pi_id: str | None = None, currency: str = "eur", status: str = "succeeded"
) -> dict[str, Any]:
    pi = fixture("payment_intent")
    pi.update(
        {
            "id": pi_id or _id("pi"),
            "amount": amount,
            "amount_received": amount if status == "succeeded" else 0,
            "currency": currency,
            "status": status,
            "metadata": metadata,
            "created": int(time.time()),
            "latest_charge": _id("ch"),
            "last_payment_error": None,
        }
    )
    if status != "succeeded":
        pi["last_payment_error"] = {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}
    return pi


def checkout_session(
    *, amount: int, metadata: dict[str, str], pi_id: str, currency: str = "eur", payment_status: str = "paid"
) -> dict[str, Any]:
    session = fixture("checkout.session")
    session.update(
        {
            "id": _id("cs"),
            "amount_total": amount,
            "amount_subtotal": amount,
            "currency": currency,
            "payment_intent": pi_id,
            "payment_status": payment_status,
            "status": "complete",
            "metadata": metadata,
            "created": int(time.time()),
            "mode": "payment",
        }
    )
    return session


def charge(
    *, amount: int, metadata: dict[str, str], pi_id: str, refunded: int = 0, currency: str = "eur"
) -> dict[str, Any]:
    ch = fixture("charge")
    ch.update(
        {
            "id": _id("ch"),
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": refunded,
            "currency": currency,
            "payment_intent": pi_id,
            "metadata": metadata,
            "paid": True,
            "status": "succeeded",
            "refunded": refunded == amount,
            "captured": True,
            "created": int(time.time()),
        }
    )
    return ch


def dispute(*, amount: int, pi_id: str, charge_id: str = "", reason: str = "fraudulent") -> dict[str, Any]:
    dp = fixture("dispute")
    dp.update(
        {
            "id": _id("dp"),
            "amount": amount,
            "currency": "eur",
            "payment_intent": pi_id,
            "charge": charge_id or _id("ch"),
            "reason": reason,
            "created": int(time.time()),
        }
    )
    return dp


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    ev = fixture("event")
    ev.update(
        {
            "id": event_id or _id("evt"),
            "type": event_type,
            "created": int(time.time()),
            "api_version": "2025-09-30.clover",
            "data": {"object": obj},
            "livemode": False,
        }
    )
    return ev


def signed(ev: dict[str, Any], secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send."""
    payload = json.dumps(ev)
    return payload.encode(), sign_payload(payload, secret, timestamp if timestamp is not None else int(time.time()))
