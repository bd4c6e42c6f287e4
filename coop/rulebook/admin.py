"""Rulebook admin: versions and legal tables are shown, never edited, and never made here.

A rule change is a decision of the members (coop.governance: a closed vote, or a general-meeting
decision recorded by one board member and confirmed by another); the admin has no door to make a
version. The legal tables (VAT, statutory minimum wage) change only through data migrations,
because they are law, not something a coop decides.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from coop.models import Cooperative
from coop.rulebook.models import MinimumWage, RuleValue, RuleVersion, VatRate

STAFF_ROLE_KINDS = ("coordinator", "board")


def coops_staffed_by(user: Any) -> QuerySet[Cooperative]:
    """The coops whose rulebook this user may see in the admin (all of them for a superuser)."""
    if user.is_superuser:
        return Cooperative.objects.all()
    # Through the reverse relation so this kernel module imports nothing from `members`.
    return Cooperative.objects.filter(roles__user=user, roles__kind__in=STAFF_ROLE_KINDS).distinct()


class ReadOnlyAdminMixin:
    """Immutable records: visible to the coop's staff, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or coops_staffed_by(user).exists()))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class RuleValueInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RuleValue
    fields = ["key", "value"]
    readonly_fields = ["key", "value"]
    extra = 0
    can_delete = False


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["coop", "number", "effective_from", "source", "proposal", "created_at"]
    list_filter = ["source", "coop"]
    list_select_related = ["coop"]
    readonly_fields = [
        "coop",
        "number",
        "effective_from",
        "source",
        "note",
        "proposal",
        "tally",
        "created_by",
        "created_at",
    ]
    inlines = [RuleValueInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleVersion]:
        return super().get_queryset(request).filter(coop__in=coops_staffed_by(request.user)).select_related("proposal")


@admin.register(VatRate)
class VatRateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "percent", "valid_from", "legal_source"]
    readonly_fields = ["code", "percent", "valid_from", "legal_source"]


@admin.register(MinimumWage)
class MinimumWageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["min_age", "hourly_gross", "valid_from", "legal_source"]
    readonly_fields = ["min_age", "hourly_gross", "valid_from", "legal_source"]
