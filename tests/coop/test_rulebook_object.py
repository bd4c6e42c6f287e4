"""The one Rulebook object: versions by day, the legal floor built into wages, the law, and a what-if."""

import datetime as dt
from decimal import Decimal

import pytest

from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.rulebook.exceptions import NoRuleVersion
from coop.rulebook.models import RuleValue, RuleVersion
from tests.factories import rule_version_decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_wage(kanaleneiland):
    # EUR 14.50 was above the statutory minimum wage in the second half of 2025, below the 14.71 of 2026.
    return rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2025, 8, 1),
        changes={"member_wage_hourly": {"default": "14.50", "cleaning": "14.50"}},
    )


def test_the_member_wage_never_goes_below_the_statutory_minimum(kanaleneiland, old_wage):
    rules = Rulebook.for_coop(kanaleneiland)
    assert rules.member_wage("default", on=dt.date(2025, 12, 31)) == eur("14.50")
    assert rules.member_wage("default", on=dt.date(2026, 1, 5)) == eur("14.71")


def test_the_earnings_limit_counts_the_legal_floor(kanaleneiland, old_wage, fatima):
    from django.utils import timezone

    from jobs.matching.pair import pair_load
    from tests.jobs.factories import OpenShiftFactory, make_available

    make_available(fatima)
    shift = OpenShiftFactory(job__coop=kanaleneiland, job__category="default")  # four hours
    rules = Rulebook.for_coop(kanaleneiland)
    statutory = rules.minimum_wage(timezone.localdate()).amount
    assert statutory > Decimal("14.50")  # the rule's wage is below the legal floor now
    profile = fatima.profile
    # Four hours at the rule's 14.50 fit under this limit; at the statutory minimum they do not.
    profile.monthly_earnings_cap = eur(4 * statutory - Decimal("0.01"))
    profile.save(update_fields=["monthly_earnings_cap", "monthly_earnings_cap_currency"])
    assert 4 * Decimal("14.50") <= profile.monthly_earnings_cap.amount
    assert pair_load(member=fatima, shift=shift, rules=rules).failed == ["earnings_cap"]


def test_one_load_answers_every_day(kanaleneiland, old_wage, django_assert_num_queries):
    rules = Rulebook.for_coop(kanaleneiland)
    with django_assert_num_queries(4):  # versions, their values, minimum wages, VAT rates
        for month in range(1, 13):
            day = dt.date(2025, month, 15)
            rules.member_wage("default", on=day)
            rules.vat("high", day)
            rules.value("fund_share_percent", on=day)
    assert rules.version(dt.date(2025, 9, 1)) == old_wage


def test_no_rules_before_the_founding_version(kanaleneiland):
    with pytest.raises(NoRuleVersion):
        Rulebook.for_coop(kanaleneiland).values(dt.date(2020, 1, 1))


def test_a_what_if_counts_from_its_start_date_and_writes_nothing(kanaleneiland):
    before = (RuleVersion.objects.count(), RuleValue.objects.count())
    rules = Rulebook.with_changes(
        kanaleneiland,
        changes={"fund_share_percent": "45.00", "member_wage_hourly": {"care": "17.00"}},
        effective_from=dt.date(2027, 1, 1),
    )
    assert rules.value("fund_share_percent", on=dt.date(2026, 12, 31)) == Decimal("40.00")
    assert rules.value("fund_share_percent", on=dt.date(2027, 1, 1)) == Decimal("45.00")
    assert rules.member_wage("care", on=dt.date(2027, 1, 1)) == eur("17.00")
    assert rules.member_wage("retail", on=dt.date(2027, 1, 1)) == eur("15.00")  # other categories kept
    assert (RuleVersion.objects.count(), RuleValue.objects.count()) == before
