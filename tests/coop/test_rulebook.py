import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coop.models import AuditEvent
from coop.rulebook.exceptions import NoRuleVersion, RulebookError
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import minimum_wage_get, rule_value, vat_rate_get
from coop.rulebook.services import rule_version_create

pytestmark = pytest.mark.django_db


def test_rule_value_follows_the_version_in_force_on_the_date(kanaleneiland):
    rule_version_create(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 3, 1),
        changes={"fund_share_percent": "50.00"},
        source=RuleVersion.Source.GENERAL_MEETING,
    )
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 2, 28)) == Decimal("40.00")
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 3, 1)) == Decimal("50.00")


def test_new_version_copies_unchanged_values_and_counts_up(kanaleneiland):
    version = rule_version_create(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 3, 1),
        changes={"max_hours_per_week": 32},
        source=RuleVersion.Source.VOTE,
    )
    assert version.number == 2
    assert rule_value(kanaleneiland, "max_hours_per_week", on=dt.date(2026, 3, 1)) == 32
    assert rule_value(kanaleneiland, "payment_term_days", on=dt.date(2026, 3, 1)) == 14
    assert AuditEvent.objects.filter(action="rulebook.version_created", subject_id=str(version.pk)).exists()


def test_no_rule_is_in_force_before_the_first_version(kanaleneiland):
    with pytest.raises(NoRuleVersion):
        rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2020, 1, 1))


def test_coops_have_their_own_rulebooks(kanaleneiland, lunetten):
    rule_version_create(
        coop=lunetten,
        effective_from=dt.date(2026, 3, 1),
        changes={"fund_share_percent": "60.00"},
        source=RuleVersion.Source.VOTE,
    )
    assert rule_value(lunetten, "fund_share_percent", on=dt.date(2026, 3, 1)) == Decimal("60.00")
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 3, 1)) == Decimal("40.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fund_share_percent": "101"}, "fund_share_percent"),
        ({"max_hours_per_week": "0"}, "max_hours_per_week"),
        ({"max_hours_per_week": "12.5"}, "max_hours_per_week"),
        ({"payment_term_days": "soon"}, "payment_term_days"),
    ],
)
def test_value_out_of_bounds_is_refused_and_nothing_is_saved(kanaleneiland, changes, field):
    before = (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        rule_version_create(
            coop=kanaleneiland, effective_from=dt.date(2026, 3, 1), changes=changes, source=RuleVersion.Source.VOTE
        )
    assert field in excinfo.value.message_dict
    assert (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_rule_is_refused(kanaleneiland):
    with pytest.raises(RulebookError):
        rule_version_create(
            coop=kanaleneiland,
            effective_from=dt.date(2026, 3, 1),
            changes={"free_beer": "1"},
            source=RuleVersion.Source.VOTE,
        )


def test_wage_below_statutory_minimum_wage_on_that_date_is_refused(kanaleneiland):
    # EUR 14.50 was above the WML of 14.40 in the second half of 2025, below the 14.71 of 2026.
    ok = rule_version_create(
        coop=kanaleneiland,
        effective_from=dt.date(2025, 8, 1),
        changes={"member_wage_hourly": {"default": "14.50"}},
        source=RuleVersion.Source.VOTE,
    )
    assert ok.number == 2
    with translation.override("en"), pytest.raises(RulebookError, match="minimum wage"):
        rule_version_create(
            coop=kanaleneiland,
            effective_from=dt.date(2026, 1, 1),
            changes={"member_wage_hourly": {"default": "14.50"}},
            source=RuleVersion.Source.VOTE,
        )
    assert RuleVersion.objects.filter(coop=kanaleneiland).count() == 2


def test_new_version_cannot_start_before_the_latest(kanaleneiland):
    rule_version_create(
        coop=kanaleneiland, effective_from=dt.date(2026, 3, 1), changes={}, source=RuleVersion.Source.VOTE
    )
    with pytest.raises(RulebookError):
        rule_version_create(
            coop=kanaleneiland, effective_from=dt.date(2026, 2, 1), changes={}, source=RuleVersion.Source.VOTE
        )


def test_versions_and_values_are_immutable(kanaleneiland):
    version = RuleVersion.objects.get(coop=kanaleneiland)
    value = version.values.first()
    assert value is not None
    version.note = "edited"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        RuleVersion.objects.filter(pk=version.pk).update(note="edited")
    with pytest.raises(TypeError):
        RuleValue.objects.filter(version=version).delete()
    with pytest.raises(TypeError):
        value.save()
    version.refresh_from_db()
    assert version.note != "edited"


def test_legal_tables_give_the_rate_in_force_on_the_date(db):
    assert minimum_wage_get(on=dt.date(2026, 1, 1)).amount == Decimal("14.71")
    assert minimum_wage_get(on=dt.date(2025, 12, 31)).amount == Decimal("14.40")
    assert vat_rate_get("high", on=dt.date(2026, 1, 1)).percent == Decimal("21.00")
