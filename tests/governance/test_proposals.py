"""Making proposals: who may, what is refused, who decides, support before the vote."""

import pytest
from django.utils import translation

from coop.governance.exceptions import GovernanceError
from coop.governance.models import Proposal
from coop.governance.services import proposal_create, proposal_support, proposal_withdraw
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.models import AuditEvent
from coop.money import eur
from coop.rulebook.exceptions import RulebookError
from members.models import Member
from tests.factories import rule_version_decided
from tests.governance.conftest import start_in

pytestmark = pytest.mark.django_db


def _state():
    return (Proposal.objects.count(), AuditEvent.objects.count())


def _rule_change(coop, member, **overrides):
    data = {
        "coop": coop,
        "actor": member.user,
        "member": member,
        "kind": Proposal.Kind.RULE_CHANGE,
        "title": "Change",
        "summary": "Why",
        "changes": {"fund_share_percent": "45.00"},
        "effective_from": start_in(30),
    }
    data.update(overrides)
    return proposal_create(**data)


def _fund(coop, amount):
    """Money in the fund, as an invoice posting would leave it."""
    import datetime as dt

    fund = account_get_or_create(coop=coop, code=AccountCode.FUND)
    bank = account_get_or_create(coop=coop, code=AccountCode.BANK)
    ledger_post(
        coop=coop,
        occurred_on=dt.date(2026, 11, 1),
        description="fund",
        legs=[Leg(account=bank, debit=eur(amount)), Leg(account=fund, credit=eur(amount))],
        actor=None,
    )


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"changes": {"fund_share_percent": "101"}}, "fund_share_percent"),
        ({"changes": {"member_wage_hourly": {"default": "9.00"}}}, "minimum wage"),
        ({"effective_from": start_in(-1)}, "effective_from"),
        ({"effective_from": start_in(5)}, "effective_from"),  # before the vote ends
        ({"changes": {}}, "Nothing changed"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_rule_change_proposals_are_refused_and_nothing_is_stored(kanaleneiland, fatima, overrides, error):
    before = _state()
    with translation.override("en"), pytest.raises((GovernanceError, RulebookError)) as info:
        _rule_change(kanaleneiland, fatima, **overrides)
    assert error in str(info.value.message_dict if hasattr(info.value, "error_dict") else info.value.messages)
    assert _state() == before


def test_a_paused_or_foreign_member_cannot_propose(kanaleneiland, fatima, jan):
    Member.objects.filter(pk=fatima.pk).update(status=Member.Status.PAUSED)
    fatima.refresh_from_db()
    before = _state()
    with pytest.raises(GovernanceError):
        _rule_change(kanaleneiland, fatima)
    with pytest.raises(GovernanceError):
        _rule_change(kanaleneiland, jan)
    assert _state() == before


def test_a_payout_above_the_available_fund_is_refused(kanaleneiland, fatima):
    _fund(kanaleneiland, "300.00")
    before = _state()
    with translation.override("en"), pytest.raises(GovernanceError, match="available"):
        proposal_create(
            coop=kanaleneiland,
            actor=fatima.user,
            member=fatima,
            kind=Proposal.Kind.FUND_PAYOUT,
            title="Party",
            summary="A street party",
            payout_amount=eur("300.01"),
            payout_purpose="Street party",
            beneficiary_name="Bewonersgroep",
            beneficiary_iban="NL91ABNA0417164300",
        )
    assert _state() == before


def test_small_payouts_go_to_the_board_and_large_ones_to_the_members(kanaleneiland, fatima):
    _fund(kanaleneiland, "5000.00")
    common = {
        "coop": kanaleneiland,
        "actor": fatima.user,
        "member": fatima,
        "kind": Proposal.Kind.FUND_PAYOUT,
        "title": "Plants",
        "summary": "Green the flats",
        "payout_purpose": "Plants",
        "beneficiary_name": "Bewonersgroep",
        "beneficiary_iban": "NL91 ABNA 0417 1643 00",
    }
    small = proposal_create(payout_amount=eur("500.00"), **common)  # the founding board limit
    large = proposal_create(payout_amount=eur("500.01"), **common)
    assert small.body == Proposal.Body.BOARD
    assert large.body == Proposal.Body.MEMBERS
    assert small.beneficiary_iban == "NL91ABNA0417164300"


def test_with_a_support_rule_the_vote_opens_after_enough_members_support(kanaleneiland, voters):
    rule_version_decided(coop=kanaleneiland, effective_from=start_in(0), changes={"proposal_signatures_needed": 2})
    fatima = voters[0]
    proposal = _rule_change(kanaleneiland, fatima)
    assert proposal.status == Proposal.Status.SUPPORT
    with pytest.raises(GovernanceError):
        proposal_support(proposal=proposal, member=fatima, actor=fatima.user)  # not their own
    proposal_support(proposal=proposal, member=voters[1], actor=voters[1].user)
    with pytest.raises(GovernanceError):
        proposal_support(proposal=proposal, member=voters[1], actor=voters[1].user)  # not twice
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUPPORT
    proposal_support(proposal=proposal, member=voters[2], actor=voters[2].user)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    assert proposal.electors.count() == len(voters)


def test_the_proposer_withdraws_a_proposal_that_collects_support(fund_share_vote, voters):
    # Also on PostgreSQL: the lock must not reach the (outer-joined) proposer row.
    Proposal.objects.filter(pk=fund_share_vote.pk).update(status=Proposal.Status.SUPPORT)
    fund_share_vote.refresh_from_db()
    proposal_withdraw(proposal=fund_share_vote, actor=voters[0].user)
    fund_share_vote.refresh_from_db()
    assert fund_share_vote.status == Proposal.Status.WITHDRAWN
