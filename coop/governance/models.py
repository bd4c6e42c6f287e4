"""How the members decide: proposals, the electorate, votes, proxies, tallies, general-meeting records.

Design overview
---------------
A `Proposal` is one question put to a coop: a rule change (new values from a date), a fund payout
(amount, purpose, beneficiary) or a motion (text only). Its `body` says who decides (all members,
the board, or the committee drawn by lot), taken from the rulebook when it is made; its `channel`
says how: an online vote, or a decision taken in person at the general meeting (ALV).

An online vote:
- opens with a fixed electorate: one `Elector` row per person who may vote, written when the vote
  opens. Who joins later does not vote; the quorum is counted against this list.
- collects `Vote`s. Votes are never edited: changing a vote appends a new row that `replaces` the
  previous one. The database allows one first vote per elector and each vote to be replaced once,
  so every elector has one chain and its last link is the vote that counts.
- closes into one `Tally` (append-only, one per proposal): the counts and the rule values that
  judged them. A proposal is judged by the rules in force when it opened (`rules_version`).

A fund-payout proposal may carry a few `ProposalDocument`s (a quote, a photo, a plan): PDF, JPEG or
PNG, checked by content, kept in private storage and served only to who may see the proposal.

A general-meeting decision is recorded by one board member (`GeneralMeetingRecord`: meeting date,
present, represented, tally, minutes) and takes effect only when a second board member confirms it.

Votes are private: only counts leave this app; who voted what is never shown.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.files import private_storage
from coop.models import AppendOnlyModel, AppendOnlyQuerySet, Cooperative

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
PURPOSE_MAX_LENGTH = 300


class Proposal(models.Model):
    class Kind(models.TextChoices):
        RULE_CHANGE = "rule_change", _("Rule change")
        FUND_PAYOUT = "fund_payout", _("Spending from the fund")
        MOTION = "motion", _("Motion")

    class Channel(models.TextChoices):
        VOTE = "vote", _("Online vote")
        GENERAL_MEETING = "general_meeting", _("General meeting")

    class Body(models.TextChoices):
        MEMBERS = "members", _("All members")
        BOARD = "board", _("The board")
        COMMITTEE = "committee", _("The committee drawn by lot")

    class Status(models.TextChoices):
        SUPPORT = "support", _("Collecting support")
        OPEN = "open", _("Vote open")
        RECORDED = "recorded", _("Waiting for a second board member")
        PASSED = "passed", _("Adopted")
        REJECTED = "rejected", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUPPORT: {Status.OPEN, Status.WITHDRAWN},
        Status.OPEN: {Status.PASSED, Status.REJECTED},
        Status.RECORDED: {Status.PASSED, Status.REJECTED, Status.WITHDRAWN},
        Status.PASSED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }
    FINAL: ClassVar[set[str]] = {Status.PASSED, Status.REJECTED, Status.WITHDRAWN}

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("how it is decided"), max_length=20, choices=Channel.choices)
    body = models.CharField(_("who decides"), max_length=20, choices=Body.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(_("explanation"), max_length=TEXT_MAX_LENGTH)
    proposed_by = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Rule change: the new values (JSON, as the rulebook stores them) and their first day.
    rule_changes = models.JSONField(_("new rule values"), default=dict, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    # Fund payout.
    payout_amount = MoneyField(
        _("amount"), max_digits=12, decimal_places=2, default_currency="EUR", null=True, blank=True
    )
    payout_purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH, blank=True)
    beneficiary_name = models.CharField(_("paid to"), max_length=70, blank=True)
    beneficiary_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    hide_results = models.BooleanField(_("hide the count until the vote closes"), default=False)
    support_needed = models.PositiveIntegerField(_("support needed"), default=0)
    # The rules that judge it: the version in force when it was made.
    rules_version = models.ForeignKey("rulebook.RuleVersion", on_delete=models.PROTECT, related_name="judged_proposals")
    opened_at = models.DateTimeField(_("vote opened"), null=True, blank=True)
    closes_at = models.DateTimeField(_("vote closes"), null=True, blank=True)
    closed_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["coop", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "number"], name="proposal_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["support", "open", "recorded", "passed", "rejected", "withdrawn"]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["rule_change", "fund_payout", "motion"]), name="proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="rule_change") | models.Q(effective_from__isnull=False),
                name="proposal_rule_change_has_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="fund_payout") | models.Q(payout_amount__gt=0),
                name="proposal_payout_has_amount",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("summary"), TEXT_MAX_LENGTH), name="proposal_summary_length"
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.coop.slug}-{self.number}" if self.coop_id else str(self.number)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


# A technical bound, not a coop policy: enough for a quote, a plan and a few photos.
PROPOSAL_DOCUMENTS_MAX = 5
DOCUMENT_NAME_MAX_LENGTH = 150


def document_path(instance: ProposalDocument, filename: str) -> str:
    """A random name under the proposal's folder: never the uploader's file name (it is kept in `name`)."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[instance.content_type]
    proposal = instance.proposal
    return f"governance/{proposal.coop.slug}/proposal-{proposal.number}/{secrets.token_hex(8)}.{extension}"


class ProposalDocument(models.Model):
    """A document that comes with a proposal (a quote, a photo, a plan). Private: see coop.files."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=200)
    name = models.CharField(_("file name"), max_length=DOCUMENT_NAME_MAX_LENGTH)
    content_type = models.CharField(_("type"), max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["proposal", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="proposal_document_type_valid",
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="proposal_document_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.name}"


class Support(models.Model):
    """A member who supports a proposal before it opens to a vote (a signature)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="supports")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("support")
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.member_id} supports {self.proposal_id}"


class Elector(AppendOnlyModel):
    """One person who may vote on one proposal, fixed when the vote opens."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="elector_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.proposal_id}"


class Vote(AppendOnlyModel):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain (blank)")

    class Via(models.TextChoices):
        SELF = "self", _("Voted themselves")
        PROXY = "proxy", _("By proxy")
        PAPER = "paper", _("Paper ballot entered at the service desk")

    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            # One first vote per elector; a change is a new row replacing the last one (OneToOne: once).
            models.UniqueConstraint(
                fields=["elector"], condition=models.Q(replaces__isnull=True), name="vote_one_first_per_elector"
            ),
            models.CheckConstraint(
                condition=models.Q(choice__in=["for", "against", "abstain"]), name="vote_choice_valid"
            ),
            models.CheckConstraint(condition=models.Q(via__in=["self", "proxy", "paper"]), name="vote_via_valid"),
        ]

    def __str__(self) -> str:
        return f"vote {self.pk} on elector {self.elector_id}"


class Proxy(models.Model):
    """A written proxy (volmacht): `holder` may vote for `grantor` on one proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="proxies")
    grantor = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="proxies_given")
    holder = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="proxies_held")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["grantor"], condition=models.Q(revoked_at__isnull=True), name="proxy_one_active_per_grantor"
            ),
            models.CheckConstraint(condition=~models.Q(grantor=models.F("holder")), name="proxy_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"proxy {self.grantor_id} -> {self.holder_id}"


class Tally(AppendOnlyModel):
    """The outcome of one proposal with everything it was computed from. Never edited."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="tally")
    electorate = models.PositiveIntegerField(_("could vote"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("blank"))
    quorum_percent = models.DecimalField(_("quorum"), max_digits=5, decimal_places=2)
    pass_percent = models.DecimalField(_("more than this share in favour"), max_digits=5, decimal_places=2)
    quorum_met = models.BooleanField(_("quorum reached"))
    passed = models.BooleanField(_("adopted"))
    rules_version = models.ForeignKey("rulebook.RuleVersion", on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self) -> str:
        return f"tally of {self.proposal_id}: {self.votes_for}/{self.votes_against}/{self.abstentions}"

    @property
    def turnout(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    def as_dict(self) -> dict[str, Any]:
        """The counts as the rule version stores them (never a name)."""
        return {
            "electorate": self.electorate,
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.abstentions,
            "quorum_percent": str(self.quorum_percent),
            "pass_percent": str(self.pass_percent),
            "quorum_met": self.quorum_met,
            "passed": self.passed,
        }


def minutes_path(instance: GeneralMeetingRecord, filename: str) -> str:
    return f"governance/{instance.proposal.coop.slug}/minutes-{instance.proposal.number}.pdf"


class GeneralMeetingRecord(models.Model):
    """A decision the general meeting took in person, as one board member recorded it."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="meeting")
    meeting_date = models.DateField(_("date of the meeting"))
    members_present = models.PositiveIntegerField(_("members present"))
    members_represented = models.PositiveIntegerField(_("members represented by proxy"))
    electorate = models.PositiveIntegerField(_("members who could vote"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("blank"))
    minutes = models.FileField(_("minutes (PDF)"), upload_to=minutes_path, storage=private_storage, max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("general meeting decision")
        verbose_name_plural = _("general meeting decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True) | ~models.Q(confirmed_by=models.F("recorded_by")),
                name="meeting_four_eyes",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(
                    models.F("members_present") + models.F("members_represented"),
                    models.F("votes_for") + models.F("votes_against") + models.F("abstentions"),
                ),
                name="meeting_votes_within_attendance",
            ),
        ]

    def __str__(self) -> str:
        return f"ALV {self.meeting_date}: {self.proposal}"


class FundPayout(models.Model):
    """Money from the neighbourhood fund that a decision promised; the next fund payout batch pays it.

    Whether it is paid is the batch's status (approved: the SEPA file is written and the books are
    posted, fund -> bank); a cancelled batch gives it back to the next batch.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved, waiting for payment")
        IN_BATCH = "in_batch", _("In a payout batch")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="fund_payouts")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="fund_payout")
    amount = MoneyField(_("amount"), max_digits=12, decimal_places=2, default_currency="EUR")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    payout_item = models.OneToOneField(
        "invoicing.PayoutItem", on_delete=models.PROTECT, null=True, blank=True, related_name="fund_payout"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund payout")
        verbose_name_plural = _("fund payouts")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_payout_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["approved", "in_batch"]), name="fund_payout_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.amount}"


class CommitteeVolunteer(models.Model):
    """A member who is willing to be drawn for the neighbourhood committee (geloot wijkcomité)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="committee_volunteers")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("committee volunteer")
        verbose_name_plural = _("committee volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "member"], condition=models.Q(withdrawn_at__isnull=True), name="volunteer_once"
            )
        ]

    def __str__(self) -> str:
        return f"volunteer {self.member_id}"


class CommitteeDraw(models.Model):
    """One draw by lot, verifiable by anyone.

    Announced first: the volunteers (by member number) and where the public random value will come
    from are published and frozen. Then drawn: a board member enters that value once it is public,
    and the seed is SHA-256 over the published inputs; each volunteer's ticket is SHA-256 of the
    seed and their member number, and the lowest tickets win. The public page shows every input.
    """

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        DRAWN = "drawn", _("Drawn")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="committee_draws")
    number = models.PositiveIntegerField(_("draw"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ANNOUNCED)
    volunteer_numbers = models.JSONField(_("volunteers (member numbers)"), default=list)
    size = models.PositiveSmallIntegerField(_("seats"))
    term_months = models.PositiveSmallIntegerField(_("term in months"))
    draw_on = models.DateField(_("draw on"))
    public_source = models.CharField(_("where the random value comes from"), max_length=300)
    public_value = models.CharField(_("the public random value"), max_length=200, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    drawn_numbers = models.JSONField(_("drawn (member numbers)"), default=list, blank=True)
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    rules_version = models.ForeignKey("rulebook.RuleVersion", on_delete=models.PROTECT, related_name="+")
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    announced_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("committee draw")
        verbose_name_plural = _("committee draws")
        ordering = ["coop", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "number"], name="committee_draw_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["announced", "drawn"]), name="committee_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coop} draw {self.number}"


class WhatIf(models.Model):
    """The replay of a rule-change proposal on the last months of approved hours, computed once by a task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being computed")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Could not be computed")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="what_if")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("what-if")
        verbose_name_plural = _("what-ifs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]), name="what_if_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="what_if_progress_range"),
        ]

    def __str__(self) -> str:
        return f"what-if of {self.proposal_id}"
