"""Decisions of the general meeting: recorded by one board member, confirmed by another."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.governance.exceptions import FourEyesViolation, GovernanceError
from coop.governance.models import (
    GeneralMeetingRecord,
    Proposal,
    Tally,
)
from coop.governance.services.closing import _decide
from coop.governance.services.proposals import _is_board, _new_number, _thresholds, _values
from coop.governance.tally import Count
from coop.models import Cooperative
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.selectors import rule_values
from coop.rulebook.services import rule_change_start_check, rule_changes_check


# --- the general meeting -------------------------------------------------------------------------------
def general_meeting_record(
    *,
    coop: Cooperative,
    actor: Any,
    kind: str,
    title: str,
    summary: str,
    meeting_date: dt.date,
    members_present: int,
    members_represented: int,
    electorate: int,
    votes_for: int,
    votes_against: int,
    minutes: UploadedFile,
    changes: dict[str, Any] | None = None,
    effective_from: dt.date | None = None,
) -> Proposal:
    """A board member records a decision of the general meeting; it waits for a second board member.

    Everyone present or represented who voted neither for nor against counts as blank: they count
    for the quorum, not in the majority.

    Raises GovernanceError (not board, a meeting in the future, counts that do not add up, no
    minutes, a rule change that is invalid or starts in the past).
    """
    if not _is_board(actor, coop):
        raise GovernanceError(_("Only a board member can record a decision of the general meeting."), code="board")
    if meeting_date > timezone.localdate():
        raise GovernanceError({"meeting_date": [_("The meeting cannot be in the future.")]})
    if kind not in (Proposal.Kind.RULE_CHANGE, Proposal.Kind.MOTION):
        raise GovernanceError(_("Record a rule change or a motion."), code="kind")
    if min(members_present, members_represented, votes_for, votes_against, electorate) < 0:
        raise GovernanceError(_("Numbers cannot be negative."), code="counts")
    if votes_for + votes_against > members_present + members_represented:
        raise GovernanceError(_("There are more votes than members present and represented."), code="counts")
    abstentions = members_present + members_represented - votes_for - votes_against
    if members_present + members_represented > electorate:
        raise GovernanceError(_("More members took part than could vote."), code="counts")
    if not minutes:
        raise GovernanceError({"minutes": [_("Attach the minutes of the meeting.")]})
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title or not summary:
        raise GovernanceError(_("Give a title and a short explanation."), code="text")
    version, _values_now = rule_values(coop)
    fields: dict[str, Any] = {}
    if kind == Proposal.Kind.RULE_CHANGE:
        if not changes:
            raise GovernanceError(_("Nothing changed: change at least one value."), code="no_changes")
        if effective_from is None:
            raise GovernanceError({"effective_from": [_("Choose the first day the new rules count.")]})
        try:
            rule_change_start_check(coop=coop, effective_from=effective_from)
        except RulebookError as exc:
            raise GovernanceError({"effective_from": exc.messages}) from exc
        rule_changes_check(coop=coop, changes=changes, effective_from=effective_from)
        fields.update(rule_changes=changes, effective_from=effective_from)
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        proposal = Proposal.objects.create(
            coop=coop,
            number=_new_number(coop),
            kind=kind,
            channel=Proposal.Channel.GENERAL_MEETING,
            body=Proposal.Body.MEMBERS,
            status=Proposal.Status.RECORDED,
            title=title,
            summary=summary,
            created_by=actor,
            rules_version=version,
            **fields,
        )
        record = GeneralMeetingRecord(
            proposal=proposal,
            meeting_date=meeting_date,
            members_present=members_present,
            members_represented=members_represented,
            electorate=electorate,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            recorded_by=actor,
        )
        record.minutes.save(minutes.name or "minutes.pdf", minutes, save=False)
        record.save()
        audit_record(
            actor=actor,
            action="governance.meeting_recorded",
            subject=proposal,
            coop=coop,
            data={
                "meeting_date": meeting_date,
                "present": members_present,
                "represented": members_represented,
                "electorate": electorate,
                "for": votes_for,
                "against": votes_against,
                "abstain": abstentions,
                "changes": changes or {},
            },
        )
    return proposal


def general_meeting_confirm(*, proposal: Proposal, actor: Any) -> Tally:
    """A second board member confirms a recorded meeting decision; it then takes effect like a closed vote.

    Raises FourEyesViolation (the recorder), GovernanceError (not board, not waiting).
    """
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop", "rules_version").get(pk=proposal.pk)
        if proposal.channel != Proposal.Channel.GENERAL_MEETING or proposal.status != Proposal.Status.RECORDED:
            raise GovernanceError(_("This decision is not waiting for confirmation."), code="not_recorded")
        if not _is_board(actor, proposal.coop):
            raise GovernanceError(_("Only a board member can confirm."), code="board")
        record = GeneralMeetingRecord.objects.select_for_update().get(proposal=proposal)
        if record.recorded_by_id == actor.pk:
            raise FourEyesViolation(
                _("You recorded this decision. Another board member must confirm it."), code="four_eyes"
            )
        record.confirmed_by = actor
        record.confirmed_at = timezone.now()
        record.save(update_fields=["confirmed_by", "confirmed_at"])
        quorum, pass_share = _thresholds(proposal, _values(proposal))
        count = Count(
            electorate=record.electorate,
            votes_for=record.votes_for,
            votes_against=record.votes_against,
            abstentions=record.abstentions,
            quorum_percent=quorum,
            pass_percent=pass_share,
        )
        return _decide(proposal, count, actor=actor)
