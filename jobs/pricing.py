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
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import (
    member_wage_for_category,
    minimum_wage_get,
    rule_values,
    rule_version_in_force_among,
)


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


def _wage_and_costs(*, values: dict[str, Any], category: str, on: dt.date) -> tuple[Money, Money]:
    wage = member_wage_for_category(values, category)
    statutory = minimum_wage_get(on=on)
    if to_decimal(statutory) > to_decimal(wage):
        wage = statutory
    costs = percent_of(wage, values["employer_cost_percent"])
    return wage, costs


def rate_breakdown(*, coop: Cooperative, category: str, hourly_client_rate: Money, on: dt.date) -> RateBreakdown:
    """Split one hour at `hourly_client_rate` into wage, employer costs, fund and operating share.

    The margin may be negative for a rate below cost (the caller refuses such a rate); the fund and
    operating shares are then zero. Raises NoRuleVersion or RulebookError.
    """
    version, values = rule_values(coop, on=on)
    rate = eur(hourly_client_rate)
    wage, costs = _wage_and_costs(values=values, category=category, on=on)
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
        rule_version=version,
    )


def minimum_client_rate(*, coop: Cooperative, category: str, on: dt.date) -> Money:
    """The lowest hourly client rate the rulebook accepts on a date: wage + costs + minimum margin.

    Rounded up to the cent so the rate truly covers the minimum margin. Raises NoRuleVersion or
    RulebookError.
    """
    _version, values = rule_values(coop, on=on)
    wage, costs = _wage_and_costs(values=values, category=category, on=on)
    cost = to_decimal(wage) + to_decimal(costs)
    exact = cost + cost * Decimal(values["minimum_margin_percent"]) / HUNDRED
    return eur(exact.quantize(CENT, rounding=ROUND_CEILING))


class MemberWageTable:
    """Member wages per (category, date) for one coop from two queries, for list pages.

    Loads every rule version of the coop and the legal minimum wage table once, then answers in
    memory with the same choice `rule_version_get_in_force` makes (the highest number started by then).
    """

    def __init__(self, coop: Cooperative) -> None:
        from coop.rulebook.models import MinimumWage
        from coop.rulebook.selectors import rule_version_values

        self._versions = list(RuleVersion.objects.filter(coop=coop).prefetch_related("values").order_by("-number"))
        self._values = {v.pk: rule_version_values(v) for v in self._versions}
        self._minimum = list(
            MinimumWage.objects.filter(min_age__lte=21)
            .order_by("-valid_from", "-min_age")
            .values_list("valid_from", "hourly_gross")
        )

    def member_wage(self, *, category: str, on: dt.date) -> Money | None:
        version = rule_version_in_force_among(self._versions, on)
        if version is None:
            return None
        values = self._values[version.pk]
        wage = member_wage_for_category(values, category)
        statutory = next((eur(amount) for start, amount in self._minimum if start <= on), None)
        if statutory is not None and to_decimal(statutory) > to_decimal(wage):
            wage = statutory
        return wage
