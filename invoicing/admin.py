"""Invoices in the admin: read-only. Issued documents are corrected with a credit note, never edited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceCounter, InvoiceLine


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvoiceLineInline(ReadOnlyMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = (
        "position",
        "work_date",
        "member_first_name",
        "hours",
        "hourly_rate",
        "line_total_net",
        "vat_percent",
        "member_wage",
        "employer_costs",
        "fund_share",
        "operating_share",
        "rule_version",
    )
    readonly_fields = fields


class CreditNoteLineInline(ReadOnlyMixin, admin.TabularInline):
    model = CreditNoteLine
    extra = 0
    fields = (
        "invoice_line",
        "hours",
        "line_total_net",
        "vat_amount",
        "member_wage",
        "employer_costs",
        "fund_share",
        "operating_share",
    )
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "coop",
        "business",
        "issue_date",
        "total_gross",
        "status",
        "pdf_rendered_at",
        "emailed_at",
    )
    list_filter = ("coop", "status", "series_year")
    search_fields = ("number", "business__legal_name")
    list_select_related = ("coop", "business")
    inlines = [InvoiceLineInline]
    # A private file has no URL (coop/files.py); the office invoice page offers the download.
    exclude = ("pdf",)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "coop", "original_number", "issue_date", "total_gross", "reason")
    list_filter = ("coop",)
    search_fields = ("number", "original_number")
    list_select_related = ("coop",)
    inlines = [CreditNoteLineInline]
    exclude = ("pdf",)


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("coop", "series", "year", "last_number")
