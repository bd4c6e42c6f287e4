"""A coop's own Stripe keys: stored encrypted, read back decrypted, never derived from anything else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.models import Cooperative
from invoicing import stripe_gateway
from invoicing.models import StripeAccount
from invoicing.payments.encryption import secret_decrypt, secret_encrypt, secret_hint
from invoicing.payments.exceptions import OnlinePaymentNotSetUp, PaymentError


def stripe_keys_for(coop: Cooperative) -> stripe_gateway.StripeKeys | None:
    """The coop's own keys (decrypted), or None: a coop without keys has no online payment.

    There is no fallback: no secret is ever derived from anything in the source. In development the
    demo seed stores random test keys for the demo coops (see coop/demo/services/stripe_keys.py).
    """
    try:
        account: StripeAccount | None = coop.stripe_account  # the webhook view loads it with the coop
    except StripeAccount.DoesNotExist:
        account = None
    if account is None or not account.is_live:
        return None
    return stripe_gateway.StripeKeys(
        secret_key=secret_decrypt(account.secret_key_encrypted),
        webhook_secret=secret_decrypt(account.webhook_secret_encrypted),
        api_base=getattr(settings, "STRIPE_API_BASE", "") or None,
    )


def online_payment_not_set_up() -> OnlinePaymentNotSetUp:
    return OnlinePaymentNotSetUp(
        _("Online payment is not set up for this cooperative. Please pay by bank transfer. Nothing was charged.")
    )


def stripe_account_set(
    *, coop: Cooperative, actor: Any, publishable_key: str = "", secret_key: str = "", webhook_secret: str = ""
) -> StripeAccount:
    """Store a coop's Stripe keys encrypted; an empty field keeps what was stored. Returns the account.

    The secret key and the webhook signing secret only work together (one starts payments, the
    other verifies what Stripe reports back), so the account may never end up with one of the two
    alone. Raises PaymentError for keys that are not Stripe keys, or for half a pair.
    """
    checks = (
        (publishable_key, ("pk_live_", "pk_test_"), _("A publishable key starts with pk_live_ or pk_test_.")),
        (
            secret_key,
            ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
            _("A secret key starts with sk_live_, sk_test_, rk_live_ or rk_test_."),
        ),
        (webhook_secret, ("whsec_",), _("A webhook signing secret starts with whsec_.")),
    )
    for value, prefixes, message in checks:
        if value and not value.startswith(prefixes):
            raise PaymentError(message)
    with transaction.atomic():
        # A refusal below raises inside this transaction, so a row just created here is rolled back too.
        account, _created = StripeAccount.objects.select_for_update().get_or_create(coop=coop)
        has_secret_key = bool(secret_key) or bool(account.secret_key_encrypted)
        has_webhook_secret = bool(webhook_secret) or bool(account.webhook_secret_encrypted)
        if has_secret_key != has_webhook_secret:
            raise PaymentError(
                _(
                    "Enter the secret key and the webhook signing secret together: online payment needs both. "
                    "Nothing was saved."
                )
            )
        changed = []
        for field, value in (
            ("publishable_key", publishable_key),
            ("secret_key", secret_key),
            ("webhook_secret", webhook_secret),
        ):
            if value:
                setattr(account, f"{field}_encrypted", secret_encrypt(value.strip()))
                setattr(account, f"{field}_hint", secret_hint(value.strip()))
                changed.append(field)
        account.updated_by = actor
        account.save()
        # Never the secrets themselves, not even in the audit trail: only which ones changed.
        audit_record(
            actor=actor, action="payments.stripe_keys_set", subject=account, coop=coop, data={"changed": changed}
        )
    return account
