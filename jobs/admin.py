"""Admin for jobs: read-mostly. State changes go through the services (and the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jobs.models import Assignment, CalendarFeed, Job, MatchingRound, Offer, Shift


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ("date", "start_time", "end_time", "seats", "status", "cancelled_reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "business",
        "coop",
        "category",
        "hourly_client_rate",
        "assign_mode",
        "status",
        "created_at",
    ]
    list_filter = ["coop", "status", "assign_mode", "category"]
    search_fields = ["title", "business__legal_name", "business__trade_name"]
    list_select_related = ["business", "coop"]
    inlines = [ShiftInline]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["job", "date", "start_time", "end_time", "seats", "status"]
    list_filter = ["status", "job__coop"]
    date_hierarchy = "date"
    list_select_related = ["job__business"]


@admin.register(MatchingRound)
class MatchingRoundAdmin(ReadOnlyAdmin):
    list_display = ["coop", "started_at", "trigger", "open_seats", "offers_made", "unfilled_seats"]
    list_filter = ["coop", "trigger"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["member", "shift", "status", "score", "expires_at", "responded_at"]
    list_filter = ["status"]
    list_select_related = ["member", "shift__job"]
    search_fields = ["member__first_name", "member__last_name", "shift__job__title"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["member", "shift", "status", "assigned_by", "reason", "created_at"]
    list_filter = ["status"]
    list_select_related = ["member", "shift__job", "assigned_by"]
    search_fields = ["member__first_name", "member__last_name", "shift__job__title"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["member", "created_at"]
    exclude = ["token"]
