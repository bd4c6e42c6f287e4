"""System checks for `manage.py check --deploy`: settings that must never reach production.

Registered with deploy=True, so `make lint` (lint-deploy) and a release pipeline fail on them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Values of FIELD_ENCRYPTION_KEY that are public: the development default in coop/settings.py and
# placeholders from our own files and the usual examples. Anyone could decrypt the coops' keys.
KNOWN_FIELD_ENCRYPTION_KEYS = frozenset(
    {
        "dev-only-field-key",
        "deploy-check",
        "change-me",
        "changeme",
        "CHANGE-ME",
        "secret",
        "test",
        "example",
        "your-key-here",
    }
)
# Technical floor, not policy: 32 characters of secrets.token_urlsafe carry ~190 bits.
FIELD_ENCRYPTION_KEY_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def stripe_fake_off_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The local fake Stripe must be off in a deployment."""
    if getattr(settings, "STRIPE_FAKE", False):
        return [
            Error(
                "STRIPE_FAKE is on: the local fake Stripe is a development tool.",
                hint="Unset STRIPE_FAKE (or set STRIPE_FAKE=off) and give each coop its own Stripe keys.",
                id="wijkwerk.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_encryption_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """FIELD_ENCRYPTION_KEY must be set, secret and long enough: it encrypts every coop's Stripe keys."""
    key = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    hint = 'Set FIELD_ENCRYPTION_KEY to e.g. python -c "import secrets; print(secrets.token_urlsafe(32))".'
    if not key.strip():
        problem = "FIELD_ENCRYPTION_KEY is empty."
    elif key.strip() in KNOWN_FIELD_ENCRYPTION_KEYS or key.strip().lower() in KNOWN_FIELD_ENCRYPTION_KEYS:
        problem = "FIELD_ENCRYPTION_KEY is a known default or placeholder value."
    elif len(key) < FIELD_ENCRYPTION_KEY_MIN_LENGTH:
        problem = f"FIELD_ENCRYPTION_KEY is shorter than {FIELD_ENCRYPTION_KEY_MIN_LENGTH} characters."
    else:
        return []
    return [Error(problem, hint=hint, id="wijkwerk.E002")]
