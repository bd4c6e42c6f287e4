"""The bench server's URLconf: every production URL plus the floor view of bench/webhooks.py.

The floor is the least any webhook endpoint must do on this server and database: verify Stripe's
signature (with the same gateway function the real endpoint uses) and insert one row per event,
de-duplicated by event id. It sits under /payments/webhooks/ and is a machine endpoint like the real
one, so both take the same path through the middleware; the ratio of the two rates is then the
cost of the real endpoint's own work, whatever the machine's load.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from coop.urls import urlpatterns as production_urlpatterns
from invoicing.stripe_gateway import StripeSignatureInvalid, webhook_event_construct

FLOOR_TABLE = "bench_floor_event"
FLOOR_TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (
    id bigserial PRIMARY KEY,
    stripe_event_id varchar(255) NOT NULL UNIQUE,
    type varchar(100) NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
)
"""


def floor_webhook(request: HttpRequest, coop_slug: str) -> HttpResponse:
    try:
        event = webhook_event_construct(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            secret=settings.BENCH_FLOOR_WEBHOOK_SECRET,
        )
    except StripeSignatureInvalid:
        return HttpResponse("invalid signature", status=400, content_type="text/plain")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (stripe_event_id, type, payload) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (stripe_event_id) DO NOTHING",
            [event.id, event.type, json.dumps(event.object)],
        )
    return HttpResponse("ok", content_type="text/plain")


floor_webhook.machine_endpoint = True  # type: ignore[attr-defined]

urlpatterns = [
    path("payments/webhooks/bench-floor/<slug:coop_slug>/", floor_webhook, name="bench_floor_webhook"),
    *production_urlpatterns,
]
