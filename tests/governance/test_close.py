"""Closing: one outcome, one tally, at most one rule version, by the rules in force when the vote opened."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from coop.governance.models import FundPayout, Proposal, Tally
from coop.governance.services import proposal_close, proposal_create, vote_cast
from coop.governance.tasks import proposals_close_due_task
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import rule_value
from tests.factories import rule_version_decided
from tests.governance.conftest import start_in

pytestmark = pytest.mark.django_db


def _time_up(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))


def _vote(proposal, members, choice):
    for member in members:
        vote_cast(proposal=proposal, voter=member.user, choice=choice, actor=member.user)


def test_a_passed_rule_change_becomes_a_version_linked_to_the_vote(fund_share_vote, voters, kanaleneiland):
    _vote(fund_share_vote, voters[:3], "for")
    _vote(fund_share_vote, voters[3:4], "against")
    _time_up(fund_share_vote)
    tally = proposal_close(proposal_id=fund_share_vote.pk)
    assert tally is not None and tally.passed
    fund_share_vote.refresh_from_db()
    assert fund_share_vote.status == Proposal.Status.PASSED
    version = RuleVersion.objects.get(proposal=fund_share_vote)
    assert version.source == RuleVersion.Source.VOTE
    assert version.effective_from == fund_share_vote.effective_from
    assert version.tally["for"] == 3 and version.tally["electorate"] == 5
    assert rule_value(kanaleneiland, "fund_share_percent", on=start_in(29)) == Decimal("40.00")
    assert rule_value(kanaleneiland, "fund_share_percent", on=start_in(30)) == Decimal("45.00")


def test_closing_twice_gives_one_outcome_and_one_version(fund_share_vote, voters):
    _vote(fund_share_vote, voters[:3], "for")
    _time_up(fund_share_vote)
    first = proposal_close(proposal_id=fund_share_vote.pk)
    second = proposal_close(proposal_id=fund_share_vote.pk)
    assert first == second
    assert Tally.objects.filter(proposal=fund_share_vote).count() == 1
    assert RuleVersion.objects.filter(proposal=fund_share_vote).count() == 1


def test_a_vote_is_not_closed_before_its_time(fund_share_vote, voters):
    _vote(fund_share_vote, voters, "for")
    assert proposal_close(proposal_id=fund_share_vote.pk) is None
    fund_share_vote.refresh_from_db()
    assert fund_share_vote.status == Proposal.Status.OPEN


def test_a_tie_is_rejected_and_changes_no_rule(fund_share_vote, voters):
    _vote(fund_share_vote, voters[:2], "for")
    _vote(fund_share_vote, voters[2:4], "against")
    _time_up(fund_share_vote)
    tally = proposal_close(proposal_id=fund_share_vote.pk)
    assert tally is not None and tally.quorum_met and not tally.passed
    assert not RuleVersion.objects.filter(proposal=fund_share_vote).exists()


def test_without_quorum_nothing_passes(kanaleneiland, voters):
    rule_version_decided(
        coop=kanaleneiland, effective_from=dt.date(2026, 1, 1), changes={"quorum_percent_rule_change": "50.00"}
    )
    fatima = voters[0]
    proposal = proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.RULE_CHANGE,
        title="Fewer hours",
        summary="Max 30 hours",
        changes={"max_hours_per_week": 30},
        effective_from=start_in(40),
    )
    _vote(proposal, voters[:2], "for")  # 2 of 5 = 40 % < 50 %
    _time_up(proposal)
    tally = proposal_close(proposal_id=proposal.pk)
    assert tally is not None and not tally.quorum_met and not tally.passed


def test_a_proposal_is_judged_by_the_rules_in_force_when_it_opened(fund_share_vote, voters, kanaleneiland):
    # A stricter quorum adopted while the vote runs does not apply to it.
    rule_version_decided(
        coop=kanaleneiland, effective_from=timezone.localdate(), changes={"quorum_percent_rule_change": "90.00"}
    )
    _vote(fund_share_vote, voters[:1], "for")
    _time_up(fund_share_vote)
    tally = proposal_close(proposal_id=fund_share_vote.pk)
    assert tally is not None and tally.quorum_percent == Decimal("10.00") and tally.passed


def test_the_beat_task_closes_what_is_due(fund_share_vote, voters):
    _vote(fund_share_vote, voters[:3], "for")
    assert proposals_close_due_task() == 0
    _time_up(fund_share_vote)
    assert proposals_close_due_task() == 1
    assert proposals_close_due_task() == 0


def test_the_outcome_is_mailed_to_every_voter(fund_share_vote, voters, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _vote(fund_share_vote, voters[:3], "for")
    _time_up(fund_share_vote)
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        proposal_close(proposal_id=fund_share_vote.pk)
    assert len(mail.outbox) == len(voters)
    assert "Aangenomen" in mail.outbox[0].subject or "Adopted" in mail.outbox[0].subject


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_closing_at_once_give_one_version(kanaleneiland, voters):
    fatima = voters[0]
    proposal = proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.RULE_CHANGE,
        title="Race",
        summary="Two closers",
        changes={"fund_share_percent": "41.00"},
        effective_from=start_in(30),
    )
    _vote(proposal, voters[:3], "for")
    _time_up(proposal)
    barrier = threading.Barrier(2)
    results = []

    def close():
        try:
            barrier.wait()
            results.append(proposal_close(proposal_id=proposal.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]
    assert Tally.objects.filter(proposal=proposal).count() == 1
    assert RuleVersion.objects.filter(proposal=proposal).count() == 1
    assert not FundPayout.objects.exists()
