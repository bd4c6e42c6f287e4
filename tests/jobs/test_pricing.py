"""jobs.pricing: what an hour at the client rate pays for, from the rulebook on the work date."""

from __future__ import annotations

import datetime as dt

import pytest

from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.rulebook.models import MinimumWage, RuleVersion
from jobs.pricing import minimum_client_rate, rate_breakdown
from tests.factories import rule_version_decided

DAY = dt.date(2026, 12, 1)


def test_breakdown_splits_the_rate_into_wage_costs_fund_and_operating(kanaleneiland):
    b = rate_breakdown(coop=kanaleneiland, category="default", hourly_client_rate=eur("25.00"), on=DAY)
    assert b.member_wage == eur("15.00")
    assert b.employer_costs == eur("4.50")  # 30 % of the wage
    assert b.margin == eur("5.50")
    assert b.fund_share == eur("2.20")  # 40 % of the margin
    assert b.operating_share == eur("3.30")
    assert b.member_wage + b.employer_costs + b.fund_share + b.operating_share == b.hourly_client_rate
    assert b.rule_version.coop == kanaleneiland


def test_fund_share_rounds_half_up(kanaleneiland):
    # margin 21.4625 - ... : choose a rate whose margin * 40 % ends in a half cent
    b = rate_breakdown(coop=kanaleneiland, category="default", hourly_client_rate=eur("20.01"), on=DAY)
    assert b.margin == eur("0.51")
    assert b.fund_share == eur("0.20")  # 0.204 -> 0.20
    b = rate_breakdown(coop=kanaleneiland, category="default", hourly_client_rate=eur("20.00"), on=DAY)
    assert b.fund_share == eur("0.20")  # 0.50 * 40 % = 0.20
    b = rate_breakdown(coop=kanaleneiland, category="default", hourly_client_rate=eur("19.88"), on=DAY)
    assert b.margin == eur("0.38")
    assert b.fund_share == eur("0.15")  # 0.152 -> 0.15


def test_minimum_rate_covers_wage_costs_and_minimum_margin_rounded_up(kanaleneiland):
    # hospitality 15.25 + 4.58 costs = 19.83; + 10 % = 21.813 -> 21.82 (up, so it truly covers)
    assert minimum_client_rate(coop=kanaleneiland, category="hospitality", on=DAY) == eur("21.82")
    assert minimum_client_rate(coop=kanaleneiland, category="default", on=DAY) == eur("21.45")


def test_wage_is_never_below_the_statutory_minimum_wage(kanaleneiland):
    # A (hypothetical) future legal rate above the rulebook wage: the law wins from that date.
    MinimumWage.objects.create(
        min_age=21, valid_from=dt.date(2027, 7, 1), hourly_gross=eur("16.10"), legal_source="test"
    )
    later = dt.date(2027, 7, 2)
    b = rate_breakdown(coop=kanaleneiland, category="retail", hourly_client_rate=eur("30.00"), on=later)
    assert b.member_wage == eur("16.10")
    assert Rulebook.for_coop(kanaleneiland).member_wage("retail", on=later) == eur("16.10")
    assert minimum_client_rate(coop=kanaleneiland, category="retail", on=later) > minimum_client_rate(
        coop=kanaleneiland, category="retail", on=DAY
    )


def test_rulebook_on_the_shift_date_counts(kanaleneiland):
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2027, 1, 1),
        changes={"member_wage_hourly": {"default": "16.00"}},
        source=RuleVersion.Source.VOTE,
    )
    assert rate_breakdown(
        coop=kanaleneiland, category="default", hourly_client_rate=eur("25"), on=DAY
    ).member_wage == eur("15.00")
    assert rate_breakdown(
        coop=kanaleneiland, category="default", hourly_client_rate=eur("25"), on=dt.date(2027, 1, 2)
    ).member_wage == eur("16.00")
    table = Rulebook.for_coop(kanaleneiland)
    assert table.member_wage("default", on=dt.date(2027, 1, 2)) == eur("16.00")
    assert table.member_wage("default", on=DAY) == eur("15.00")


@pytest.mark.parametrize("category", ["cleaning", "care", "unknown-falls-back"])
def test_unknown_category_falls_back_to_default(kanaleneiland, category):
    b = rate_breakdown(coop=kanaleneiland, category=category, hourly_client_rate=eur("30"), on=DAY)
    assert b.member_wage >= eur("15.00")
