"""Writes about decisions: proposals, support, opening, votes, proxies, closing, general-meeting records.

Every write locks the PROPOSAL row first and re-reads its status under that lock: a vote racing
the close, two workers closing the same vote, or two board members confirming the same meeting
record at once serialise there, and the loser sees the new status. The Tally's one-to-one
constraint and the rulebook's locked version counter are the last guards, so closing twice gives
one outcome and at most one rule version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.governance.exceptions import FourEyesViolation, GovernanceError, NotAllowedToVote, VoteClosed
from coop.governance.lottery import draw_seed, draw_winners
from coop.governance.models import (
    CommitteeDraw,
    CommitteeVolunteer,
    Elector,
    FundPayout,
    GeneralMeetingRecord,
    Proposal,
    Proxy,
    Support,
    Tally,
    Vote,
)
from coop.governance.selectors import (
    committee_in_office,
    elector_get,
    fund_available,
    fund_payouts_to_pay,
    proposal_count,
    proxies_held_count,
    vote_current,
)
from coop.governance.tally import Count
from coop.governance.whatif import what_if_queue
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import rule_values, rule_version_values
from coop.rulebook.services import rule_change_start_check, rule_changes_check, rule_version_adopt
from invoicing.models import PayoutBatch
from invoicing.payments.exceptions import PayoutError
from invoicing.payments.payouts import PayoutLine, payout_batch_prepare
from invoicing.sepa import SepaError, iban_normalize
from members.models import Member, Role
from members.selectors import coop_ids_for_role
from members.tasks import email_send_on_commit

VOTING_STATUSES = (Member.Status.ACTIVE, Member.Status.PAUSED)


# --- helpers that read the rules a proposal is judged by --------------------------------------------
def _values(proposal: Proposal) -> dict[str, Any]:
    return rule_version_values(proposal.rules_version)


def _thresholds(proposal: Proposal, values: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(quorum %, pass %) for this proposal, from the rules in force when it was made."""
    if proposal.body in (Proposal.Body.BOARD, Proposal.Body.COMMITTEE):
        return values["quorum_percent_board"], values["pass_percent_fund_payout"]
    key = {
        Proposal.Kind.RULE_CHANGE: "rule_change",
        Proposal.Kind.FUND_PAYOUT: "fund_payout",
        Proposal.Kind.MOTION: "motion",
    }[Proposal.Kind(proposal.kind)]
    return values[f"quorum_percent_{key}"], values[f"pass_percent_{key}"]


def proposal_thresholds(proposal: Proposal) -> tuple[Decimal, Decimal]:
    """(quorum %, pass %) that judge this proposal: the rules in force when it was made."""
    return _thresholds(proposal, _values(proposal))


def _transition(proposal: Proposal, new: str, *, actor: Any, data: dict[str, Any] | None = None) -> None:
    old = proposal.status
    if new not in Proposal.TRANSITIONS[old]:
        raise GovernanceError(
            _("This proposal is %(status)s and cannot change like this.") % {"status": proposal.get_status_display()},
            code="bad_transition",
        )
    proposal.status = new
    fields = ["status"]
    if new in Proposal.FINAL:
        proposal.closed_at = timezone.now()
        fields.append("closed_at")
    proposal.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"governance.proposal_{new}",
        subject=proposal,
        coop=proposal.coop,
        data={"old": old, "new": new, **(data or {})},
    )


def _is_board(user: Any, coop: Cooperative) -> bool:
    return coop.pk in coop_ids_for_role(user, Role.Kind.BOARD)


def _voting_member(coop: Cooperative, member: Member | None) -> Member:
    if member is None or member.coop_id != coop.pk or member.status not in VOTING_STATUSES:
        raise NotAllowedToVote(_("Only members of this coop can do this."), code="not_member")
    return member


def _body_for_payout(coop: Cooperative, amount: Money, values: dict[str, Any]) -> str:
    """Who decides a payout: the committee drawn by lot up to its limit (while one serves), the board
    up to its limit, the members above it."""
    if amount.amount <= values["committee_payout_limit"] and committee_in_office(coop) is not None:
        return Proposal.Body.COMMITTEE
    return Proposal.Body.BOARD if amount.amount <= values["board_payout_limit"] else Proposal.Body.MEMBERS


def _new_number(coop: Cooperative) -> int:
    # Called under the coop row lock.
    return (Proposal.objects.filter(coop=coop).aggregate(n=Max("number"))["n"] or 0) + 1


# --- making a proposal ---------------------------------------------------------------------------------
def proposal_create(
    *,
    coop: Cooperative,
    actor: Any,
    member: Member | None,
    kind: str,
    title: str,
    summary: str,
    changes: dict[str, Any] | None = None,
    effective_from: dt.date | None = None,
    payout_amount: Money | None = None,
    payout_purpose: str = "",
    beneficiary_name: str = "",
    beneficiary_iban: str = "",
    hide_results: bool = False,
) -> Proposal:
    """Make a proposal of a member (or of the board, `member` None and `actor` a board member).

    A board proposal, or one that needs no support, opens for voting at once. Raises
    GovernanceError / RulebookError / ValidationError for a suspended or foreign member, a rule value
    out of bounds or below the law, a start date in the past, or a payout above the available fund.
    """
    title = (title or "").strip()
    summary = (summary or "").strip()
    if not title:
        raise GovernanceError({"title": [_("Give the proposal a short title.")]})
    if not summary:
        raise GovernanceError({"summary": [_("Explain in a few sentences what you propose and why.")]})
    if member is not None:
        _voting_member(coop, member)
        if member.status != Member.Status.ACTIVE:
            raise GovernanceError(_("Your membership is paused. Resume it to make a proposal."), code="paused")
    elif not _is_board(actor, coop):
        raise GovernanceError(_("Only members and the board can make a proposal."), code="not_allowed")
    version, values = rule_values(coop)
    fields: dict[str, Any] = {}
    body: str = Proposal.Body.MEMBERS
    if kind == Proposal.Kind.RULE_CHANGE:
        if not changes:
            raise GovernanceError(_("Nothing changed: change at least one value."), code="no_changes")
        if effective_from is None:
            raise GovernanceError({"effective_from": [_("Choose the first day the new rules count.")]})
        closes_on = timezone.localdate() + dt.timedelta(days=values["vote_duration_days"])
        if effective_from <= closes_on:
            raise GovernanceError(
                {
                    "effective_from": [
                        _("The vote runs until %(day)s. Choose a start date after that.") % {"day": closes_on}
                    ]
                }
            )
        try:
            rule_change_start_check(coop=coop, effective_from=effective_from)
        except RulebookError as exc:
            raise GovernanceError({"effective_from": exc.messages}) from exc
        rule_changes_check(coop=coop, changes=changes, effective_from=effective_from)
        fields.update(rule_changes=changes, effective_from=effective_from)
    elif kind == Proposal.Kind.FUND_PAYOUT:
        if payout_amount is None or payout_amount.amount <= 0:
            raise GovernanceError({"payout_amount": [_("Enter an amount above zero.")]})
        payout_amount = eur(payout_amount.amount)
        available = fund_available(coop)
        if payout_amount > available:
            raise GovernanceError(
                {
                    "payout_amount": [
                        _("The fund has %(available)s available (after what is already promised). Ask for less.")
                        % {"available": available}
                    ]
                }
            )
        if not (beneficiary_name.strip() and beneficiary_iban.strip() and payout_purpose.strip()):
            raise GovernanceError(_("Say who gets the money, their IBAN and what it is for."), code="payee")
        try:
            beneficiary_iban = iban_normalize(beneficiary_iban)
        except SepaError as exc:
            raise GovernanceError({"beneficiary_iban": [_("This IBAN is not valid.")]}) from exc
        body = _body_for_payout(coop, payout_amount, values)
        fields.update(
            payout_amount=payout_amount,
            payout_purpose=payout_purpose.strip(),
            beneficiary_name=beneficiary_name.strip(),
            beneficiary_iban=beneficiary_iban,
        )
    elif kind != Proposal.Kind.MOTION:
        raise GovernanceError(_("Choose what kind of proposal this is."), code="kind")
    support_needed = values["proposal_signatures_needed"] if member is not None else 0
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        proposal = Proposal.objects.create(
            coop=coop,
            number=_new_number(coop),
            kind=kind,
            channel=Proposal.Channel.VOTE,
            body=body,
            status=Proposal.Status.SUPPORT,
            title=title,
            summary=summary,
            proposed_by=member,
            created_by=actor,
            hide_results=hide_results,
            support_needed=support_needed,
            rules_version=version,
            **fields,
        )
        audit_record(
            actor=actor,
            action="governance.proposal_created",
            subject=proposal,
            coop=coop,
            on_behalf_of=member.user if member is not None and member.user_id != actor.pk else None,
            data={"kind": kind, "body": body, "changes": changes or {}, "rules_version": version.number},
        )
        if support_needed == 0:
            _open_locked(proposal, actor=actor)
        what_if_queue(proposal=proposal)
    return proposal


def proposal_support(*, proposal: Proposal, member: Member, actor: Any) -> Proposal:
    """A member supports a proposal; with enough support it opens. Raises GovernanceError."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)
        _voting_member(proposal.coop, member)
        if proposal.status != Proposal.Status.SUPPORT:
            raise GovernanceError(_("This proposal is not collecting support."), code="not_collecting")
        if proposal.proposed_by_id == member.pk:
            raise GovernanceError(_("You made this proposal; others give it support."), code="own")
        if Support.objects.filter(proposal=proposal, member=member).exists():
            raise GovernanceError(_("You already support this proposal."), code="twice")
        Support.objects.create(proposal=proposal, member=member)
        audit_record(actor=actor, action="governance.proposal_supported", subject=proposal, coop=proposal.coop)
        if Support.objects.filter(proposal=proposal).count() >= proposal.support_needed:
            _open_locked(proposal, actor=actor)
    return proposal


def _electorate(proposal: Proposal) -> list[tuple[int, int | None]]:
    """(user id, member id) of everyone who may vote, as of now."""
    if proposal.body == Proposal.Body.MEMBERS:
        return list(
            Member.objects.filter(coop=proposal.coop, status__in=VOTING_STATUSES)
            .order_by("pk")
            .values_list("user_id", "pk")
        )
    if proposal.body == Proposal.Body.COMMITTEE:
        committee = committee_in_office(proposal.coop)
        numbers = committee.drawn_numbers if committee is not None else []
        return list(
            Member.objects.filter(coop=proposal.coop, member_number__in=numbers, status__in=VOTING_STATUSES)
            .order_by("pk")
            .values_list("user_id", "pk")
        )
    board = Role.objects.filter(coop=proposal.coop, kind=Role.Kind.BOARD).order_by("user_id")
    members = dict(Member.objects.filter(coop=proposal.coop).values_list("user_id", "pk"))
    return [(user_id, members.get(user_id)) for user_id in board.values_list("user_id", flat=True).distinct()]


def _open_locked(proposal: Proposal, *, actor: Any) -> None:
    values = _values(proposal)
    now = timezone.now()
    proposal.opened_at = now
    proposal.closes_at = now + dt.timedelta(days=values["vote_duration_days"])
    proposal.save(update_fields=["opened_at", "closes_at"])
    electors = _electorate(proposal)
    Elector.objects.bulk_create(Elector(proposal=proposal, user_id=u, member_id=m) for u, m in electors)
    _transition(proposal, Proposal.Status.OPEN, actor=actor, data={"electorate": len(electors)})


# --- voting --------------------------------------------------------------------------------------------
def _vote_open_locked(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.OPEN or proposal.closes_at is None or proposal.closes_at <= timezone.now():
        raise VoteClosed(_("This vote is closed."), code="closed")


def _elector_still_member(elector: Elector) -> None:
    if elector.member_id is None:
        return  # a board member who is not a member row: the board votes as the board
    member = Member.objects.only("status").get(pk=elector.member_id)
    if member.status not in VOTING_STATUSES:
        raise NotAllowedToVote(_("Only members can vote: this membership has ended."), code="left")


def vote_cast(*, proposal: Proposal, voter: Any, choice: str, actor: Any, paper: bool = False) -> Vote:
    """Cast (or change) the vote of `voter`: by themselves, by the holder of their proxy, or on paper.

    `paper` is a coordinator entering a paper ballot the member handed in (logged like assisted mode).
    Raises VoteClosed, NotAllowedToVote (not in the electorate, left, no proxy), GovernanceError.
    """
    if choice not in Vote.Choice.values:
        raise GovernanceError(_("Choose for, against or blank."), code="choice")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)
        _vote_open_locked(proposal)
        elector = elector_get(proposal, voter)
        if elector is None:
            raise NotAllowedToVote(
                _("You cannot vote on this proposal: you were not on the list of voters when the vote opened."),
                code="not_elector",
            )
        _elector_still_member(elector)
        if paper:
            if proposal.coop.pk not in coop_ids_for_role(actor, Role.Kind.COORDINATOR):
                raise NotAllowedToVote(_("Only a coordinator can enter a paper ballot."), code="not_coordinator")
            via = Vote.Via.PAPER
        elif actor.pk == voter.pk:
            via = Vote.Via.SELF
        else:
            holder = elector_get(proposal, actor)
            if (
                holder is None
                or not Proxy.objects.filter(grantor=elector, holder=holder, revoked_at__isnull=True).exists()
            ):
                raise NotAllowedToVote(_("You have no proxy to vote for this member."), code="no_proxy")
            _elector_still_member(holder)
            via = Vote.Via.PROXY
        previous = vote_current(elector)
        vote = Vote.objects.create(elector=elector, choice=choice, via=via, cast_by=actor, replaces=previous)
        audit_record(
            actor=actor,
            action="governance.vote_changed" if previous else "governance.vote_cast",
            subject=proposal,
            coop=proposal.coop,
            on_behalf_of=voter if via != Vote.Via.SELF else None,
            consent_note=_("paper ballot") if via == Vote.Via.PAPER else "",
            # How someone voted is secret: the audit row says that a vote was cast, never which.
            data={"via": via},
        )
    return vote


def proxy_grant(*, proposal: Proposal, grantor: Any, holder: Any, actor: Any) -> Proxy:
    """`grantor` authorises `holder` to vote for them on this proposal (a written proxy).

    The grantor gives it themselves, or a coordinator records a paper proxy. Raises NotAllowedToVote
    or GovernanceError (no proxies allowed, holder at the rulebook's maximum, grantor already voted).
    """
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop").get(pk=proposal.pk)
        _vote_open_locked(proposal)
        if actor.pk != grantor.pk and proposal.coop.pk not in coop_ids_for_role(actor, Role.Kind.COORDINATOR):
            raise NotAllowedToVote(_("Only the member themselves can give a proxy."), code="not_self")
        grantor_elector = elector_get(proposal, grantor)
        holder_elector = elector_get(proposal, holder)
        if grantor_elector is None or holder_elector is None:
            raise NotAllowedToVote(_("Both people must be on the list of voters of this proposal."), code="not_elector")
        if grantor_elector.pk == holder_elector.pk:
            raise GovernanceError(_("You cannot give a proxy to yourself."), code="self")
        _elector_still_member(grantor_elector)
        _elector_still_member(holder_elector)
        maximum = _values(proposal)["proxies_per_member"]
        if maximum == 0:
            raise GovernanceError(_("The rules of this coop do not allow voting by proxy."), code="no_proxies")
        if proxies_held_count(holder_elector) >= maximum:
            raise GovernanceError(
                _("This member already votes for %(n)s others, the most the rules allow.") % {"n": maximum},
                code="proxy_max",
            )
        if Proxy.objects.filter(grantor=grantor_elector, revoked_at__isnull=True).exists():
            raise GovernanceError(_("You already gave a proxy for this vote."), code="proxy_twice")
        if vote_current(grantor_elector) is not None:
            raise GovernanceError(_("You already voted, so you cannot give a proxy."), code="voted")
        proxy = Proxy.objects.create(
            proposal=proposal, grantor=grantor_elector, holder=holder_elector, created_by=actor
        )
        audit_record(
            actor=actor,
            action="governance.proxy_granted",
            subject=proposal,
            coop=proposal.coop,
            on_behalf_of=grantor if actor.pk != grantor.pk else None,
            data={"proxy": proxy.pk},
        )
    return proxy


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


def _decide(proposal: Proposal, count: Count, *, actor: Any) -> Tally:
    tally = Tally.objects.create(
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


def proposal_withdraw(*, proposal: Proposal, actor: Any) -> Proposal:
    """The proposer (or the board) withdraws a proposal that is not being voted on. Raises GovernanceError."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("coop", "proposed_by").get(pk=proposal.pk)
        own = proposal.proposed_by is not None and proposal.proposed_by.user_id == actor.pk
        if not own and not _is_board(actor, proposal.coop) and proposal.created_by_id != actor.pk:
            raise GovernanceError(_("Only who made the proposal can withdraw it."), code="not_allowed")
        _transition(proposal, Proposal.Status.WITHDRAWN, actor=actor)
    return proposal


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


def vote_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind each elector who has not voted, once per proposal, `vote_reminder_hours` before it closes.

    One transaction per proposal; `reminded_at` (set under the row lock) makes a second run send
    nothing. Returns how many proposals were reminded.
    """
    from django.conf import settings
    from django.urls import reverse

    now = now or timezone.now()
    sent = 0
    candidates = Proposal.objects.filter(status=Proposal.Status.OPEN, reminded_at__isnull=True, closes_at__gt=now)
    for proposal_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().select_related("coop", "rules_version").get(pk=proposal_id)
            if proposal.reminded_at is not None or proposal.status != Proposal.Status.OPEN:
                continue
            assert proposal.closes_at is not None
            hours = _values(proposal)["vote_reminder_hours"]
            if proposal.closes_at - now > dt.timedelta(hours=hours):
                continue
            proposal.reminded_at = now
            proposal.save(update_fields=["reminded_at"])
            waiting = (
                Elector.objects.filter(proposal=proposal)
                .exclude(votes__isnull=False)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
            url = settings.SITE_URL + reverse("governance:proposal_detail", args=[proposal.number])
            with translation.override("nl"):
                context = {"proposal": proposal, "url": url}
                subject = render_to_string("emails/governance/vote_reminder_subject.txt", context).strip()
                body = render_to_string("emails/governance/vote_reminder_body.txt", context)
            for address in waiting:
                email_send_on_commit(subject=subject, body=body, to=[address])
            audit_record(actor=None, action="governance.vote_reminded", subject=proposal, coop=proposal.coop, data={})
            sent += 1
    return sent


# --- paying what the fund promised ---------------------------------------------------------------------
def fund_payout_batch_prepare(*, coop: Cooperative, actor: Any, execution_date: dt.date | None = None) -> PayoutBatch:
    """Put every promised fund payout no batch pays yet into one SEPA batch (a coordinator prepares,
    a different board member approves it on the payout page, which posts fund -> bank).

    Raises PayoutError (not a coordinator, nothing promised), InvalidPayeeIban.
    """
    with transaction.atomic():
        payouts = list(fund_payouts_to_pay(coop).select_for_update(of=("self",)))
        if not payouts:
            raise PayoutError(_("No decision has promised money from the fund that is still to be paid."))
        lines = [
            PayoutLine(
                payee_name=p.proposal.beneficiary_name,
                iban=p.proposal.beneficiary_iban,
                amount=p.amount,
                description=(
                    _("Neighbourhood fund, decision %(ref)s: %(purpose)s")
                    % {"ref": p.proposal.reference, "purpose": p.proposal.payout_purpose}
                )[:140],
            )
            for p in payouts
        ]
        batch = payout_batch_prepare(
            coop=coop,
            actor=actor,
            period_end=timezone.localdate(),
            kind=PayoutBatch.Kind.FUND,
            items=lines,
            execution_date=execution_date,
        )
        items = list(batch.items.order_by("end_to_end_id"))
        by_e2e = {item.end_to_end_id: item for item in items}
        for index, payout in enumerate(payouts, start=1):
            payout.payout_item = by_e2e[f"WK{batch.pk}-{index}"]
            payout.status = FundPayout.Status.IN_BATCH
            payout.save(update_fields=["payout_item", "status"])
            audit_record(
                actor=actor,
                action="governance.fund_payout_batched",
                subject=payout,
                coop=coop,
                data={"batch": batch.pk, "amount": payout.amount},
            )
    return batch


# --- the committee drawn by lot -----------------------------------------------------------------------
def committee_volunteer(*, member: Member, actor: Any, willing: bool) -> None:
    """A member offers (or withdraws) themselves for the next draw. Raises GovernanceError."""
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=member.coop_id)
        _voting_member(member.coop, member)
        current = CommitteeVolunteer.objects.filter(coop=member.coop, member=member, withdrawn_at__isnull=True).first()
        if willing and current is None:
            CommitteeVolunteer.objects.create(coop=member.coop, member=member)
        elif not willing and current is not None:
            current.withdrawn_at = timezone.now()
            current.save(update_fields=["withdrawn_at"])
        else:
            return
        audit_record(
            actor=actor,
            action="governance.committee_volunteered" if willing else "governance.committee_withdrawn",
            subject=member,
            coop=member.coop,
            on_behalf_of=member.user if member.user_id != actor.pk else None,
        )


def committee_draw_announce(*, coop: Cooperative, actor: Any, draw_on: dt.date, public_source: str) -> CommitteeDraw:
    """Freeze and publish the volunteers and where the random value will come from, before it is known.

    Raises GovernanceError (not board, no committee in the rules, too few volunteers, a draw in the past).
    """
    if not _is_board(actor, coop):
        raise GovernanceError(_("Only a board member can announce a draw."), code="board")
    public_source = (public_source or "").strip()
    if not public_source:
        raise GovernanceError({"public_source": [_("Say where the public random value will come from.")]})
    if draw_on <= timezone.localdate():
        raise GovernanceError({"draw_on": [_("Announce the draw before the day of the draw.")]})
    version, values = rule_values(coop)
    if values["committee_payout_limit"] <= 0:
        raise GovernanceError(_("The rules of this coop have no committee drawn by lot."), code="no_committee")
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        if CommitteeDraw.objects.filter(coop=coop, status=CommitteeDraw.Status.ANNOUNCED).exists():
            raise GovernanceError(_("A draw is already announced."), code="announced")
        numbers = sorted(
            number
            for number in CommitteeVolunteer.objects.filter(
                coop=coop, withdrawn_at__isnull=True, member__status=Member.Status.ACTIVE
            ).values_list("member__member_number", flat=True)
            if number is not None
        )
        if len(numbers) < values["committee_size"]:
            raise GovernanceError(
                _("%(n)s members volunteered; the committee needs %(size)s.")
                % {"n": len(numbers), "size": values["committee_size"]},
                code="too_few",
            )
        last = CommitteeDraw.objects.filter(coop=coop).aggregate(n=Max("number"))["n"] or 0
        draw = CommitteeDraw.objects.create(
            coop=coop,
            number=last + 1,
            volunteer_numbers=numbers,
            size=values["committee_size"],
            term_months=values["committee_term_months"],
            draw_on=draw_on,
            public_source=public_source,
            rules_version=version,
            announced_by=actor,
        )
        audit_record(
            actor=actor,
            action="governance.committee_draw_announced",
            subject=draw,
            coop=coop,
            data={"volunteers": numbers, "size": draw.size, "draw_on": draw_on, "source": public_source},
        )
    return draw


def committee_draw_perform(*, draw: CommitteeDraw, actor: Any, public_value: str) -> CommitteeDraw:
    """Enter the public value and draw. Raises GovernanceError (not board, too early, already drawn)."""
    public_value = (public_value or "").strip()
    if not public_value:
        raise GovernanceError({"public_value": [_("Enter the public random value.")]})
    with transaction.atomic():
        draw = CommitteeDraw.objects.select_for_update().select_related("coop").get(pk=draw.pk)
        if not _is_board(actor, draw.coop):
            raise GovernanceError(_("Only a board member can perform the draw."), code="board")
        if draw.status != CommitteeDraw.Status.ANNOUNCED:
            raise GovernanceError(_("This draw has already been done."), code="drawn")
        today = timezone.localdate()
        if today < draw.draw_on:
            raise GovernanceError(_("The draw is on %(day)s, not before.") % {"day": draw.draw_on}, code="early")
        seed = draw_seed(
            coop_slug=draw.coop.slug,
            draw_number=draw.number,
            volunteer_numbers=draw.volunteer_numbers,
            public_value=public_value,
        )
        draw.public_value = public_value
        draw.seed = seed
        draw.drawn_numbers = draw_winners(seed=seed, volunteer_numbers=draw.volunteer_numbers, size=draw.size)
        draw.term_start = today
        draw.term_end = _add_months(today, draw.term_months)
        draw.status = CommitteeDraw.Status.DRAWN
        draw.drawn_by = actor
        draw.drawn_at = timezone.now()
        draw.save()
        audit_record(
            actor=actor,
            action="governance.committee_drawn",
            subject=draw,
            coop=draw.coop,
            data={"public_value": public_value, "seed": seed, "drawn": draw.drawn_numbers},
        )
    return draw


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


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


__all__ = [
    "committee_draw_announce",
    "committee_draw_perform",
    "committee_volunteer",
    "fund_payout_batch_prepare",
    "general_meeting_confirm",
    "general_meeting_record",
    "proposal_close",
    "proposal_count",
    "proposal_create",
    "proposal_support",
    "proposal_withdraw",
    "proxy_grant",
    "vote_cast",
    "vote_reminders_send",
]
