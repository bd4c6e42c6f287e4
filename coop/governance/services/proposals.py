"""Making proposals: who may, what is checked, who decides, support, opening the vote, withdrawing.

Also the small helpers the other decision services share: the rules a proposal is judged by,
the status transitions (each with its audit row), who is board or a voting member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from djmoney.money import Money

from coop.audit import audit_record
from coop.governance.exceptions import GovernanceError, NotAllowedToVote
from coop.governance.models import (
    Elector,
    Proposal,
    Support,
)
from coop.governance.selectors import (
    committee_in_office,
    fund_available,
)
from coop.governance.services.documents import documents_check, documents_store
from coop.governance.whatif import what_if_queue
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.selectors import rule_values, rule_version_values
from coop.rulebook.services import rule_change_start_check, rule_changes_check
from invoicing.sepa import SepaError, iban_normalize
from members.models import Member, Role
from members.selectors import coop_ids_for_role

# A paused member still votes; a suspended one does not (art. 2:38 BW), nor one who left.
VOTING_STATUSES = (Member.Status.ACTIVE, Member.Status.PAUSED)
SUSPENDED_MESSAGE = _lazy(
    "Your membership is suspended by the board. While it is suspended you cannot vote, give or hold a proxy, "
    "or make or support a proposal."
)


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


def proposal_rules(proposal: Proposal) -> dict[str, Any]:
    """The rule values that judge this proposal (the version in force when it was made)."""
    return _values(proposal)


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
    if member is not None and member.coop_id == coop.pk and member.status == Member.Status.SUSPENDED:
        raise NotAllowedToVote(SUSPENDED_MESSAGE, code="suspended")
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
    documents: Sequence[UploadedFile] = (),
) -> Proposal:
    """Make a proposal of a member (or of the board, `member` None and `actor` a board member).

    A board proposal, or one that needs no support, opens for voting at once. A fund payout may
    come with documents. Raises GovernanceError / RulebookError / ValidationError for a suspended or
    foreign member, a rule value out of bounds or below the law, a start date in the past, a payout
    above the available fund, or a document that is not allowed (documents_check).
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
    if documents and kind != Proposal.Kind.FUND_PAYOUT:
        raise GovernanceError(_("Only a proposal to spend from the fund can have documents."), code="kind")
    document_types = documents_check(documents)
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
        if documents:
            documents_store(proposal, documents, document_types, actor=actor)
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


def proposal_withdraw(*, proposal: Proposal, actor: Any) -> Proposal:
    """The proposer (or the board) withdraws a proposal that is not being voted on. Raises GovernanceError."""
    with transaction.atomic():
        # of=self: proposed_by may be empty (an outer join), and PostgreSQL locks no row of an outer join.
        proposal = (
            Proposal.objects.select_for_update(of=("self",)).select_related("coop", "proposed_by").get(pk=proposal.pk)
        )
        own = proposal.proposed_by is not None and proposal.proposed_by.user_id == actor.pk
        if not own and not _is_board(actor, proposal.coop) and proposal.created_by_id != actor.pk:
            raise GovernanceError(_("Only who made the proposal can withdraw it."), code="not_allowed")
        _transition(proposal, Proposal.Status.WITHDRAWN, actor=actor)
    return proposal
