"""Writes about decisions, split by subject (STYLE 1); import them from here."""

from coop.governance.services.closing import proposal_close, tally_record
from coop.governance.services.committee import committee_draw_announce, committee_draw_perform, committee_volunteer
from coop.governance.services.documents import documents_check, proposal_documents_add
from coop.governance.services.fund import fund_payout_batch_prepare
from coop.governance.services.meetings import general_meeting_confirm, general_meeting_record
from coop.governance.services.proposals import (
    VOTING_STATUSES,
    proposal_create,
    proposal_rules,
    proposal_support,
    proposal_thresholds,
    proposal_withdraw,
)
from coop.governance.services.votes import proxy_grant, vote_cast, vote_reminders_send

__all__ = [
    "VOTING_STATUSES",
    "committee_draw_announce",
    "committee_draw_perform",
    "committee_volunteer",
    "documents_check",
    "fund_payout_batch_prepare",
    "general_meeting_confirm",
    "general_meeting_record",
    "proposal_close",
    "proposal_create",
    "proposal_documents_add",
    "proposal_rules",
    "proposal_support",
    "proposal_thresholds",
    "proposal_withdraw",
    "proxy_grant",
    "tally_record",
    "vote_cast",
    "vote_reminders_send",
]
