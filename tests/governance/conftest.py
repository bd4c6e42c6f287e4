"""Personas for decisions: a few voting members of Kanaleneiland and a second board member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coop.governance.models import Proposal
from coop.governance.services import proposal_create
from members.models import Role
from tests.factories import ActiveMemberFactory, UserFactory, staff_user
from tests.invoicing.factories import approved_hours


@pytest.fixture
def voters(kanaleneiland, fatima):
    """Fatima plus four more active members: five who may vote."""
    others = [
        ActiveMemberFactory(coop=kanaleneiland, user=UserFactory(email=f"voter{i}@example.nl", first_name=f"Voter{i}"))
        for i in range(4)
    ]
    return [fatima, *others]


@pytest.fixture
def second_board_member(kanaleneiland):
    """Mirjam, a second board member (four eyes)."""
    return staff_user(kanaleneiland, Role.Kind.BOARD, email="mirjam@example.nl", first_name="Mirjam")


def start_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def fund_share_vote(kanaleneiland, voters):
    """Fatima proposes to raise the fund's share to 45 %; the vote opens at once (no support needed)."""
    fatima = voters[0]
    return proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.RULE_CHANGE,
        title="More for the neighbourhood fund",
        summary="Raise the fund's share of the margin to 45 %.",
        changes={"fund_share_percent": "45.00"},
        effective_from=start_in(30),
    )


@pytest.fixture
def worked(kanaleneiland, bakery, voters):
    """Approved hours of three members on days in the last three months."""
    today = timezone.localdate()
    return [
        approved_hours(coop=kanaleneiland, business=bakery.business, member=member, day=today - dt.timedelta(days=days))
        for member, days in zip(voters[:3], (10, 40, 70), strict=True)
    ]


def rule_change_with_what_if(coop, member, changes, django_capture_on_commit_callbacks):
    """A rule-change proposal by `member`; its what-if task runs (eagerly) after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return proposal_create(
            coop=coop,
            actor=member.user,
            member=member,
            kind=Proposal.Kind.RULE_CHANGE,
            title="More for the fund and for cleaners",
            summary="Fund 60 %, cleaning EUR 16.",
            changes=changes,
            effective_from=start_in(30),
        )
