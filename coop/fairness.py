"""How evenly something is shared: the Gini coefficient, and each member's share of the work they want.

Used wherever the coop shows how fairly work is spread across the members who want it: the what-if
before a vote (coop.governance.whatif) and the public pages. Pure functions, no database.

The Gini coefficient of n non-negative amounts is the mean absolute difference between all pairs,
divided by twice the mean: 0 when everyone has the same, towards 1 when one has everything and the
rest nothing (with n people the largest possible value is (n - 1) / n).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

Amount = Decimal | Fraction | int | float


def gini(amounts: Iterable[Amount]) -> float:
    """The Gini coefficient of non-negative amounts; 0.0 for no amounts or when all are zero.

    Computed exactly (fractions) on the sorted amounts, so the order of the input never matters.
    Raises ValueError for a negative amount.
    """
    values = sorted(Fraction(a) for a in amounts)
    if any(v < 0 for v in values):
        raise ValueError("The Gini coefficient is defined for amounts of zero or more.")
    n = len(values)
    total = sum(values, Fraction(0))
    if n == 0 or total == 0:
        return 0.0
    # Sorted ascending, sum_i sum_j |x_i - x_j| = 2 * sum_i (2i - n - 1) * x_i (i from 1).
    weighted = sum(((2 * i - n - 1) * v for i, v in enumerate(values, start=1)), Fraction(0))
    return float(weighted / (n * total))


def target_shares(hours: Mapping[int, Amount], targets: Mapping[int, Amount]) -> dict[int, Fraction]:
    """Per member with a target above zero: the hours they got divided by the hours they want."""
    return {key: Fraction(hours.get(key, 0)) / Fraction(target) for key, target in targets.items() if target > 0}
