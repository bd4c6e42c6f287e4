"""The euro trail: parts sum exactly to the line, none negative, computed with the rules of the work date."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.money import eur, to_decimal
from coop.rulebook.models import RuleVersion
from invoicing.exceptions import EuroTrailError
from invoicing.services.euro_trail import euro_trail_split
from tests.factories import rule_version_decided
from tests.invoicing.factories import approved_hours

cents = st.integers(min_value=1, max_value=20_000).map(lambda c: Decimal(c) / 100)
# Percentages within the rule bounds of definitions.py, to two decimals.
percent = st.integers(min_value=0, max_value=10_000).map(lambda c: Decimal(c) / 100)
quarter_hours = st.integers(min_value=1, max_value=24 * 60).map(lambda m: (Decimal(m) / 60).quantize(Decimal("0.01")))


@settings(max_examples=500, deadline=None)
@given(hours=quarter_hours, wage=cents, cost_pct=percent, fund_pct=percent, extra=cents)
def test_split_sums_exactly_and_no_part_is_negative(hours, wage, cost_pct, fund_pct, extra):
    # A rate the rulebook would accept: at least wage plus employer costs (plus some margin).
    rate = (wage * (1 + cost_pct / 100) + extra).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    trail = euro_trail_split(
        hours=hours,
        hourly_rate=eur(rate),
        wage_hourly=eur(wage),
        employer_cost_percent=cost_pct,
        fund_share_percent=fund_pct,
    )
    parts = [to_decimal(p) for p in trail.parts]
    assert sum(parts) == to_decimal(trail.line_total_net)
    assert all(p >= 0 for p in parts)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    assert trail.member_wage == eur(hours * wage)  # the member's wage is never what gives


def test_rounding_cent_is_absorbed_by_employer_costs_not_the_wage():
    trail = euro_trail_split(
        hours=Decimal("0.02"),
        hourly_rate=eur("22.51"),
        wage_hourly=eur("22.25"),
        employer_cost_percent=Decimal("1.12"),
        fund_share_percent=Decimal(0),
    )
    assert trail.member_wage == eur("0.45") and trail.employer_costs == eur("0.00")
    assert sum(p.amount for p in trail.parts) == trail.line_total_net.amount


def test_remainder_cent_goes_to_operating():
    # margin 1.01, fund 50%: fund 0.51 (half-up) and operating gets the rest 0.50.
    trail = euro_trail_split(
        hours=Decimal(1),
        hourly_rate=eur("14.01"),
        wage_hourly=eur("10.00"),
        employer_cost_percent=Decimal(30),
        fund_share_percent=Decimal(50),
    )
    assert (trail.member_wage, trail.employer_costs) == (eur("10.00"), eur("3.00"))
    assert trail.fund_share + trail.operating_share == eur("1.01")
    assert trail.operating_share == eur("1.01") - trail.fund_share


def test_rate_below_wage_and_costs_is_refused():
    with pytest.raises(EuroTrailError):
        euro_trail_split(
            hours=Decimal(2),
            hourly_rate=eur("12.00"),
            wage_hourly=eur("15.00"),
            employer_cost_percent=Decimal(30),
            fund_share_percent=Decimal(40),
        )


@pytest.mark.django_db
def test_each_line_uses_the_rule_version_in_force_on_its_work_date(
    run_invoices, kanaleneiland, bakery, fatima, books_sound
):
    change_day = dt.date(2026, 3, 4)
    founding = RuleVersion.objects.get(coop=kanaleneiland)
    later = rule_version_decided(
        coop=kanaleneiland,
        effective_from=change_day,
        changes={"fund_share_percent": "60.00"},
        source=RuleVersion.Source.VOTE,
    )
    before = approved_hours(
        coop=kanaleneiland, business=bakery.business, member=fatima, day=change_day - dt.timedelta(days=1)
    )
    after = approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=change_day)

    invoice = run_invoices(kanaleneiland)[0]

    line_before = invoice.lines.get(hour_entry=before)
    line_after = invoice.lines.get(hour_entry=after)
    assert line_before.rule_version == founding and line_after.rule_version == later
    # 4 h x 30 = 120; wage 4 x 15 = 60; costs 30% = 18; margin 42 -> fund 40% = 16.80, 60% = 25.20.
    assert line_before.fund_share == eur("16.80") and line_before.operating_share == eur("25.20")
    assert line_after.fund_share == eur("25.20") and line_after.operating_share == eur("16.80")
    for line in (line_before, line_after):
        assert line.member_wage + line.employer_costs + line.fund_share + line.operating_share == line.line_total_net


@pytest.mark.django_db
def test_rate_that_does_not_cover_costs_leaves_the_business_unbilled_with_a_reason(kanaleneiland, bakery, fatima):
    from invoicing.models import Invoice
    from invoicing.services.invoices import invoice_run_detailed

    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=dt.date(2026, 3, 2), rate="15.00")
    result = invoice_run_detailed(coop=kanaleneiland, until=dt.date(2026, 3, 8))
    assert result.invoices == [] and len(result.failures) == 1
    assert not Invoice.objects.exists()
