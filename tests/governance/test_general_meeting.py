"""A general-meeting decision: recorded by one board member, confirmed by another, then it counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from coop.governance.exceptions import FourEyesViolation, GovernanceError
from coop.governance.models import GeneralMeetingRecord, Proposal, Tally
from coop.governance.services import general_meeting_confirm, general_meeting_record
from coop.models import AuditEvent
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import rule_value
from tests.governance.conftest import start_in

pytestmark = pytest.mark.django_db

MINUTES = b"%PDF-1.4\n% minutes of the ALV\n"


def _record(coop, actor, **overrides):
    data = {
        "coop": coop,
        "actor": actor,
        "kind": Proposal.Kind.RULE_CHANGE,
        "title": "Fund share 45 %",
        "summary": "Decided at the ALV of last week.",
        "meeting_date": timezone.localdate() - dt.timedelta(days=7),
        "members_present": 30,
        "members_represented": 5,
        "electorate": 180,
        "votes_for": 25,
        "votes_against": 8,
        "minutes": SimpleUploadedFile("minutes.pdf", MINUTES, content_type="application/pdf"),
        "changes": {"fund_share_percent": "45.00"},
        "effective_from": start_in(14),
    }
    data.update(overrides)
    return general_meeting_record(**data)


def _state():
    return (
        Proposal.objects.count(),
        GeneralMeetingRecord.objects.count(),
        Tally.objects.count(),
        RuleVersion.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_confirmed_meeting_decision_becomes_a_rule_version(kanaleneiland, board_member, second_board_member):
    proposal = _record(kanaleneiland, board_member)
    assert proposal.status == Proposal.Status.RECORDED
    assert not RuleVersion.objects.filter(proposal=proposal).exists()  # not before the second pair of eyes
    tally = general_meeting_confirm(proposal=proposal, actor=second_board_member)
    # Everyone present or represented who voted neither way counts as blank (35 - 25 - 8 = 2).
    assert (tally.votes_for, tally.votes_against, tally.abstentions, tally.electorate) == (25, 8, 2, 180)
    assert tally.passed
    version = RuleVersion.objects.get(proposal=proposal)
    assert version.source == RuleVersion.Source.GENERAL_MEETING  # derived from the record, never typed
    assert rule_value(kanaleneiland, "fund_share_percent", on=start_in(14)) == Decimal("45.00")
    record = GeneralMeetingRecord.objects.get(proposal=proposal)
    assert record.confirmed_by == second_board_member
    assert record.minutes.read().startswith(b"%PDF-")


def test_the_recorder_cannot_confirm_their_own_record(kanaleneiland, board_member):
    proposal = _record(kanaleneiland, board_member)
    before = _state()
    with translation.override("en"), pytest.raises(FourEyesViolation, match="Another board member"):
        general_meeting_confirm(proposal=proposal, actor=board_member)
    assert _state() == before
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECORDED


def test_the_database_holds_the_four_eyes_too(kanaleneiland, board_member):
    proposal = _record(kanaleneiland, board_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneralMeetingRecord.objects.filter(proposal=proposal).update(confirmed_by=board_member)


def test_a_coordinator_or_member_cannot_record_or_confirm(kanaleneiland, coordinator, fatima, board_member):
    before = _state()
    for actor in (coordinator, fatima.user):
        with pytest.raises(GovernanceError):
            _record(kanaleneiland, actor)
    assert _state() == before
    proposal = _record(kanaleneiland, board_member)
    with pytest.raises(GovernanceError):
        general_meeting_confirm(proposal=proposal, actor=coordinator)


def test_confirming_twice_changes_nothing_more(kanaleneiland, board_member, second_board_member):
    proposal = _record(kanaleneiland, board_member)
    general_meeting_confirm(proposal=proposal, actor=second_board_member)
    before = _state()
    with pytest.raises(GovernanceError):
        general_meeting_confirm(proposal=proposal, actor=second_board_member)
    assert _state() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"meeting_date": timezone.localdate() + dt.timedelta(days=1)},  # a meeting in the future
        {"votes_for": 40},  # more votes than people present and represented
        {"members_present": 200},  # more present than could vote
        {"effective_from": timezone.localdate() - dt.timedelta(days=1)},  # back-dated
        {"effective_from": dt.date(9999, 12, 31)},  # frozen rules
        {"changes": {"fund_share_percent": "101"}},  # out of bounds
        {"changes": {"member_wage_hourly": {"default": "9.00"}}},  # below the statutory minimum wage
        {"changes": {}},  # nothing changes
        {"minutes": None},
    ],
)
def test_bad_meeting_records_are_refused_and_nothing_is_stored(kanaleneiland, board_member, overrides):
    before = _state()
    with pytest.raises(ValidationError):  # GovernanceError or RulebookError, both ValidationErrors
        _record(kanaleneiland, board_member, **overrides)
    assert _state() == before


def test_a_rejected_meeting_decision_changes_no_rule(kanaleneiland, board_member, second_board_member):
    proposal = _record(kanaleneiland, board_member, votes_for=10, votes_against=10)
    tally = general_meeting_confirm(proposal=proposal, actor=second_board_member)
    assert not tally.passed
    assert not RuleVersion.objects.filter(proposal=proposal).exists()
