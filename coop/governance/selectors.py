"""Reads about decisions: proposals, who may vote, counts (never who voted what), the fund."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Q, QuerySet, Sum
from djmoney.money import Money

from coop.charts import Chart, ChartSeries, Tone
from coop.governance.models import (
    CommitteeDraw,
    CommitteeVolunteer,
    Elector,
    FundPayout,
    GeneralMeetingRecord,
    Proposal,
    ProposalDocument,
    Proxy,
    Support,
    Vote,
    WhatIf,
)
from coop.ledger.models import Account, AccountCode
from coop.ledger.selectors import account_balance
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.definitions import RULES, RuleDefinition
from coop.rulebook.models import RuleVersion
from coop.rulebook.selectors import rule_version_list, rule_version_superseded, rule_version_values


def proposal_count(coop: Cooperative) -> int:
    return Proposal.objects.filter(coop=coop).count()


def proposal_list_for_coop(coop: Cooperative, *, status: str = "") -> QuerySet[Proposal]:
    """A coop's proposals, newest first, with what their list rows show (a fixed number of queries)."""
    qs = Proposal.objects.filter(coop=coop).select_related("coop", "tally", "meeting").order_by("-number")
    if status:
        qs = qs.filter(status=status)
    return qs


def proposal_get(coop: Cooperative, number: int) -> Proposal | None:
    return (
        Proposal.objects.filter(coop=coop, number=number)
        .select_related("coop", "rules_version", "proposed_by", "tally", "meeting", "created_by")
        .first()
    )


def proposal_list_due_for_closing(now: Any) -> list[int]:
    """Ids of open votes whose time is up (the beat closes each in its own transaction)."""
    return list(
        Proposal.objects.filter(status=Proposal.Status.OPEN, closes_at__lte=now)
        .order_by("closes_at")
        .values_list("pk", flat=True)
    )


def proposal_list_waiting_for_confirmation(coop: Cooperative) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(coop=coop, status=Proposal.Status.RECORDED)
        .select_related("meeting", "meeting__recorded_by")
        .order_by("number")
    )


def elector_get(proposal: Proposal, user: Any) -> Elector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Elector.objects.filter(proposal=proposal, user=user).first()


def vote_current(elector: Elector) -> Vote | None:
    """The vote that counts: the last link of the elector's chain (None if they did not vote)."""
    return Vote.objects.filter(elector=elector, replaced_by__isnull=True).first()


def proxies_held_count(holder: Elector) -> int:
    return Proxy.objects.filter(holder=holder, revoked_at__isnull=True).count()


def proxy_list_held(proposal: Proposal, user: Any) -> list[Proxy]:
    """The proxies `user` holds on this proposal, with the grantor's name (they must know whom they vote for)."""
    return list(
        Proxy.objects.filter(proposal=proposal, holder__user=user, revoked_at__isnull=True)
        .select_related("grantor__user", "grantor__member")
        .order_by("pk")
    )


def proxy_given(proposal: Proposal, user: Any) -> Proxy | None:
    return (
        Proxy.objects.filter(proposal=proposal, grantor__user=user, revoked_at__isnull=True)
        .select_related("holder__member", "holder__user")
        .first()
    )


@dataclass(frozen=True)
class Turnout:
    electorate: int
    voted: int
    votes_for: int
    votes_against: int
    abstentions: int


def proposal_turnout(proposal: Proposal) -> Turnout:
    """Counts so far (the page shows the split only when the proposal allows it)."""
    counts = dict(
        Vote.objects.filter(elector__proposal=proposal, replaced_by__isnull=True)
        .values_list("choice")
        .annotate(n=DbCount("pk"))
        .values_list("choice", "n")
    )
    electorate = Elector.objects.filter(proposal=proposal).count()
    return Turnout(
        electorate=electorate,
        voted=sum(counts.values()),
        votes_for=counts.get(Vote.Choice.FOR, 0),
        votes_against=counts.get(Vote.Choice.AGAINST, 0),
        abstentions=counts.get(Vote.Choice.ABSTAIN, 0),
    )


def support_count(proposal: Proposal) -> int:
    return Support.objects.filter(proposal=proposal).count()


def support_given(proposal: Proposal, member: Any) -> bool:
    return member is not None and Support.objects.filter(proposal=proposal, member=member).exists()


def proposal_document_list(proposal: Proposal) -> list[ProposalDocument]:
    return list(ProposalDocument.objects.filter(proposal=proposal).order_by("pk"))


def meeting_record_get(proposal: Proposal) -> GeneralMeetingRecord | None:
    return GeneralMeetingRecord.objects.filter(proposal=proposal).select_related("recorded_by", "confirmed_by").first()


# --- the fund ------------------------------------------------------------------------------------------
def fund_balance(coop: Cooperative) -> Money:
    account = Account.objects.filter(coop=coop, code=AccountCode.FUND, business_id=None, member_id=None).first()
    return account_balance(account) if account is not None else eur(0)


UNPOSTED_BATCH_STATUSES = ("prepared", "cancelled")


def fund_payouts_to_pay(coop: Cooperative) -> QuerySet[FundPayout]:
    """Promised payouts no batch is paying: never batched, or their batch was cancelled."""
    return (
        FundPayout.objects.filter(coop=coop)
        .filter(
            Q(status=FundPayout.Status.APPROVED)
            | Q(status=FundPayout.Status.IN_BATCH, payout_item__batch__status="cancelled")
        )
        .select_related("proposal")
        .order_by("pk")
    )


def fund_payout_list(coop: Cooperative) -> QuerySet[FundPayout]:
    return FundPayout.objects.filter(coop=coop).select_related("proposal", "payout_item__batch").order_by("-pk")


def fund_committed(coop: Cooperative, *, excluding: Proposal | None = None) -> Money:
    """What decisions promised from the fund and the books do not show as paid yet."""
    qs = FundPayout.objects.filter(coop=coop).filter(
        Q(status=FundPayout.Status.APPROVED)
        | Q(status=FundPayout.Status.IN_BATCH, payout_item__batch__status__in=UNPOSTED_BATCH_STATUSES)
    )
    if excluding is not None:
        qs = qs.exclude(proposal=excluding)
    return eur(qs.aggregate(s=Sum("amount"))["s"] or 0)


def fund_available(coop: Cooperative, *, excluding: Proposal | None = None) -> Money:
    """The fund's balance less what is promised: the most a new payout may be (never below zero)."""
    available = fund_balance(coop).amount - fund_committed(coop, excluding=excluding).amount
    return eur(max(Decimal(available), Decimal(0)))


# --- the rulebook as members read it ------------------------------------------------------------------
@dataclass(frozen=True)
class RuleRow:
    definition: RuleDefinition
    value: Any
    changed: bool


@dataclass(frozen=True)
class VersionView:
    version: RuleVersion
    rows: list[RuleRow]
    superseded: bool


def rulebook_versions_for_members(coop: Cooperative) -> list[VersionView]:
    """Every version, newest first, each rule with its value and whether it changed from the version before."""
    versions = rule_version_list(coop)
    views: list[VersionView] = []
    parsed = [rule_version_values(v) for v in versions]
    for index, version in enumerate(versions):
        values = parsed[index]
        before = parsed[index + 1] if index + 1 < len(parsed) else None
        rows = [
            RuleRow(
                definition=definition,
                value=values.get(definition.key),
                changed=before is not None and before.get(definition.key) != values.get(definition.key),
            )
            for definition in RULES
        ]
        views.append(VersionView(version=version, rows=rows, superseded=rule_version_superseded(versions, version)))
    return views


@dataclass(frozen=True)
class RuleChangeRow:
    definition: RuleDefinition
    old: Any
    new: Any


def proposal_rule_changes(proposal: Proposal) -> list[RuleChangeRow]:
    """The rules a rule-change proposal changes, each with its value when the proposal was made."""
    if proposal.kind != Proposal.Kind.RULE_CHANGE:
        return []
    old = rule_version_values(proposal.rules_version)
    rows = []
    for definition in RULES:
        if definition.key in proposal.rule_changes:
            raw = proposal.rule_changes[definition.key]
            if isinstance(raw, dict) and isinstance(old.get(definition.key), dict):
                raw = {**definition.serialize(old[definition.key]), **raw}  # per category, as adopted
            rows.append(RuleChangeRow(definition=definition, old=old.get(definition.key), new=definition.parse(raw)))
    return rows


# --- the committee drawn by lot ------------------------------------------------------------------------
def committee_in_office(coop: Cooperative, *, on: Any = None) -> CommitteeDraw | None:
    """The draw whose committee serves on a day (today if None), or None."""
    from django.utils import timezone

    day = on or timezone.localdate()
    return (
        CommitteeDraw.objects.filter(
            coop=coop, status=CommitteeDraw.Status.DRAWN, term_start__lte=day, term_end__gt=day
        )
        .order_by("-number")
        .first()
    )


def committee_draw_list(coop: Cooperative) -> list[CommitteeDraw]:
    return list(CommitteeDraw.objects.filter(coop=coop).order_by("-number"))


def committee_is_volunteer(coop: Cooperative, member: Any) -> bool:
    return (
        member is not None
        and CommitteeVolunteer.objects.filter(coop=coop, member=member, withdrawn_at__isnull=True).exists()
    )


def committee_volunteer_count(coop: Cooperative) -> int:
    return CommitteeVolunteer.objects.filter(coop=coop, withdrawn_at__isnull=True).count()


# --- before the vote: the what-if and the fund ---------------------------------------------------------
@dataclass(frozen=True)
class SpreadView:
    """How evenly work went to the members who want it: Gini figures (0 = even) and the bands behind them."""

    members: int
    actual: Decimal
    replay_current: Decimal
    replay_proposed: Decimal
    change: str  # "more_even", "less_even" or "same": the proposal against the same replay with today's rules
    unfilled_current: int
    unfilled_proposed: int
    figures_chart: Chart
    bands_chart: Chart


@dataclass(frozen=True)
class WhatIfView:
    what_if: WhatIf
    money_chart: Chart | None
    most_affected: list[Money]
    hours: Decimal
    spread: SpreadView | None


def _money_chart(result: dict[str, Any]) -> Chart:
    from django.utils.translation import gettext as _

    labels = {
        "member_wage": _("Wages of members"),
        "employer_costs": _("Employer costs"),
        "fund_share": _("Neighbourhood fund"),
        "operating_share": _("Running the coop"),
        "line_total_net": _("Paid by businesses (without VAT)"),
    }
    actual = [Decimal(result["actual"][part]) for part in labels]
    proposed = [Decimal(result["proposed"][part]) for part in labels]
    return Chart(
        key="what-if-money",
        title=_("Money in those months: now and with the proposal"),
        row_header=_("Where the money went"),
        labels=list(labels.values()),
        series=[
            ChartSeries(label=_("Now"), values=actual, tone="line"),
            ChartSeries(label=_("With the proposal"), values=proposed, tone="primary"),
            ChartSeries(
                label=_("Difference"), values=[p - a for a, p in zip(actual, proposed, strict=True)], drawn=False
            ),
        ],
        unit="EUR",
        horizontal=True,
    )


def _spread_view(spread: dict[str, Any]) -> SpreadView:
    from django.utils.translation import gettext as _

    # Rounded as the page shows them: two figures that look the same are "about the same".
    gini = {name: Decimal(str(value)).quantize(Decimal("0.01")) for name, value in spread["gini"].items()}
    if gini["replay_proposed"] < gini["replay_current"]:
        change = "more_even"
    elif gini["replay_proposed"] > gini["replay_current"]:
        change = "less_even"
    else:
        change = "same"
    names = {
        "actual": _("What really happened"),
        "replay_current": _("Replayed with today's rules"),
        "replay_proposed": _("Replayed with the proposal"),
    }
    tones: dict[str, Tone] = {"actual": "line", "replay_current": "muted", "replay_proposed": "primary"}
    figures_chart = Chart(
        key="what-if-spread",
        title=_("How evenly the work was spread (0 = completely even, 1 = completely uneven)"),
        row_header=_("Which hours"),
        labels=list(names.values()),
        series=[ChartSeries(label=_("Spread figure"), values=[gini[name] for name in names], tone="primary")],
        unit="figure",
        horizontal=True,
        max_value=1,
    )
    bands_chart = Chart(
        key="what-if-bands",
        title=_("Members who want work, by how much of their hours they got"),
        row_header=_("Got"),
        labels=[
            _("No work"),
            _("Less than half of their hours"),
            _("Half or more"),
            _("All their hours or more"),
        ],
        series=[
            ChartSeries(label=label, values=list(spread["bands"][name]), tone=tones[name])
            for name, label in names.items()
        ],
        unit="count",
        horizontal=True,
    )
    return SpreadView(
        members=spread["members"],
        actual=gini["actual"],
        replay_current=gini["replay_current"],
        replay_proposed=gini["replay_proposed"],
        change=change,
        unfilled_current=spread["unfilled_current"],
        unfilled_proposed=spread["unfilled_proposed"],
        figures_chart=figures_chart,
        bands_chart=bands_chart,
    )


def what_if_view(proposal: Proposal) -> WhatIfView | None:
    what_if = WhatIf.objects.filter(proposal=proposal).first()
    if what_if is None:
        return None
    result = what_if.result or {}
    done = what_if.status == WhatIf.Status.DONE
    return WhatIfView(
        what_if=what_if,
        money_chart=_money_chart(result) if done else None,
        most_affected=[eur(Decimal(d)) for d in result.get("most_affected", []) if Decimal(d) != 0],
        hours=Decimal(result.get("hours", "0")),
        # A what-if computed before the spread of work was part of it has no "spread".
        spread=_spread_view(result["spread"]) if done and "spread" in result else None,
    )


@dataclass(frozen=True)
class FundView:
    balance: Money
    committed: Money
    after: Money


def fund_view(proposal: Proposal) -> FundView | None:
    """For a payout proposal: the fund now, what is promised already, and what is left after this one."""
    if proposal.kind != Proposal.Kind.FUND_PAYOUT or proposal.payout_amount is None:
        return None
    balance = fund_balance(proposal.coop)
    committed = fund_committed(proposal.coop, excluding=proposal)
    already = proposal.status == Proposal.Status.PASSED
    after = balance.amount - committed.amount - (Decimal(0) if already else proposal.payout_amount.amount)
    return FundView(balance=balance, committed=committed, after=eur(after))
