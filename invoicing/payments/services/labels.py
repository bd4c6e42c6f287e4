"""How the configured Stripe payment methods are named on the pay page."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy


def payment_method_labels() -> list[str]:
    """How the configured Stripe payment methods are named on the pay page."""
    names = {
        "ideal": gettext_lazy("iDEAL | Wero"),
        "card": gettext_lazy("Card"),
        "sepa_debit": gettext_lazy("SEPA Direct Debit"),
        "bancontact": "Bancontact",
    }
    return [str(names.get(m, m)) for m in getattr(settings, "STRIPE_PAYMENT_METHODS", [])]
