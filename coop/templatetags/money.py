"""`{{ amount|money }}`: the one way a template shows an amount of money.

Dutch: "€ 1.234,56" (space after the sign, dot for thousands, comma for cents).
English: "€1,234.56". Nothing (None or empty) shows as an em dash. Amounts are rounded half-up
to the cent by `coop.money`, never by the locale machinery.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language
from djmoney.money import Money

from coop.money import round_cents

register = template.Library()

EMPTY = "—"


def _group(digits: str, separator: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def format_money(amount: Money | Decimal | int | str | None, *, language: str | None = None) -> str:
    """Format an amount in euros for the given (or active) language."""
    if amount is None or amount == "":
        return EMPTY
    try:
        value = round_cents(amount.amount if isinstance(amount, Money) else amount)
    except (InvalidOperation, TypeError, ValueError):
        return EMPTY
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    if (language or get_language() or "nl").startswith("en"):
        return f"{sign}€{_group(whole, ',')}.{cents}"
    return f"€ {sign}{_group(whole, '.')},{cents}"


@register.filter(name="money")
def money(amount: Any) -> str:
    """Format a Money or Decimal in euros for the active language; None gives "—"."""
    return format_money(amount)
