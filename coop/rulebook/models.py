"""Rule versions per coop, and the dated legal tables that are law rather than rules.

Design overview
---------------
A `RuleVersion` is one complete, immutable set of rule values for one coop. Versions are never
edited: a change is a new version with a higher `number` that copies the values in force on its
`effective_from` and changes some. On a day, the version in force is the highest-numbered one whose
`effective_from` is on or before that day, so a later decision can supersede a version that was
decided but is not yet in force.

Only the founding version is made without a decision. Every later version points at the
governance `proposal` that adopted it (a closed member vote, or a general-meeting decision
recorded by one board member and confirmed by another); the database refuses a non-founding
version without one, and `source` is derived from the proposal, never typed.

`RuleValue` holds one rule's value in one version as JSON; its definition (kind, bounds, labels)
lives in `definitions.py`.

`VatRate` and `MinimumWage` are law: dated tables the members cannot vote away. They are seeded
by data migrations, and a new legal rate is a new row with its own `valid_from`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.limits import NOTE_MAX_LENGTH
from coop.models import AppendOnlyModel, AppendOnlyQuerySet, Cooperative


class RuleVersion(AppendOnlyModel):
    class Source(models.TextChoices):
        FOUNDING = "founding", _("First version (founding)")
        VOTE = "vote", _("Adopted by member vote")
        GENERAL_MEETING = "general_meeting", _("Adopted by the general meeting")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    proposal_ref = models.CharField(_("proposal"), max_length=60, blank=True)
    tally = models.JSONField(_("tally"), default=dict, blank=True)
    # By string: the kernel imports nothing from governance (the layer above); the FK only names the table.
    proposal = models.ForeignKey(
        "governance.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rule_versions",
        verbose_name=_("decision"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["coop", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "number"], name="rule_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(source__in=["founding", "vote", "general_meeting"]),
                name="rule_version_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source="founding") | models.Q(proposal__isnull=False),
                name="rule_version_decided",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH), name="rule_version_note_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coop} v{self.number} ({self.effective_from})"


class RuleValue(AppendOnlyModel):
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="values")
    key = models.CharField(_("rule"), max_length=60)
    value = models.JSONField(_("value"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule value")
        verbose_name_plural = _("rule values")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="rule_value_unique")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class VatRate(models.Model):
    class Code(models.TextChoices):
        HIGH = "high", _("High rate")
        LOW = "low", _("Low rate")
        ZERO = "zero", _("Zero rate")
        EXEMPT = "exempt", _("Exempt")

    code = models.CharField(max_length=10, choices=Code.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    valid_from = models.DateField()
    legal_source = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("VAT rate (law)")
        verbose_name_plural = _("VAT rates (law)")
        ordering = ["code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="vat_rate_unique")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.percent}% ({self.valid_from})"


class MinimumWage(models.Model):
    """Statutory minimum wage (wettelijk minimumloon) per hour, gross, by minimum age."""

    min_age = models.PositiveSmallIntegerField()
    hourly_gross = MoneyField(max_digits=8, decimal_places=2, default_currency="EUR")
    valid_from = models.DateField()
    legal_source = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("statutory minimum wage (law)")
        verbose_name_plural = _("statutory minimum wages (law)")
        ordering = ["-valid_from", "-min_age"]
        constraints = [models.UniqueConstraint(fields=["min_age", "valid_from"], name="minimum_wage_unique")]

    def __str__(self) -> str:
        return f"{self.min_age}+ {self.hourly_gross} ({self.valid_from})"
