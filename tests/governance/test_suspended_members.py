"""A suspended member (set by the board, with a reason) does not vote, give or hold a proxy, propose,
support, or get work; a paused member still votes, one who left does not. Each refusal is translated and
changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from coop.governance.exceptions import NotAllowedToVote
from coop.governance.models import Proposal, Proxy, Support, Vote
from coop.governance.services import proposal_create, proposal_support, proxy_grant, vote_cast
from coop.models import AuditEvent
from jobs.matching.services import matching_round_run
from jobs.models import Assignment, MatchingRound, Offer
from jobs.services.assignments import assignment_create_by_coordinator
from jobs.services.offers import offer_accept
from members.exceptions import MembershipError, TransitionNotAllowedError
from members.models import Member
from members.selectors import AuditContext
from members.services import member_leave, member_pause, member_resume, member_suspend, member_unsuspend
from tests.factories import rule_version_decided
from tests.governance.conftest import start_in
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PendingOfferFactory, make_available

pytestmark = pytest.mark.django_db

SUSPENDED = (
    "Your membership is suspended by the board. While it is suspended you cannot vote, give or hold a proxy, "
    "or make or support a proposal."
)


def _english(exc):
    with translation.override("en"):
        return [str(m) for m in exc.value.messages]


def _suspend(board_member, member):
    return member_suspend(ctx=AuditContext.for_user(board_member), member=member, reason="Unpaid debts to the coop")


def _state():
    return (
        Vote.objects.count(),
        Proxy.objects.count(),
        Support.objects.count(),
        Proposal.objects.count(),
        Offer.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_board_suspends_with_a_reason_and_lifts_it_and_both_are_audited(board_member, fatima):
    _suspend(board_member, fatima)
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.SUSPENDED and fatima.suspension_reason == "Unpaid debts to the coop"
    member_unsuspend(ctx=AuditContext.for_user(board_member), member=fatima, reason="Paid")
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE and fatima.suspension_reason == ""
    rows = AuditEvent.objects.filter(action__in=["member.suspended", "member.unsuspended"]).order_by("pk")
    assert [(r.data["old"], r.data["new"]) for r in rows] == [("active", "suspended"), ("suspended", "active")]
    assert rows[0].actor == board_member


def test_a_suspended_member_can_be_made_to_leave(board_member, fatima):
    _suspend(board_member, fatima)
    member_leave(ctx=AuditContext.for_user(board_member), member=fatima, reason="expelled")
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.LEFT


def test_suspension_needs_a_reason_the_board_and_an_active_member(board_member, coordinator, fatima):
    before = _state()
    with translation.override("en"), pytest.raises(MembershipError) as exc:
        member_suspend(ctx=AuditContext.for_user(board_member), member=fatima, reason="  ")
    assert exc.value.messages == ["Please give a reason."]
    with translation.override("en"), pytest.raises(MembershipError) as exc:
        member_suspend(ctx=AuditContext.for_user(coordinator), member=fatima, reason="x")
    assert exc.value.messages == ["Only the board of this coop can suspend a member or lift a suspension."]
    assert _state() == before
    member_pause(ctx=AuditContext.system(), member=fatima)
    before = _state()
    with pytest.raises(TransitionNotAllowedError):
        _suspend(board_member, fatima)  # paused -> suspended is not in the map: resume first
    assert _state() == before


def test_a_suspended_member_cannot_lift_it_themselves(board_member, fatima):
    _suspend(board_member, fatima)
    with translation.override("en"), pytest.raises(TransitionNotAllowedError) as exc:
        member_resume(ctx=AuditContext.for_user(fatima.user), member=fatima)
    assert exc.value.messages == ["Only a paused membership can start again."]
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.SUSPENDED


def test_a_suspended_member_does_not_vote(board_member, fund_share_vote, voters):
    member = voters[1]
    _suspend(board_member, member)
    before = _state()
    with pytest.raises(NotAllowedToVote) as exc:
        vote_cast(proposal=fund_share_vote, voter=member.user, choice="for", actor=member.user)
    assert _english(exc) == [SUSPENDED] and exc.value.code == "suspended"
    assert _state() == before


def test_a_paused_member_still_votes_and_one_who_left_does_not(fund_share_vote, voters):
    paused, left = voters[1], voters[2]
    member_pause(ctx=AuditContext.system(), member=paused)
    vote_cast(proposal=fund_share_vote, voter=paused.user, choice="for", actor=paused.user)
    member_leave(ctx=AuditContext.system(), member=left)
    before = _state()
    with pytest.raises(NotAllowedToVote):
        vote_cast(proposal=fund_share_vote, voter=left.user, choice="for", actor=left.user)
    assert _state() == before


def test_a_suspended_member_neither_gives_nor_holds_a_proxy(board_member, fund_share_vote, voters):
    suspended, other = voters[1], voters[2]
    _suspend(board_member, suspended)
    before = _state()
    with pytest.raises(NotAllowedToVote) as exc:
        proxy_grant(proposal=fund_share_vote, grantor=suspended.user, holder=other.user, actor=suspended.user)
    assert _english(exc) == [SUSPENDED]
    with pytest.raises(NotAllowedToVote):
        proxy_grant(proposal=fund_share_vote, grantor=other.user, holder=suspended.user, actor=other.user)
    assert _state() == before


def test_a_suspended_member_does_not_propose(board_member, kanaleneiland, fatima):
    _suspend(board_member, fatima)
    fatima.refresh_from_db()
    before = _state()
    with pytest.raises(NotAllowedToVote) as exc:
        proposal_create(
            coop=kanaleneiland,
            actor=fatima.user,
            member=fatima,
            kind=Proposal.Kind.MOTION,
            title="A bench",
            summary="A bench in the park.",
        )
    assert _english(exc) == [SUSPENDED]
    assert _state() == before


def test_a_suspended_member_does_not_support_a_proposal(board_member, kanaleneiland, voters):
    rule_version_decided(coop=kanaleneiland, effective_from=start_in(0), changes={"proposal_signatures_needed": 2})
    proposal = proposal_create(
        coop=kanaleneiland,
        actor=voters[0].user,
        member=voters[0],
        kind=Proposal.Kind.MOTION,
        title="A bench",
        summary="A bench in the park.",
    )
    supporter = voters[1]
    _suspend(board_member, supporter)
    supporter.refresh_from_db()
    before = _state()
    with pytest.raises(NotAllowedToVote) as exc:
        proposal_support(proposal=proposal, member=supporter, actor=supporter.user)
    assert _english(exc) == [SUSPENDED]
    assert _state() == before


def test_a_suspended_member_is_not_offered_work(board_member, kanaleneiland, bakery, fatima):
    make_available(fatima)
    OpenShiftFactory(job=OpenJobFactory(coop=kanaleneiland, business=bakery.business))
    _suspend(board_member, fatima)
    matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.MANUAL)
    assert not Offer.objects.filter(member=fatima).exists()
    member_unsuspend(ctx=AuditContext.for_user(board_member), member=fatima, reason="ok")
    matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.MANUAL)
    assert Offer.objects.filter(member=fatima).exists()  # the same member, active again, is offered it


def test_a_suspended_member_cannot_accept_or_be_assigned_work(board_member, coordinator, kanaleneiland, bakery, fatima):
    make_available(fatima)
    shift = OpenShiftFactory(job=OpenJobFactory(coop=kanaleneiland, business=bakery.business))
    offer = PendingOfferFactory(shift=shift, member=fatima)
    Member.objects.filter(pk=fatima.pk).update(status=Member.Status.SUSPENDED)  # offer made before the suspension
    before = _state()
    with pytest.raises(ValidationError):
        offer_accept(offer_id=offer.pk, member=fatima, actor=fatima.user)
    with pytest.raises(ValidationError):
        assignment_create_by_coordinator(actor=coordinator, shift_id=shift.pk, member_id=fatima.pk, reason="helps")
    assert _state() == before


def test_status_lists_and_pages_know_the_suspended_status(client, board_member, coordinator, fatima):
    _suspend(board_member, fatima)
    client.force_login(coordinator)
    listing = client.get(reverse("office_member_list"), {"status": "suspended"}, HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200 and fatima.full_name in listing.content.decode()
    detail = client.get(reverse("office_member_detail", args=[fatima.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Unpaid debts to the coop" in detail.content.decode()
    client.force_login(fatima.user)
    home = client.get(reverse("member_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "The board has suspended your membership." in home.content.decode()


def test_the_board_suspends_on_the_member_page(client, board_member, fatima):
    client.force_login(board_member)
    url = reverse("office_member_status", args=[fatima.pk])
    client.post(url, {"action": "suspend", "reason": "Threatened a client"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.SUSPENDED
    client.post(url, {"action": "unsuspend", "reason": "Talked it through"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE
