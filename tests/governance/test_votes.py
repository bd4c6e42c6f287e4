"""Voting: one member one vote, a fixed electorate, changes replace, proxies within the rulebook's maximum."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from coop.governance.exceptions import GovernanceError, NotAllowedToVote, VoteClosed
from coop.governance.models import Elector, Proposal, Proxy, Vote
from coop.governance.selectors import proposal_turnout, vote_current
from coop.governance.services import proposal_close, proxy_grant, vote_cast
from coop.models import AuditEvent
from members.models import Member
from tests.factories import ActiveMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state(proposal):
    return (
        Vote.objects.filter(elector__proposal=proposal).count(),
        Proxy.objects.filter(proposal=proposal).count(),
        AuditEvent.objects.count(),
    )


def test_the_vote_opens_with_every_active_member_as_voter(fund_share_vote, voters):
    assert fund_share_vote.status == Proposal.Status.OPEN
    assert set(Elector.objects.filter(proposal=fund_share_vote).values_list("member_id", flat=True)) == {
        m.pk for m in voters
    }


def test_a_member_votes_and_may_change_the_vote_until_it_closes(fund_share_vote, voters):
    fatima = voters[0]
    first = vote_cast(proposal=fund_share_vote, voter=fatima.user, choice="for", actor=fatima.user)
    second = vote_cast(proposal=fund_share_vote, voter=fatima.user, choice="against", actor=fatima.user)
    assert second.replaces == first
    elector = Elector.objects.get(proposal=fund_share_vote, user=fatima.user)
    assert vote_current(elector) == second
    turnout = proposal_turnout(fund_share_vote)
    assert (turnout.voted, turnout.votes_for, turnout.votes_against) == (1, 0, 1)
    # The history stays: both rows exist, the first is never edited.
    assert Vote.objects.filter(elector=elector).count() == 2


def test_the_database_allows_one_first_vote_per_member(fund_share_vote, voters):
    fatima = voters[0]
    vote_cast(proposal=fund_share_vote, voter=fatima.user, choice="for", actor=fatima.user)
    elector = Elector.objects.get(proposal=fund_share_vote, user=fatima.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(elector=elector, choice="against", via="self", cast_by=fatima.user)


def test_votes_are_never_edited(fund_share_vote, voters):
    vote = vote_cast(proposal=fund_share_vote, voter=voters[0].user, choice="for", actor=voters[0].user)
    vote.choice = "against"
    with pytest.raises(TypeError):
        vote.save()
    with pytest.raises(TypeError):
        Vote.objects.filter(pk=vote.pk).update(choice="against")


def test_voting_after_the_close_is_refused_and_changes_nothing(fund_share_vote, voters):
    Proposal.objects.filter(pk=fund_share_vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    before = _state(fund_share_vote)
    with translation.override("en"), pytest.raises(VoteClosed, match="closed"):
        vote_cast(proposal=fund_share_vote, voter=voters[0].user, choice="for", actor=voters[0].user)
    proposal_close(proposal_id=fund_share_vote.pk)
    with pytest.raises(VoteClosed):
        vote_cast(proposal=fund_share_vote, voter=voters[1].user, choice="for", actor=voters[1].user)
    assert _state(fund_share_vote)[:2] == before[:2]


def test_who_joined_after_the_vote_opened_cannot_vote(fund_share_vote, kanaleneiland):
    newcomer = ActiveMemberFactory(coop=kanaleneiland, user=UserFactory(email="new@example.nl"))
    before = _state(fund_share_vote)
    with pytest.raises(NotAllowedToVote):
        vote_cast(proposal=fund_share_vote, voter=newcomer.user, choice="for", actor=newcomer.user)
    assert _state(fund_share_vote) == before


def test_who_left_during_the_vote_cannot_vote_but_still_counts_for_the_quorum(fund_share_vote, voters):
    leaver = voters[1]
    Member.objects.filter(pk=leaver.pk).update(status=Member.Status.LEFT)
    with pytest.raises(NotAllowedToVote):
        vote_cast(proposal=fund_share_vote, voter=leaver.user, choice="for", actor=leaver.user)
    assert proposal_turnout(fund_share_vote).electorate == len(voters)


def test_a_member_of_another_coop_or_an_outsider_cannot_vote(fund_share_vote, jan, outsider):
    before = _state(fund_share_vote)
    for person in (jan.user, outsider):
        with pytest.raises(NotAllowedToVote):
            vote_cast(proposal=fund_share_vote, voter=person, choice="for", actor=person)
    assert _state(fund_share_vote) == before


def test_voting_for_someone_else_without_a_proxy_is_refused(fund_share_vote, voters):
    before = _state(fund_share_vote)
    with translation.override("en"), pytest.raises(NotAllowedToVote, match="no proxy"):
        vote_cast(proposal=fund_share_vote, voter=voters[1].user, choice="for", actor=voters[0].user)
    assert _state(fund_share_vote) == before


def test_a_proxy_holder_votes_for_the_member_who_gave_it(fund_share_vote, voters):
    giver, holder = voters[1], voters[0]
    proxy_grant(proposal=fund_share_vote, grantor=giver.user, holder=holder.user, actor=giver.user)
    vote = vote_cast(proposal=fund_share_vote, voter=giver.user, choice="for", actor=holder.user)
    assert vote.via == Vote.Via.PROXY
    assert vote.elector.user == giver.user
    event = AuditEvent.objects.filter(action="governance.vote_cast").latest("id")
    assert event.actor == holder.user and event.on_behalf_of == giver.user
    assert "for" not in event.data.values()  # the audit row never says how someone voted


def test_a_holder_cannot_take_more_proxies_than_the_rulebook_allows(fund_share_vote, voters):
    holder = voters[0]
    for giver in voters[1:3]:  # the founding rulebook allows two
        proxy_grant(proposal=fund_share_vote, grantor=giver.user, holder=holder.user, actor=giver.user)
    before = _state(fund_share_vote)
    with translation.override("en"), pytest.raises(GovernanceError, match="the most the rules allow"):
        proxy_grant(proposal=fund_share_vote, grantor=voters[3].user, holder=holder.user, actor=voters[3].user)
    assert _state(fund_share_vote) == before


def test_nobody_gives_a_proxy_in_someone_elses_name(fund_share_vote, voters):
    with pytest.raises(NotAllowedToVote):
        proxy_grant(proposal=fund_share_vote, grantor=voters[1].user, holder=voters[0].user, actor=voters[0].user)


def test_a_coordinator_enters_a_paper_ballot_and_the_history_says_so(fund_share_vote, voters, coordinator):
    vote = vote_cast(proposal=fund_share_vote, voter=voters[2].user, choice="abstain", actor=coordinator, paper=True)
    assert vote.via == Vote.Via.PAPER
    event = AuditEvent.objects.filter(action="governance.vote_cast").latest("id")
    assert event.actor == coordinator and event.on_behalf_of == voters[2].user and event.consent_note


def test_only_a_coordinator_enters_paper_ballots(fund_share_vote, voters, lunetten_coordinator, board_member):
    for actor in (lunetten_coordinator, board_member, voters[0].user):
        with pytest.raises(NotAllowedToVote):
            vote_cast(proposal=fund_share_vote, voter=voters[2].user, choice="for", actor=actor, paper=True)
