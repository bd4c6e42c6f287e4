"""The euro trail: how a line's net amount splits into wage, employer costs, fund and operating share.

Rounding happens once per part, half-up, by `coop.money`; the operating share takes what is left,
so the parts always add up to the cent. All percentages come from the rule version in force on
the work date; the hourly wage never goes below the statutory minimum wage on that date (law).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.models import Cooperative
from coop.money import eur, percent_of, split, to_decimal
from coop.rulebook.models import MinimumWage, RuleVersion, VatRate
from coop.rulebook.selectors import (
    member_wage_for_category,
    minimum_wage_get,
    rule_values,
    rule_version_in_force_among,
    rule_version_values,
    vat_rate_get,
)
from invoicing.exceptions import EuroTrailError


@dataclass(frozen=True)
class EuroTrail:
    line_total_net: Money
    member_wage: Money
    employer_costs: Money
    fund_share: Money
    operating_share: Money

    @property
    def parts(self) -> tuple[Money, Money, Money, Money]:
        return (self.member_wage, self.employer_costs, self.fund_share, self.operating_share)


def euro_trail_split(
    *,
    hours: Decimal,
    hourly_rate: Money,
    wage_hourly: Money,
    employer_cost_percent: Decimal,
    fund_share_percent: Decimal,
) -> EuroTrail:
    """Split `hours` x `hourly_rate` into the four parts; pure, no database.

    Raises EuroTrailError if the amount does not cover wage plus employer costs.
    """
    line_total_net = eur(Decimal(hours) * to_decimal(hourly_rate))
    member_wage = eur(Decimal(hours) * to_decimal(wage_hourly))
    employer_costs = percent_of(member_wage, employer_cost_percent)
    margin = to_decimal(line_total_net) - to_decimal(member_wage) - to_decimal(employer_costs)
    if margin < 0 and to_decimal(hourly_rate) >= to_decimal(wage_hourly) * (1 + Decimal(employer_cost_percent) / 100):
        # The hourly rate covers wage and costs; only rounding three amounts to the cent took the
        # margin a cent below zero (e.g. 0.02 h). The wage is what the member is owed, so the
        # employer-cost provision absorbs the cent(s).
        employer_costs = eur(to_decimal(line_total_net) - to_decimal(member_wage))
        margin = Decimal(0)
    if margin < 0:
        raise EuroTrailError(
            _("The rate of %(rate)s per hour does not cover the member wage and employer costs.")
            % {"rate": hourly_rate}
        )
    parts = split(eur(margin), {"fund": fund_share_percent}, remainder_to="operating")
    return EuroTrail(
        line_total_net=line_total_net,
        member_wage=member_wage,
        employer_costs=employer_costs,
        fund_share=parts["fund"],
        operating_share=parts["operating"],
    )


@dataclass(frozen=True)
class TrailRules:
    version: RuleVersion
    values: dict[str, Any]


class RuleCache:
    """Rule versions, minimum wages and VAT rates of one coop loaded once per run, picked by work date.

    An invoice with shifts on twenty dates costs three queries here instead of sixty.
    """

    def __init__(self, coop: Cooperative) -> None:
        self.coop = coop
        self._versions: list[RuleVersion] | None = None
        self._values: dict[int, dict[str, Any]] = {}
        self._by_date: dict[dt.date, TrailRules] = {}
        self._min_wages: list[tuple[dt.date, Money]] | None = None
        self._vat_rates: list[VatRate] | None = None

    def on(self, day: dt.date) -> TrailRules:
        if day not in self._by_date:
            if self._versions is None:
                self._versions = list(
                    RuleVersion.objects.filter(coop=self.coop).prefetch_related("values").order_by("-number")
                )
            version = rule_version_in_force_among(self._versions, day)
            if version is None:
                # Same error, same message as the rulebook's own selector.
                rule_values(self.coop, on=day)
                raise AssertionError("unreachable")
            if version.pk not in self._values:
                self._values[version.pk] = rule_version_values(version)
            self._by_date[day] = TrailRules(version=version, values=self._values[version.pk])
        return self._by_date[day]

    def minimum_wage(self, day: dt.date) -> Money:
        if self._min_wages is None:
            self._min_wages = [
                (row.valid_from, eur(row.hourly_gross))
                for row in MinimumWage.objects.filter(min_age=21).order_by("-valid_from")
            ]
        for valid_from, wage in self._min_wages:
            if valid_from <= day:
                return wage
        return minimum_wage_get(on=day)  # raises the rulebook's own error

    def wage_hourly(self, day: dt.date, category: str) -> Money:
        rules = self.on(day)
        wage = member_wage_for_category(rules.values, category)
        statutory = self.minimum_wage(day)
        return statutory if to_decimal(statutory) > to_decimal(wage) else wage

    def vat_rate(self, code: str, day: dt.date) -> VatRate:
        if self._vat_rates is None:
            self._vat_rates = list(VatRate.objects.order_by("-valid_from"))
        for rate in self._vat_rates:
            if rate.code == code and rate.valid_from <= day:
                return rate
        return vat_rate_get(code, on=day)  # raises the rulebook's own error


def euro_trail_for_work(
    *, rules: RuleCache, work_date: dt.date, category: str, hours: Decimal, hourly_rate: Money
) -> tuple[EuroTrail, Money, RuleVersion]:
    """The trail of one shift with the rule version in force on `work_date`: (trail, wage per hour, version)."""
    trail_rules = rules.on(work_date)
    wage_hourly = rules.wage_hourly(work_date, category)
    trail = euro_trail_split(
        hours=hours,
        hourly_rate=hourly_rate,
        wage_hourly=wage_hourly,
        employer_cost_percent=trail_rules.values["employer_cost_percent"],
        fund_share_percent=trail_rules.values["fund_share_percent"],
    )
    return trail, wage_hourly, trail_rules.version
