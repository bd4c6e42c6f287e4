"""Test keys for the demo coops against the local fake Stripe (only when STRIPE_FAKE is on).

Each coop gets its own RANDOM test keys, stored encrypted in its StripeAccount through the same
service a coordinator uses; the fake server reads them from there to sign that coop's webhooks.
Nothing is derived from a value in the source, so nobody can compute a coop's webhook secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from coop.models import Cooperative
from invoicing.payments.selectors import online_payment_enabled
from invoicing.payments.services import stripe_account_set


def demo_stripe_keys_seed(*, coops: Iterable[Cooperative], actor: Any | None) -> list[str]:
    """Give each coop without keys random fake-Stripe test keys; returns the slugs that got keys.

    Does nothing unless settings.STRIPE_FAKE is on (the keys only work against the local fake).
    """
    if not getattr(settings, "STRIPE_FAKE", False):
        return []
    done = []
    for coop in coops:
        if online_payment_enabled(coop=coop):
            continue  # real (test) keys someone entered stay as they are
        token = secrets.token_hex(16)
        stripe_account_set(
            coop=coop,
            actor=actor,
            publishable_key=f"pk_test_fake{token}",
            secret_key=f"sk_test_fake{token}",
            webhook_secret=f"whsec_{secrets.token_hex(24)}",
        )
        done.append(coop.slug)
    return done
