"""Payments personas and the local fake Stripe (real SDK calls go to it over HTTP).

Coops have no Stripe keys unless a test gives them some: `invoice` and `lunetten_invoice` give their
coop random test keys (as the demo seed does with the fake switched on), `coop_keys` does it by hand.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from coop.demo.stripe_fake.app import FakeStripe
from coop.demo.stripe_fake.server import fake_server_start
from coop.models import Cooperative
from invoicing.models import Invoice
from invoicing.payments.services import stripe_account_set, stripe_keys_for
from members.models import Role
from tests.factories import staff_user
from tests.invoicing.payments import stripe_events
from tests.invoicing.payments.factories import issued_invoice

WORK_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def fake_stripe(settings) -> Iterator[FakeStripe]:  # type: ignore[no-untyped-def]
    """The project's fake Stripe on a free 127.0.0.1 port; the app's SDK calls go there."""
    app = FakeStripe(deliver_webhooks=False)
    server, base = fake_server_start(app)
    settings.STRIPE_API_BASE = base
    yield app
    server.shutdown()
    server.server_close()


def coop_keys_give(coop: Cooperative) -> str:
    """Store random Stripe test keys for a coop (as a coordinator would); returns its webhook secret."""
    webhook_secret = f"whsec_{secrets.token_hex(24)}"
    stripe_account_set(
        coop=coop, actor=None, secret_key=f"sk_test_{secrets.token_hex(12)}", webhook_secret=webhook_secret
    )
    return webhook_secret


@pytest.fixture
def coop_keys():  # type: ignore[no-untyped-def]
    return coop_keys_give


@pytest.fixture
def invoice(kanaleneiland, bakery, fatima) -> Invoice:  # type: ignore[no-untyped-def]
    """An issued invoice of Kanaleneiland (which has Stripe keys) to the bakery (4 h cleaning at EUR 30 + VAT)."""
    coop_keys_give(kanaleneiland)
    return issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)


@pytest.fixture
def lunetten_invoice(lunetten, lunetten_shop, jan) -> Invoice:  # type: ignore[no-untyped-def]
    coop_keys_give(lunetten)
    return issued_invoice(coop=lunetten, business=lunetten_shop.business, member=jan, day=WORK_DAY)


@pytest.fixture
def second_board_member(kanaleneiland: Cooperative) -> Any:
    """Mila, another board member of Kanaleneiland (the four-eyes partner)."""
    return staff_user(kanaleneiland, Role.Kind.BOARD, email="mila@example.nl", first_name="Mila", last_name="Jong")


@pytest.fixture
def coordinator_board(kanaleneiland: Cooperative, coordinator: Any) -> Any:
    """Ingrid is coordinator AND board member: she may prepare, but not approve her own batch."""
    Role.objects.create(user=coordinator, kind=Role.Kind.BOARD, coop=kanaleneiland)
    return coordinator


@pytest.fixture
def post_event(client):  # type: ignore[no-untyped-def]
    """POST a Stripe event to a coop's webhook URL, signed with that coop's stored secret (or `secret`)."""

    def _post(
        coop: Cooperative,
        ev: dict[str, Any],
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ):  # type: ignore[no-untyped-def]
        if secret is None:
            keys = stripe_keys_for(coop)
            assert keys is not None, f"{coop.slug} has no Stripe keys: give it some (coop_keys) or pass secret="
            secret = keys.webhook_secret
        body, header = stripe_events.signed(ev, secret, timestamp=timestamp)
        return client.post(
            reverse("payments:stripe_webhook", kwargs={"coop_slug": coop.slug}),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature if signature is not None else header,
        )

    return _post
