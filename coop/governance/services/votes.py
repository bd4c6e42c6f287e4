"""Voting: casting or changing a vote (self, by proxy, on paper), written proxies, reminders.

Every write locks the PROPOSAL row first and re-reads its status under that lock, so a vote never
slips in after the close.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.governance.exceptions import GovernanceError, NotAllowedToVote, VoteClosed
from coop.governance.models import (
    Elector,
    Proposal,
    Proxy,
    Vote,
)
from coop.governance.selectors import (
    elector_get,
    proxies_held_count,
    vote_current,
)
from coop.governance.services.proposals import SUSPENDED_MESSAGE, VOTING_STATUSES, _values
from members.models import Member, Role
from members.selectors import coop_ids_for_role
from members.tasks import email_send_on_commit


# --- voting --------------------------------------------------------------------------------------------
def _vote_open_locked(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.OPEN or proposal.closes_at is None or proposal.closes_at <= timezone.now():
        raise VoteClosed(_("This vote is closed."), code="closed")


def _elector_still_member(elector: Elector) -> None:
    if elector.member_id is None:
        return  # a board member who is not a member row: the board votes as the board
    member = Member.objects.only("status").get(pk=elector.member_id)
    if member.status == Member.Status.SUSPENDED:
        raise NotAllowedToVote(SUSPENDED_MESSAGE, code="suspended")
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
