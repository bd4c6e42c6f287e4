"""Test credentials for coops without their own Stripe keys (the local fake Stripe).

The app and the fake server derive the same per-coop webhook secret from one shared seed
(settings.STRIPE_FAKE_SEED / env STRIPE_FAKE_SEED), so the fake can sign each coop's webhooks
with that coop's secret and coop A's fake secret never verifies a webhook for coop B.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

FAKE_KEY_PREFIX = "sk_test_fake_"
DEFAULT_SEED = "wijkwerk-local-fake-stripe"


@dataclass(frozen=True)
class FakeCredentials:
    publishable_key: str
    secret_key: str
    webhook_secret: str


def fake_credentials(slug: str, *, seed: str = DEFAULT_SEED) -> FakeCredentials:
    """The test keys of one coop against the fake server."""
    digest = hmac.new(seed.encode(), f"webhook:{slug}".encode(), hashlib.sha256).hexdigest()[:32]
    return FakeCredentials(
        publishable_key=f"pk_test_fake_{slug}",
        secret_key=f"{FAKE_KEY_PREFIX}{slug}",
        webhook_secret=f"whsec_{digest}",
    )


def slug_from_fake_key(api_key: str) -> str | None:
    """The coop slug inside a fake secret key, or None for any other key."""
    if api_key.startswith(FAKE_KEY_PREFIX):
        return api_key[len(FAKE_KEY_PREFIX) :] or None
    return None


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header value, computed exactly as Stripe does (HMAC-SHA256 of "t.payload")."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"
