"""A small fake of the Stripe API: the endpoints the stripe-python SDK calls for Checkout.

A development tool: `make run` starts it (STRIPE_FAKE=on) and the tests use it, because there is no
stripe-mock on this network. Production code never imports it (an import-linter contract). It speaks
the wire format the SDK speaks (form-encoded requests with bracket keys, JSON responses, Stripe's
error envelope, `Idempotency-Key` replay) and keeps its state in memory. The "pay" page stands in
for Stripe's hosted Checkout: paying there creates the payment intent and charge, and DELIVERS
signed webhooks (`Stripe-Signature: t=..,v1=..`) to the coop's webhook URL, exactly as Stripe would.

Endpoints:
  POST /v1/checkout/sessions              GET  /v1/checkout/sessions/<id>
  POST /v1/checkout/sessions/<id>/expire  GET  /v1/payment_intents/<id>   GET /v1/charges/<id>
  POST /v1/refunds                        GET  /pay/<session id>  POST /pay/<session id>
  Test controls: POST /_fake/outage (fail=N: the next N API calls answer 500), GET /_fake/deliveries
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

logger = logging.getLogger(__name__)

API_VERSION = "2025-09-30.clover"
# Stripe's published Dutch/EU pricing, close enough for demo fees: iDEAL flat, card percentage + fixed.
FEES_CENTS = {"ideal": (0, 29), "sepa_debit": (0, 35), "card": (150, 25)}  # (basis points, fixed cents)

StartResponse = Callable[..., Any]
# api key -> (webhook url, webhook secret) of the coop that owns the key, or None.
TargetLookup = Callable[[str, str], "tuple[str, str] | None"]


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header value, computed exactly as Stripe does (HMAC-SHA256 of "t.payload")."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_target_from_database(api_key: str, webhook_base: str) -> tuple[str, str] | None:
    """The coop whose stored Stripe secret key is `api_key`: its webhook URL and its stored webhook secret.

    The fake signs each coop's events with the secret stored in that coop's StripeAccount (the demo
    seed gives each demo coop random test keys), so no secret is derived from anything in the source.
    """
    from invoicing.models import StripeAccount
    from invoicing.payments.encryption import SecretUnreadable, secret_decrypt

    for account in StripeAccount.objects.select_related("coop").exclude(secret_key_encrypted=""):
        try:
            if not hmac.compare_digest(secret_decrypt(account.secret_key_encrypted), api_key):
                continue
            webhook_secret = secret_decrypt(account.webhook_secret_encrypted)
        except SecretUnreadable:
            continue
        if not webhook_secret:
            return None
        return f"{webhook_base.rstrip('/')}/{account.coop.slug}/", webhook_secret
    return None


def decode_form(body: str) -> dict[str, Any]:
    """Turn Stripe's bracket encoding (a[b][0][c]=1) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node: Any = root
        for i, part in enumerate(parts):
            if i == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _lists(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return node


@dataclass
class Delivery:
    event_id: str
    event_type: str
    url: str
    status: int
    at: float


@dataclass
class FakeStripe:
    """The fake's state and its WSGI entry point (an instance is the WSGI app)."""

    public_base: str = "http://127.0.0.1:12111"
    webhook_base: str = "http://127.0.0.1:8000/payments/webhooks/stripe/"
    deliver_webhooks: bool = True
    # api key -> (webhook url, webhook secret), given explicitly (tests); other keys are looked up.
    webhook_targets: dict[str, tuple[str, str]] = field(default_factory=dict)
    target_lookup: TargetLookup = webhook_target_from_database
    fail_next: int = 0
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    requests_seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- WSGI -----------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        query = environ.get("QUERY_STRING", "")
        try:
            status, headers, payload = self.handle(method, path, body, query, environ)
        except Exception as exc:  # the fake must answer like Stripe, never with a traceback page
            logger.exception("fake stripe failed")
            status, headers, payload = self._error(500, "api_error", f"Fake Stripe error: {exc}")
        start_response(status, headers)
        return [payload]

    def handle(
        self, method: str, path: str, body: str, query: str, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        if path.startswith("/pay/"):
            return self._pay_page(method, path[len("/pay/") :].strip("/"), body)
        if path == "/_fake/outage" and method == "POST":
            with self.lock:
                self.fail_next = int(decode_form(body).get("fail", "0"))
            return self._json(200, {"fail_next": self.fail_next})
        if path == "/_fake/deliveries":
            return self._json(200, {"data": [d.__dict__ for d in self.deliveries]})
        if not path.startswith("/v1/"):
            return self._error(404, "invalid_request_error", "Unrecognized request URL")
        auth = environ.get("HTTP_AUTHORIZATION", "")
        api_key = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
        if auth.startswith("Basic "):  # curl -u sk_test_...: as Stripe also accepts
            api_key = base64.b64decode(auth[len("Basic ") :]).decode(errors="replace").partition(":")[0]
        if not api_key.startswith("sk_"):
            return self._error(401, "invalid_request_error", "Invalid API Key provided")
        with self.lock:
            self.requests_seen.append((method, path, {"idempotency_key": environ.get("HTTP_IDEMPOTENCY_KEY", "")}))
            if self.fail_next > 0:
                self.fail_next -= 1
                return self._error(500, "api_error", "Fake outage: try again later", should_retry=False)
        params = decode_form(body if method == "POST" else query)
        idem = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if method == "POST" and idem:
            with self.lock:
                cached = self.idempotency.get((api_key, idem))
            if cached is not None:
                status, payload = cached
                return status, [("Content-Type", "application/json"), ("Idempotent-Replayed", "true")], payload
        result = self._route(method, path, params, api_key)
        if method == "POST" and idem and result[0].startswith("200"):
            with self.lock:
                self.idempotency[(api_key, idem)] = (result[0], result[2])
        return result

    def _route(
        self, method: str, path: str, params: dict[str, Any], api_key: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        parts = [p for p in path.split("/") if p][1:]  # drop "v1"
        if parts == ["checkout", "sessions"] and method == "POST":
            return self._json(200, self.session_create(params, api_key))
        if len(parts) == 3 and parts[:2] == ["checkout", "sessions"] and method == "GET":
            return self._get(parts[2], "checkout.session", api_key, params)
        if len(parts) == 4 and parts[:2] == ["checkout", "sessions"] and parts[3] == "expire" and method == "POST":
            session = self._owned(parts[2], "checkout.session", api_key)
            if session is None:
                return self._missing(parts[2])
            if session["status"] != "open":
                return self._error(400, "invalid_request_error", "Only open sessions can be expired")
            session["status"] = "expired"
            return self._json(200, session)
        if len(parts) == 2 and parts[0] == "payment_intents" and method == "GET":
            return self._get(parts[1], "payment_intent", api_key, params)
        if len(parts) == 2 and parts[0] == "charges" and method == "GET":
            return self._get(parts[1], "charge", api_key, params)
        if parts == ["refunds"] and method == "POST":
            return self.refund_create(params, api_key)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")

    # --- objects --------------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{secrets.token_hex(12)}"

    def _owned(self, object_id: str, kind: str, api_key: str) -> dict[str, Any] | None:
        with self.lock:
            obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind or obj["_api_key"] != api_key:
            return None
        return obj

    def _get(
        self, object_id: str, kind: str, api_key: str, params: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        obj = self._owned(object_id, kind, api_key)
        if obj is None:
            return self._missing(object_id)
        expand = params.get("expand") or []
        return self._json(200, self._expanded(obj, expand if isinstance(expand, list) else [expand]))

    def _expanded(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        out = dict(obj)
        for path in expand:
            head, _, rest = path.partition(".")
            ref = out.get(head)
            if isinstance(ref, str) and ref in self.objects:
                out[head] = self._expanded(self.objects[ref], [rest] if rest else [])
        return out

    def session_create(self, params: dict[str, Any], api_key: str) -> dict[str, Any]:
        items = params.get("line_items") or []
        amount = sum(
            int(item.get("price_data", {}).get("unit_amount", 0)) * int(item.get("quantity", 1)) for item in items
        )
        currency = (items[0].get("price_data", {}).get("currency", "eur") if items else "eur").lower()
        session_id = self._new_id("cs")
        now = int(time.time())
        pi_data = params.get("payment_intent_data") or {}
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": params.get("cancel_url"),
            "success_url": params.get("success_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_email": params.get("customer_email"),
            "expires_at": now + 24 * 3600,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": params.get("mode", "payment"),
            "payment_intent": None,
            "payment_method_types": params.get("payment_method_types") or ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "url": f"{self.public_base}/pay/{session_id}",
            "_api_key": api_key,
            "_pi_metadata": pi_data.get("metadata") or params.get("metadata") or {},
        }
        with self.lock:
            self.objects[session_id] = session
        return self._public(session)

    def pay(self, session_id: str, outcome: str, method: str = "ideal") -> dict[str, Any]:
        """Complete a session as the hosted page would: 'paid', 'failed' (card declined) or 'cancel'."""
        with self.lock:
            session = self.objects[session_id]
            if session["status"] != "open":
                return session
            if outcome == "cancel":
                return session
            now = int(time.time())
            pi_id = self._new_id("pi")
            ch_id = self._new_id("ch")
            txn_id = self._new_id("txn")
            amount = session["amount_total"]
            bps, fixed = FEES_CENTS.get(method, FEES_CENTS["card"])
            fee = (amount * bps + 5000) // 10000 + fixed
            metadata = dict(session["_pi_metadata"])
            succeeded = outcome == "paid"
            txn = {
                "id": txn_id,
                "object": "balance_transaction",
                "amount": amount,
                "fee": fee,
                "net": amount - fee,
                "currency": session["currency"],
                "created": now,
                "_api_key": session["_api_key"],
            }
            charge = {
                "id": ch_id,
                "object": "charge",
                "amount": amount,
                "amount_captured": amount if succeeded else 0,
                "amount_refunded": 0,
                "balance_transaction": txn_id if succeeded else None,
                "captured": succeeded,
                "created": now,
                "currency": session["currency"],
                "disputed": False,
                "failure_code": None if succeeded else "card_declined",
                "failure_message": None if succeeded else "Your card was declined.",
                "livemode": False,
                "metadata": metadata,
                "paid": succeeded,
                "payment_intent": pi_id,
                "payment_method_details": {"type": method},
                "refunded": False,
                "refunds": {"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{ch_id}/refunds"},
                "status": "succeeded" if succeeded else "failed",
                "_api_key": session["_api_key"],
            }
            pi = {
                "id": pi_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_capturable": 0,
                "amount_received": amount if succeeded else 0,
                "created": now,
                "currency": session["currency"],
                "latest_charge": ch_id,
                "livemode": False,
                "metadata": metadata,
                "last_payment_error": None
                if succeeded
                else {"type": "card_error", "code": "card_declined", "message": "Your card was declined."},
                "payment_method_types": session["payment_method_types"],
                "status": "succeeded" if succeeded else "requires_payment_method",
                "_api_key": session["_api_key"],
            }
            self.objects.update({txn_id: txn, ch_id: charge, pi_id: pi})
            session["payment_intent"] = pi_id
            if succeeded:
                session["status"] = "complete"
                session["payment_status"] = "paid"
        if succeeded:
            self.deliver(session["_api_key"], "checkout.session.completed", session)
            self.deliver(session["_api_key"], "payment_intent.succeeded", pi)
        else:
            self.deliver(session["_api_key"], "payment_intent.payment_failed", pi)
        return session

    def refund_create(self, params: dict[str, Any], api_key: str) -> tuple[str, list[tuple[str, str]], bytes]:
        pi = self._owned(params.get("payment_intent", ""), "payment_intent", api_key)
        if pi is None or pi["status"] != "succeeded":
            return self._error(400, "invalid_request_error", "No succeeded payment intent to refund")
        with self.lock:
            charge = self.objects[pi["latest_charge"]]
            amount = int(params.get("amount") or (charge["amount"] - charge["amount_refunded"]))
            if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
                return self._error(400, "invalid_request_error", "Refund amount is greater than unrefunded amount")
            refund = {
                "id": self._new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": charge["id"],
                "currency": charge["currency"],
                "created": int(time.time()),
                "payment_intent": pi["id"],
                "status": "succeeded",
                "metadata": params.get("metadata") or {},
                "_api_key": api_key,
            }
            self.objects[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge["refunds"]["data"].append(self._public(refund))
        self.deliver(api_key, "charge.refunded", charge)
        return self._json(200, refund)

    # --- webhooks -------------------------------------------------------------------------
    def target_for(self, api_key: str) -> tuple[str, str] | None:
        if api_key in self.webhook_targets:
            return self.webhook_targets[api_key]
        return self.target_lookup(api_key, self.webhook_base)

    def event_build(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": self._public(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }

    def deliver(self, api_key: str, event_type: str, obj: dict[str, Any]) -> int:
        """POST one signed event to the coop's webhook URL; returns the HTTP status (0: unreachable)."""
        if not self.deliver_webhooks:
            return 0
        event = self.event_build(event_type, obj)
        target = self.target_for(api_key)
        if target is None:
            return 0
        url, secret = target
        payload = json.dumps(event)
        request = urllib.request.Request(  # noqa: S310 - the URL is our own configured endpoint
            url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": sign_payload(payload, secret, int(time.time())),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        with self.lock:
            self.deliveries.append(Delivery(event["id"], event_type, url, status, time.time()))
        return status

    # --- the hosted page ------------------------------------------------------------------
    def _pay_page(self, method: str, session_id: str, body: str) -> tuple[str, list[tuple[str, str]], bytes]:
        with self.lock:
            session = self.objects.get(session_id)
        if session is None or session["object"] != "checkout.session":
            return "404 Not Found", [("Content-Type", "text/plain")], b"Unknown checkout session"
        if method == "POST":
            form = decode_form(body)
            outcome = form.get("outcome", "paid")
            self.pay(session_id, outcome, form.get("method", "ideal"))
            target = session["cancel_url"] if outcome != "paid" else session["success_url"]
            target = (target or "/").replace("{CHECKOUT_SESSION_ID}", session_id)
            return "303 See Other", [("Location", target)], b""
        amount = f"{session['amount_total'] / 100:.2f}"
        methods = "".join(
            f'<label><input type="radio" name="method" value="{html.escape(m)}"{" checked" if i == 0 else ""}> '
            f"{html.escape({'ideal': 'iDEAL | Wero', 'card': 'Card', 'sepa_debit': 'SEPA Direct Debit'}.get(m, m))}"
            "</label><br>"
            for i, m in enumerate(session["payment_method_types"])
        )
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test checkout</title></head>
<body style="font-family:sans-serif;max-width:30rem;margin:2rem auto">
<p><strong>TEST MODE</strong>: local fake of Stripe Checkout. No real money moves.</p>
<h1>Pay {html.escape(session["currency"].upper())} {amount}</h1>
<p>Status: {html.escape(session["status"])}</p>
<form method="post"><fieldset><legend>Payment method</legend>{methods}</fieldset>
<p><button name="outcome" value="paid">Pay</button>
<button name="outcome" value="failed">Payment fails</button>
<button name="outcome" value="cancel">Cancel</button></p></form></body></html>"""
        return "200 OK", [("Content-Type", "text/html; charset=utf-8")], page.encode()

    # --- responses ------------------------------------------------------------------------
    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _json(self, status: int, data: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}
        headers = [("Content-Type", "application/json"), ("Request-Id", f"req_{secrets.token_hex(8)}")]
        return f"{status} {reason.get(status, 'Error')}", headers, json.dumps(self._public(data)).encode()

    def _error(
        self, status: int, kind: str, message: str, *, should_retry: bool | None = None
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        result = self._json(status, {"error": {"type": kind, "message": message}})
        if should_retry is not None:
            result[1].append(("Stripe-Should-Retry", "true" if should_retry else "false"))
        return result

    def _missing(self, object_id: str) -> tuple[str, list[tuple[str, str]], bytes]:
        return self._error(404, "invalid_request_error", f"No such object: '{object_id}'")
