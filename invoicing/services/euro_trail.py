"""The euro trail: how a line's net amount splits into wage, employer costs, fund and operating share.

Rounding happens once per part, half-up, by `coop.money`; the operating share takes what is left,
so the parts always add up to the cent. All percentages come from the rule version in force on
the work date; the hourly wage never goes below the statutory minimum wage on that date (law).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.money import eur, percent_of, split, to_decimal
from coop.rulebook.book import Rulebook
from coop.rulebook.models import RuleVersion
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


def euro_trail_for_work(
    *, rules: Rulebook, work_date: dt.date, category: str, hours: Decimal, hourly_rate: Money
) -> tuple[EuroTrail, Money, RuleVersion]:
    """The trail of one shift with the rule version in force on `work_date`: (trail, wage per hour, version)."""
    values = rules.values(work_date)
    wage_hourly = rules.member_wage(category, on=work_date)
    trail = euro_trail_split(
        hours=hours,
        hourly_rate=hourly_rate,
        wage_hourly=wage_hourly,
        employer_cost_percent=values["employer_cost_percent"],
        fund_share_percent=values["fund_share_percent"],
    )
    return trail, wage_hourly, rules.version(work_date)
