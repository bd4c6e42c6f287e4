"""Invoices, their lines with the euro trail, credit notes and the number counters.

Design overview
---------------
An `Invoice` is a frozen snapshot (pretix style): at issue it copies both parties' legal details
(`seller` and `buyer` JSON), the VAT breakdown and the totals, so the document can be rebuilt —
PDF included — at any time without reading today's coop or business rows.

Numbers come from `InvoiceCounter`, one row per (coop, series, year), locked with
SELECT ... FOR UPDATE in the same transaction that inserts the invoice: if issuing fails the
counter rolls back with it, so numbers are gap-free; `(coop, series_year, sequence)` is unique as
the last guard. Invoices use `<prefix>-<year>-<00001>`; credit notes have their OWN series,
`<prefix>-C<year>-<00001>` (a separate counter, so an invoice series never has a hole where a
credit note took a number, and a reader sees at once which document is which).

An `InvoiceLine` is one shift worked (one approved `HourEntry`, OneToOne: an hour entry is never
billed twice). It stores the euro trail — member wage, employer costs, neighbourhood fund share,
coop operating share — computed with the rule version in force on the WORK date and stamped with
it. A check constraint holds that the four parts sum exactly to `line_total_net`.

A `CreditNote` corrects an issued invoice (never edited): its `CreditNoteLine`s take back all or
part of original lines (amounts stored positive, shown negative) and it posts the reverse in the
books. The sum credited per line never exceeds the line.

Issued documents are immutable: only delivery bookkeeping (`MUTABLE_FIELDS`: PDF, e-mail time,
credit status) may change, through `save(update_fields=...)`; the admin is read-only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.files import private_storage
from coop.models import Cooperative
from coop.rulebook.models import RuleVersion
from jobs.models import HourEntry
from members.models import Business, Member


def invoice_pdf_path(instance: Any, filename: str) -> str:
    """`invoices/<coop>/<number>.pdf`: one predictable file per document."""
    return f"invoices/{instance.coop.slug}/{filename}"


def credit_note_pdf_path(instance: Any, filename: str) -> str:
    return f"credit_notes/{instance.coop.slug}/{filename}"


def _money(verbose_name: Any) -> MoneyField:
    return MoneyField(verbose_name, max_digits=12, decimal_places=2, default_currency="EUR")


class GuardedQuerySet(models.QuerySet[Any]):
    """Issued documents: bulk update only of the model's MUTABLE_FIELDS, never delete."""

    def update(self, **kwargs: Any) -> int:
        mutable: set[str] = getattr(self.model, "MUTABLE_FIELDS", set())
        fields = {k.removesuffix("_currency") for k in kwargs}
        if not fields <= mutable:
            raise TypeError(f"{self.model.__name__}: {sorted(fields - mutable)} cannot change after issue")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} rows are never deleted; issue a credit note")


class ImmutableDocument(models.Model):
    MUTABLE_FIELDS: ClassVar[set[str]] = set()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise TypeError(f"{type(self).__name__} is issued and cannot change; issue a credit note")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are never deleted; issue a credit note")


class InvoiceCounter(models.Model):
    class Series(models.TextChoices):
        INVOICE = "invoice", _("Invoices")
        CREDIT_NOTE = "credit_note", _("Credit notes")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="invoice_counters")
    series = models.CharField(max_length=12, choices=Series.choices, default=Series.INVOICE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")
        constraints = [
            models.UniqueConstraint(fields=["coop", "series", "year"], name="invoice_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.coop} {self.series} {self.year}: {self.last_number}"


class Invoice(ImmutableDocument):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PARTIALLY_CREDITED = "partially_credited", _("Partly credited")
        CREDITED = "credited", _("Fully credited")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.ISSUED: {Status.PARTIALLY_CREDITED, Status.CREDITED},
        Status.PARTIALLY_CREDITED: {Status.PARTIALLY_CREDITED, Status.CREDITED},
        Status.CREDITED: set(),
    }
    MUTABLE_FIELDS: ClassVar[set[str]] = {"status", "pdf", "pdf_rendered_at", "emailed_at"}

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="invoices")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    series_year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    issue_date = models.DateField(_("invoice date"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    payment_term_days = models.PositiveSmallIntegerField(_("payment term (days)"))
    due_date = models.DateField(_("pay before"))
    seller = models.JSONField(_("coop details"), help_text=_("Frozen at issue."))
    buyer = models.JSONField(_("client details"), help_text=_("Frozen at issue."))
    vat_breakdown = models.JSONField(_("net and VAT per rate"), default=list)
    total_net = _money(_("total excluding VAT"))
    total_vat = _money(_("VAT"))
    total_gross = _money(_("total including VAT"))
    pdf = models.FileField(_("PDF"), upload_to=invoice_pdf_path, storage=private_storage, blank=True, max_length=200)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "series_year", "sequence"], name="invoice_sequence_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["issued", "partially_credited", "credited"]),
                name="invoice_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="invoice_period_ordered"
            ),
            models.CheckConstraint(condition=models.Q(total_net__gt=0), name="invoice_not_empty"),
        ]
        indexes = [
            models.Index(fields=["coop", "-issue_date"]),
            models.Index(fields=["business", "-issue_date"]),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(ImmutableDocument):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    hour_entry = models.OneToOneField(HourEntry, on_delete=models.PROTECT, related_name="invoice_line")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoice_lines")
    member_first_name = models.CharField(_("worked by"), max_length=100)
    description = models.CharField(_("description"), max_length=300)
    work_date = models.DateField(_("date"))
    job_category = models.CharField(max_length=40)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    hourly_rate = _money(_("rate per hour"))
    line_total_net = _money(_("amount excluding VAT"))
    vat_code = models.CharField(max_length=10)
    vat_percent = models.DecimalField(_("VAT %"), max_digits=5, decimal_places=2)
    vat_amount = _money(_("VAT"))
    # The euro trail: how line_total_net splits. Sums exactly (remainder cent to operating).
    wage_hourly = _money(_("member wage per hour"))
    member_wage = _money(_("member wage"))
    employer_costs = _money(_("employer costs"))
    fund_share = _money(_("neighbourhood fund"))
    operating_share = _money(_("running the coop"))
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="invoice_lines")

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    # ROUND: SQLite keeps decimals as floats, where 48.00 + 14.40 + 2.64 + 3.96 is not
                    # exactly 69.00. Rounding both sides to the cent is exact on PostgreSQL too.
                    line_total_net=Round(
                        models.F("member_wage")
                        + models.F("employer_costs")
                        + models.F("fund_share")
                        + models.F("operating_share"),
                        2,
                    )
                ),
                name="invoice_line_euro_trail_sums",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    member_wage__gte=0, employer_costs__gte=0, fund_share__gte=0, operating_share__gte=0, hours__gt=0
                ),
                name="invoice_line_parts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["member", "work_date"])]

    def __str__(self) -> str:
        return f"{self.invoice}#{self.position}"


class CreditNote(ImmutableDocument):
    MUTABLE_FIELDS: ClassVar[set[str]] = {"pdf", "pdf_rendered_at", "emailed_at"}

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(_("credit note number"), max_length=30, unique=True)
    series_year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issue_date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500)
    original_number = models.CharField(_("corrects invoice"), max_length=30)
    original_issue_date = models.DateField(_("date of that invoice"))
    seller = models.JSONField()
    buyer = models.JSONField()
    vat_breakdown = models.JSONField(default=list)
    total_net = _money(_("credited excluding VAT"))
    total_vat = _money(_("credited VAT"))
    total_gross = _money(_("credited including VAT"))
    pdf = models.FileField(upload_to=credit_note_pdf_path, storage=private_storage, blank=True, max_length=200)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issue_date", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "series_year", "sequence"], name="credit_note_sequence_unique"),
            models.CheckConstraint(condition=models.Q(total_net__gt=0), name="credit_note_not_empty"),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(ImmutableDocument):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credit_lines")
    description = models.CharField(max_length=300)
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    line_total_net = _money(_("credited excluding VAT"))
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    vat_amount = _money(_("credited VAT"))
    member_wage = _money(_("member wage"))
    employer_costs = _money(_("employer costs"))
    fund_share = _money(_("neighbourhood fund"))
    operating_share = _money(_("running the coop"))

    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        ordering = ["credit_note", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    # ROUND: SQLite keeps decimals as floats, where 48.00 + 14.40 + 2.64 + 3.96 is not
                    # exactly 69.00. Rounding both sides to the cent is exact on PostgreSQL too.
                    line_total_net=Round(
                        models.F("member_wage")
                        + models.F("employer_costs")
                        + models.F("fund_share")
                        + models.F("operating_share"),
                        2,
                    )
                ),
                name="credit_note_line_trail_sums",
            ),
            models.CheckConstraint(condition=models.Q(line_total_net__gt=0), name="credit_note_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note}: {self.line_total_net}"
