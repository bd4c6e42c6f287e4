"""Stripe counts in cents; we count in Money. The two conversions, and nothing else."""

from __future__ import annotations

from decimal import Decimal

from djmoney.money import Money

from coop.money import eur


def cents(amount: Money) -> int:
    return int((Decimal(amount.amount) * 100).to_integral_value())


def from_cents(value: int) -> Money:
    return eur(Decimal(value) / 100)
