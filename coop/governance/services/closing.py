"""Closing a vote: count, store the tally, apply what passed (a rule version, a promised payout),
tell the voters.

The proposal row lock serialises two closers (two workers, or the beat and a person); the Tally's
one-to-one constraint and the rulebook's locked version counter are the last guards, so closing
twice gives one outcome and at most one rule version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from coop.audit import audit_record
from coop.governance.models import (
    Elector,
    FundPayout,
    Proposal,
    Tally,
    Vote,
)
from coop.governance.selectors import (
    fund_available,
)
from coop.governance.services.proposals import _thresholds, _transition, _values
from coop.governance.tally import Count
from coop.rulebook.models import RuleVersion
from coop.rulebook.services import rule_version_adopt
from members.tasks import email_send_on_commit


# --- closing -------------------------------------------------------------------------------------------
def _count_votes(proposal: Proposal) -> dict[str, int]:
    counts = {choice: 0 for choice in Vote.Choice.values}
    current = Vote.objects.filter(elector__proposal=proposal, replaced_by__isnull=True).values_list("choice", flat=True)
    for choice in current:
        counts[choice] += 1
    return counts


def _effect(proposal: Proposal, tally: Tally, *, actor: Any) -> None:
    """What an adopted proposal changes: a rule version, or a promised fund payout."""
    if proposal.kind == Proposal.Kind.RULE_CHANGE:
        assert proposal.effective_from is not None
        # A decision never counts before it is final: if the start date passed while the vote was
        # still being closed (beat was down), the new rules start today.
        start = max(proposal.effective_from, timezone.localdate())
        rule_version_adopt(
            coop=proposal.coop,
            effective_from=start,
            changes=proposal.rule_changes,
            source=(
                RuleVersion.Source.VOTE
                if proposal.channel == Proposal.Channel.VOTE
                else RuleVersion.Source.GENERAL_MEETING
            ),
            proposal_id=proposal.pk,
            proposal_ref=proposal.reference,
            tally=tally.as_dict(),
            actor=actor,
            note=proposal.title,
        )
    elif proposal.kind == Proposal.Kind.FUND_PAYOUT:
        assert proposal.payout_amount is not None
        payout = FundPayout.objects.create(coop=proposal.coop, proposal=proposal, amount=proposal.payout_amount)
        audit_record(
            actor=actor,
            action="governance.fund_payout_approved",
            subject=payout,
            coop=proposal.coop,
            data={"amount": proposal.payout_amount, "proposal": proposal.reference},
        )


def tally_record(proposal: Proposal, count: Count) -> Tally:
    """Store a proposal's count with the thresholds and rule version that judged it (never edited)."""
    return Tally.objects.create(
        proposal=proposal,
        electorate=count.electorate,
        votes_for=count.votes_for,
        votes_against=count.votes_against,
        abstentions=count.abstentions,
        quorum_percent=count.quorum_percent,
        pass_percent=count.pass_percent,
        quorum_met=count.quorum_met,
        passed=count.passed,
        rules_version=proposal.rules_version,
    )


def _decide(proposal: Proposal, count: Count, *, actor: Any) -> Tally:
    tally = tally_record(proposal, count)
    if (
        count.passed
        and proposal.kind == Proposal.Kind.FUND_PAYOUT
        and proposal.payout_amount is not None
        and proposal.payout_amount > fund_available(proposal.coop, excluding=proposal)
    ):
        # The fund cannot go below zero: money promised meanwhile comes first.
        _transition(proposal, Proposal.Status.REJECTED, actor=actor, data={"tally": tally.as_dict(), "fund": "short"})
        return tally
    _transition(
        proposal,
        Proposal.Status.PASSED if count.passed else Proposal.Status.REJECTED,
        actor=actor,
        data={"tally": tally.as_dict()},
    )
    if count.passed:
        _effect(proposal, tally, actor=actor)
    _outcome_notify(proposal, tally)
    return tally


def proposal_close(*, proposal_id: int, actor: Any = None) -> Tally | None:
    """Close a vote whose time is up: count, store the tally, and apply what passed.

    Idempotent: a closed proposal (or one not yet due) returns its tally or None and changes nothing.
    """
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop", "rules_version").get(pk=proposal_id)
        if proposal.status != Proposal.Status.OPEN:
            return Tally.objects.filter(proposal=proposal).first()
        if proposal.closes_at is None or proposal.closes_at > timezone.now():
            return None
        quorum, pass_share = _thresholds(proposal, _values(proposal))
        counts = _count_votes(proposal)
        count = Count(
            electorate=Elector.objects.filter(proposal=proposal).count(),
            votes_for=counts[Vote.Choice.FOR],
            votes_against=counts[Vote.Choice.AGAINST],
            abstentions=counts[Vote.Choice.ABSTAIN],
            quorum_percent=quorum,
            pass_percent=pass_share,
        )
        return _decide(proposal, count, actor=actor)


def _outcome_notify(proposal: Proposal, tally: Tally) -> None:
    """Tell every voter the outcome (after commit; in the coop's default language)."""
    emails = list(
        Elector.objects.filter(proposal=proposal).exclude(user__email="").values_list("user__email", flat=True)
    )
    if not emails:
        return
    with translation.override("nl"):
        context = {"proposal": proposal, "tally": tally}
        subject = render_to_string("emails/governance/proposal_decided_subject.txt", context).strip()
        body = render_to_string("emails/governance/proposal_decided_body.txt", context)
    for address in emails:
        email_send_on_commit(subject=subject, body=body, to=[address])
