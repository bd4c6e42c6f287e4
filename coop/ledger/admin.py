"""The books in the admin: read-only, because ledger rows are append-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from coop.ledger.models import Account, LedgerLeg, LedgerTransaction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LegInline(admin.TabularInline):
    model = LedgerLeg
    extra = 0
    can_delete = False
    readonly_fields = ("account", "debit", "credit")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("coop", "code", "name", "business_id", "member_id")
    list_filter = ("coop", "code")
    search_fields = ("name",)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "coop", "description", "reference", "source_type", "source_id")
    list_filter = ("coop",)
    search_fields = ("description", "reference")
    inlines = [LegInline]
