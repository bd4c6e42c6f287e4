import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from coop.models import AuditEvent
from coop.rulebook.exceptions import NoRuleVersion, RulebookError
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import (
    minimum_wage_get,
    rule_value,
    rule_version_list,
    rule_version_superseded,
    vat_rate_get,
)
from coop.rulebook.services import rule_version_adopt, rule_version_found
from tests.factories import rule_version_decided

pytestmark = pytest.mark.django_db


def test_rule_value_follows_the_version_in_force_on_the_date(kanaleneiland):
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 3, 1),
        changes={"fund_share_percent": "50.00"},
        source=RuleVersion.Source.GENERAL_MEETING,
    )
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 2, 28)) == Decimal("40.00")
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 3, 1)) == Decimal("50.00")


def test_new_version_copies_unchanged_values_and_counts_up(kanaleneiland):
    version = rule_version_decided(
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
    rule_version_decided(
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
        rule_version_decided(
            coop=kanaleneiland, effective_from=dt.date(2026, 3, 1), changes=changes, source=RuleVersion.Source.VOTE
        )
    assert field in excinfo.value.message_dict
    assert (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_rule_is_refused(kanaleneiland):
    with pytest.raises(RulebookError):
        rule_version_decided(
            coop=kanaleneiland,
            effective_from=dt.date(2026, 3, 1),
            changes={"free_beer": "1"},
            source=RuleVersion.Source.VOTE,
        )


def test_wage_below_statutory_minimum_wage_on_that_date_is_refused(kanaleneiland):
    # EUR 14.50 was above the WML of 14.40 in the second half of 2025, below the 14.71 of 2026.
    ok = rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2025, 8, 1),
        changes={"member_wage_hourly": {"default": "14.50"}},
        source=RuleVersion.Source.VOTE,
    )
    assert ok.number == 2
    with translation.override("en"), pytest.raises(RulebookError, match="minimum wage"):
        rule_version_decided(
            coop=kanaleneiland,
            effective_from=dt.date(2026, 1, 1),
            changes={"member_wage_hourly": {"default": "14.50"}},
            source=RuleVersion.Source.VOTE,
        )
    assert RuleVersion.objects.filter(coop=kanaleneiland).count() == 2


@pytest.fixture
def decision(kanaleneiland):
    """A passed proposal to adopt versions for (the governance tests make them through real votes)."""
    from coop.governance.models import Proposal
    from tests.factories import UserFactory

    return Proposal.objects.create(
        coop=kanaleneiland,
        number=1,
        kind=Proposal.Kind.RULE_CHANGE,
        channel=Proposal.Channel.GENERAL_MEETING,
        body=Proposal.Body.MEMBERS,
        status=Proposal.Status.PASSED,
        title="Fund share",
        summary="More for the fund",
        created_by=UserFactory(),
        rule_changes={"fund_share_percent": "45.00"},
        effective_from=timezone.localdate(),
        rules_version=RuleVersion.objects.get(coop=kanaleneiland),
    )


def _adopt(coop, decision, effective_from, changes=None):
    return rule_version_adopt(
        coop=coop,
        effective_from=effective_from,
        changes=changes or {"fund_share_percent": "45.00"},
        source=RuleVersion.Source.GENERAL_MEETING,
        proposal_id=decision.pk,
        proposal_ref=decision.reference,
        tally={},
        actor=None,
    )


def _books(coop):
    return (
        RuleVersion.objects.filter(coop=coop).count(),
        RuleValue.objects.count(),
        AuditEvent.objects.filter(action="rulebook.version_created").count(),
    )


def test_a_decision_can_start_today(kanaleneiland, decision):
    version = _adopt(kanaleneiland, decision, timezone.localdate())
    assert version.proposal == decision
    assert version.source == RuleVersion.Source.GENERAL_MEETING
    assert rule_value(kanaleneiland, "fund_share_percent") == Decimal("45.00")


@pytest.mark.parametrize("days", [-1, -400])
def test_a_back_dated_version_is_refused_and_nothing_changes(kanaleneiland, decision, days):
    before = _books(kanaleneiland)
    with translation.override("nl"), pytest.raises(RulebookError, match="niet in het verleden"):
        _adopt(kanaleneiland, decision, timezone.localdate() + dt.timedelta(days=days))
    assert _books(kanaleneiland) == before


def test_a_version_dated_9999_is_refused_and_nothing_changes(kanaleneiland, decision):
    before = _books(kanaleneiland)
    with translation.override("en"), pytest.raises(RulebookError, match="at most 365 days ahead"):
        _adopt(kanaleneiland, decision, dt.date(9999, 12, 31))
    assert _books(kanaleneiland) == before


def test_the_horizon_is_a_rule_of_the_coop(kanaleneiland, decision):
    rule_version_decided(
        coop=kanaleneiland, effective_from=dt.date(2026, 1, 1), changes={"rule_change_max_days_ahead": 30}
    )
    with pytest.raises(RulebookError):
        _adopt(kanaleneiland, decision, timezone.localdate() + dt.timedelta(days=31))
    assert _adopt(kanaleneiland, decision, timezone.localdate() + dt.timedelta(days=30)).number == 3


@pytest.mark.parametrize(
    ("source", "with_proposal"),
    [(RuleVersion.Source.FOUNDING, True), (RuleVersion.Source.VOTE, False), ("admin", True)],
)
def test_only_a_decision_adopts_a_version(kanaleneiland, decision, source, with_proposal):
    before = _books(kanaleneiland)
    with pytest.raises(RulebookError):
        rule_version_adopt(
            coop=kanaleneiland,
            effective_from=timezone.localdate(),
            changes={"fund_share_percent": "1.00"},
            source=source,
            proposal_id=decision.pk if with_proposal else 0,
            proposal_ref="",
            tally={},
            actor=None,
        )
    assert _books(kanaleneiland) == before


def test_a_second_founding_is_refused(kanaleneiland):
    before = _books(kanaleneiland)
    with pytest.raises(RulebookError):
        rule_version_found(coop=kanaleneiland, effective_from=dt.date(2026, 1, 1), actor=None)
    assert _books(kanaleneiland) == before


def test_the_database_refuses_a_version_without_a_decision(kanaleneiland):
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleVersion.objects.create(
            coop=kanaleneiland, number=9, effective_from=dt.date(2026, 1, 1), source=RuleVersion.Source.VOTE
        )


def test_a_later_decision_supersedes_a_version_not_yet_in_force(kanaleneiland, decision):
    today = timezone.localdate()
    pending = _adopt(kanaleneiland, decision, today + dt.timedelta(days=60), {"fund_share_percent": "20.00"})
    later = _adopt(kanaleneiland, decision, today + dt.timedelta(days=30), {"max_hours_per_week": 30})
    assert later.number == pending.number + 1
    # From day 30 the later decision counts; the pending one never comes into force, also after day 60.
    for day in (30, 60, 90):
        on = today + dt.timedelta(days=day)
        assert rule_value(kanaleneiland, "max_hours_per_week", on=on) == 30
        assert rule_value(kanaleneiland, "fund_share_percent", on=on) == Decimal("40.00")
    assert rule_version_superseded(rule_version_list(kanaleneiland), pending)
    assert not rule_version_superseded(rule_version_list(kanaleneiland), later)


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
