"""What a job's hourly client rate pays for: the member wage, employer costs, the fund and the coop.

All numbers come from the rulebook version in force on the work date; the wage is never below the
statutory minimum wage on that date (law, not a rule). Every amount is rounded once, half-up, by
`coop.money`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from djmoney.money import Money

from coop.models import Cooperative
from coop.money import CENT, HUNDRED, eur, percent_of, split, to_decimal
from coop.rulebook.book import Rulebook
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.models import RuleVersion


@dataclass(frozen=True)
class RateBreakdown:
    hourly_client_rate: Money
    member_wage: Money
    employer_costs: Money
    margin: Money
    fund_share: Money
    operating_share: Money
    rule_version: RuleVersion


def category_choices(values: dict[str, Any]) -> list[str]:
    """The job categories of a rulebook version (the keys of its wage table, "default" last)."""
    keys = sorted(k for k in values["member_wage_hourly"] if k != "default")
    return [*keys, "default"]


def _wage_and_costs(*, rules: Rulebook, category: str, on: dt.date) -> tuple[Money, Money]:
    wage = rules.member_wage(category, on=on)  # never below the statutory minimum wage
    costs = percent_of(wage, rules.value("employer_cost_percent", on=on))
    return wage, costs


def rate_breakdown(
    *, coop: Cooperative, category: str, hourly_client_rate: Money, on: dt.date, rules: Rulebook | None = None
) -> RateBreakdown:
    """Split one hour at `hourly_client_rate` into wage, employer costs, fund and operating share.

    The margin may be negative for a rate below cost (the caller refuses such a rate); the fund and
    operating shares are then zero. Raises NoRuleVersion or RulebookError.
    """
    rules = rules or Rulebook.for_coop(coop)
    values = rules.values(on)
    rate = eur(hourly_client_rate)
    wage, costs = _wage_and_costs(rules=rules, category=category, on=on)
    margin = eur(to_decimal(rate) - to_decimal(wage) - to_decimal(costs))
    if to_decimal(margin) > 0:
        parts = split(margin, {"fund": values["fund_share_percent"]}, remainder_to="operating")
        fund, operating = parts["fund"], parts["operating"]
    else:
        fund, operating = eur(0), eur(0)
    return RateBreakdown(
        hourly_client_rate=rate,
        member_wage=wage,
        employer_costs=costs,
        margin=margin,
        fund_share=fund,
        operating_share=operating,
        rule_version=rules.version(on),
    )


def minimum_client_rate(*, coop: Cooperative, category: str, on: dt.date, rules: Rulebook | None = None) -> Money:
    """The lowest hourly client rate the rulebook accepts on a date: wage + costs + minimum margin.

    Rounded up to the cent so the rate truly covers the minimum margin. Raises NoRuleVersion or
    RulebookError.
    """
    rules = rules or Rulebook.for_coop(coop)
    wage, costs = _wage_and_costs(rules=rules, category=category, on=on)
    cost = to_decimal(wage) + to_decimal(costs)
    exact = cost + cost * Decimal(rules.value("minimum_margin_percent", on=on)) / HUNDRED
    return eur(exact.quantize(CENT, rounding=ROUND_CEILING))


def member_wage_or_none(rules: Rulebook, *, category: str, on: dt.date) -> Money | None:
    """The member wage for list pages: None where no rules are in force yet (a date before the coop)."""
    try:
        return rules.member_wage(category, on=on)
    except RulebookError:
        return None
