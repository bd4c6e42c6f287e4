"""The only place that builds and rounds Money: EUR, half-up to the cent.

`Money.round()` rounds half-to-even and SQLite stores 10.125 as 10.12 while PostgreSQL stores
10.13, so every amount is rounded here, once, before it is saved.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

CURRENCY = "EUR"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def to_decimal(amount: Decimal | int | str | Money) -> Decimal:
    """Return the amount as a Decimal (a Money's amount, or a string/int parsed exactly)."""
    if isinstance(amount, Money):
        if str(amount.currency) != CURRENCY:
            raise ValueError(f"Only {CURRENCY} is supported, got {amount.currency}")
        return Decimal(amount.amount)
    if isinstance(amount, float):
        raise TypeError("Money is never built from a float")
    return Decimal(amount)


def round_cents(amount: Decimal | int | str) -> Decimal:
    """Round to the cent, half-up (10.125 -> 10.13, -10.125 -> -10.13)."""
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def eur(amount: Decimal | int | str | Money = 0) -> Money:
    """Build a EUR Money rounded half-up to the cent."""
    return Money(round_cents(to_decimal(amount)), CURRENCY)


def zero() -> Money:
    """EUR 0.00."""
    return eur(0)


def percent_of(amount: Money | Decimal, percent: Decimal | int | str) -> Money:
    """Return `percent` % of `amount`, rounded half-up to the cent."""
    return eur(to_decimal(amount) * Decimal(percent) / HUNDRED)


def split(
    amount: Money,
    percentages: Mapping[str, Decimal | int | str],
    *,
    remainder_to: str,
) -> dict[str, Money]:
    """Split `amount` into named parts by percentages; the part `remainder_to` gets what is left.

    Every other part is rounded half-up to the cent on its own, so the parts always sum exactly to
    `amount`. `remainder_to` must not be among `percentages`.
    Raises ValueError if the percentages are negative, add up to more than 100, or name
    `remainder_to`, or if the rounded parts exceed the amount.
    """
    if remainder_to in percentages:
        raise ValueError("remainder_to must not have a percentage of its own")
    total = to_decimal(amount)
    parts: dict[str, Money] = {}
    taken = Decimal(0)
    pct_sum = Decimal(0)
    for name, pct in percentages.items():
        pct_dec = Decimal(pct)
        if pct_dec < 0:
            raise ValueError(f"Percentage for {name} is negative")
        pct_sum += pct_dec
        part = round_cents(total * pct_dec / HUNDRED)
        parts[name] = Money(part, CURRENCY)
        taken += part
    if pct_sum > HUNDRED:
        raise ValueError("Percentages add up to more than 100")
    rest = total - taken
    if total >= 0 and rest < 0:
        raise ValueError("Rounded parts exceed the amount")
    parts[remainder_to] = Money(rest, CURRENCY)
    return parts


def split_amounts(
    amount: Money,
    fixed: Mapping[str, Money],
    *,
    remainder_to: str,
) -> dict[str, Money]:
    """Split `amount` into fixed named parts plus the remainder for `remainder_to`.

    Raises ValueError if the fixed parts are negative or exceed the amount.
    """
    total = to_decimal(amount)
    parts: dict[str, Money] = {}
    taken = Decimal(0)
    for name, part in fixed.items():
        value = round_cents(to_decimal(part))
        if value < 0:
            raise ValueError(f"Part {name} is negative")
        parts[name] = Money(value, CURRENCY)
        taken += value
    if taken > total:
        raise ValueError("Fixed parts exceed the amount")
    parts[remainder_to] = Money(total - taken, CURRENCY)
    return parts
