"""governance_seed(): a short history of decisions per coop, and one vote open now.

Past decisions are written as real ones leave them (proposal, tally, for a meeting the record
with two board members, the rule version linked to it) but dated in the past, which the live
services refuse on purpose. The open vote goes through the real service, so members can vote in
the demo and the beat closes it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from coop.demo.services.context import SeedContext
from coop.governance.models import FundPayout, GeneralMeetingRecord, Proposal, Tally
from coop.governance.services import proposal_create, proposal_thresholds, tally_record
from coop.governance.tally import Count
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import rule_version_get_in_force
from coop.rulebook.services import _version_write, rule_changes_check
from members.models import Member

# A one-page PDF standing in for the minutes of the demo meeting.
DEMO_MINUTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _past_proposal(ctx: SeedContext, coop: Cooperative, number: int, **fields: object) -> Proposal:
    return Proposal.objects.create(
        coop=coop, number=number, rules_version=RuleVersion.objects.get(coop=coop, number=1), **fields
    )


def _tally(proposal: Proposal, *, electorate: int, votes_for: int, against: int, blank: int) -> Tally:
    quorum, pass_share = proposal_thresholds(proposal)
    return tally_record(proposal, Count(electorate, votes_for, against, blank, quorum, pass_share))


def governance_seed(ctx: SeedContext) -> dict[str, int]:
    """Per coop: a confirmed general-meeting rule change, a decided fund payout, a rejected motion, an open vote."""
    made = 0
    for slug, coop in ctx.coops.items():
        board1, board2 = ctx.staff[f"board1-{slug}"], ctx.staff[f"board2-{slug}"]
        electorate = Member.objects.filter(coop=coop, status__in=[Member.Status.ACTIVE, Member.Status.PAUSED]).count()
        meeting_day = ctx.today - dt.timedelta(days=240)
        closed_at = ctx.at(meeting_day + dt.timedelta(days=10), dt.time(20, 0))

        # 1. The general meeting shortened the voting period and asked more members to take part in spending.
        changes = {"vote_duration_days": 10, "quorum_percent_fund_payout": "10.00"}
        meeting = _past_proposal(
            ctx,
            coop,
            1,
            kind=Proposal.Kind.RULE_CHANGE,
            channel=Proposal.Channel.GENERAL_MEETING,
            body=Proposal.Body.MEMBERS,
            status=Proposal.Status.PASSED,
            title="Kortere stemtermijn, meer leden bij uitgaven uit het wijkfonds",
            summary="De ALV besloot: stemmen duurt voortaan 10 dagen, en voor uitgaven uit het wijkfonds "
            "moet minstens 10 % van de leden meedoen.",
            created_by=board1,
            rule_changes=changes,
            effective_from=meeting_day + dt.timedelta(days=14),
            closed_at=closed_at,
        )
        present, represented, votes_for, against = 31, 6, 29, 5
        record = GeneralMeetingRecord(
            proposal=meeting,
            meeting_date=meeting_day,
            members_present=present,
            members_represented=represented,
            electorate=max(electorate, present + represented),
            votes_for=votes_for,
            votes_against=against,
            abstentions=present + represented - votes_for - against,
            recorded_by=board1,
            confirmed_by=board2,
            confirmed_at=closed_at,
        )
        record.minutes.save("notulen.pdf", ContentFile(DEMO_MINUTES), save=False)
        record.save()
        tally = _tally(
            meeting,
            electorate=record.electorate,
            votes_for=votes_for,
            against=against,
            blank=record.abstentions,
        )
        assert meeting.effective_from is not None
        _version_write(
            coop=coop,
            effective_from=meeting.effective_from,
            parsed=rule_changes_check(coop=coop, changes=changes, effective_from=meeting.effective_from),
            changed_keys=set(changes),
            source=RuleVersion.Source.GENERAL_MEETING,
            actor=board2,
            note=meeting.title,
            proposal_id=meeting.pk,
            proposal_ref=meeting.reference,
            tally=tally.as_dict(),
            old={},
        )

        # 2. The board paid for the neighbourhood party from the fund (below its limit).
        party = _past_proposal(
            ctx,
            coop,
            2,
            kind=Proposal.Kind.FUND_PAYOUT,
            channel=Proposal.Channel.VOTE,
            body=Proposal.Body.BOARD,
            status=Proposal.Status.PASSED,
            title="Buurtfeest op het plein",
            summary="Tafels, een tent en limonade voor het buurtfeest in september.",
            created_by=ctx.staff["member"] if slug == "kanaleneiland" else board1,
            payout_amount=eur("350.00"),
            payout_purpose="Buurtfeest: tent, tafels en drinken",
            beneficiary_name="Bewonerscommissie " + coop.name,
            beneficiary_iban="NL91ABNA0417164300",
            opened_at=ctx.at(ctx.today - dt.timedelta(days=100), dt.time(9, 0)),
            closes_at=ctx.at(ctx.today - dt.timedelta(days=90), dt.time(9, 0)),
            closed_at=ctx.at(ctx.today - dt.timedelta(days=90), dt.time(9, 5)),
        )
        _tally(party, electorate=2, votes_for=2, against=0, blank=0)
        FundPayout.objects.create(coop=coop, proposal=party, amount=eur("350.00"))

        # 3. A motion the members voted down.
        motion = _past_proposal(
            ctx,
            coop,
            3,
            kind=Proposal.Kind.MOTION,
            channel=Proposal.Channel.VOTE,
            body=Proposal.Body.MEMBERS,
            status=Proposal.Status.REJECTED,
            title="Servicepunt ook op zaterdag open",
            summary="Het servicepunt gaat ook op zaterdagochtend open.",
            created_by=board1,
            opened_at=ctx.at(ctx.today - dt.timedelta(days=60), dt.time(9, 0)),
            closes_at=ctx.at(ctx.today - dt.timedelta(days=50), dt.time(9, 0)),
            closed_at=ctx.at(ctx.today - dt.timedelta(days=50), dt.time(9, 5)),
        )
        blank = max(electorate // 10, 1)
        _tally(motion, electorate=max(electorate, 40), votes_for=11, against=14, blank=blank)

        # 4. Open now: the board proposes a larger share for the fund (members vote in the demo).
        in_force = rule_version_get_in_force(coop, on=ctx.today)
        vote_days = int(in_force.values.get(key="vote_duration_days").value)
        proposal_create(
            coop=coop,
            actor=board1,
            member=None,
            kind=Proposal.Kind.RULE_CHANGE,
            title="Meer geld naar het wijkfonds",
            summary="Het wijkfonds krijgt 45 % van de marge in plaats van 40 %. Zo kunnen we meer "
            "buurtinitiatieven betalen.",
            changes={"fund_share_percent": str(Decimal("45.00"))},
            effective_from=ctx.today + dt.timedelta(days=vote_days + 21),
        )
        made += 4
    return {"proposals": made}
