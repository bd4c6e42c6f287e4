"""Governance admin: proposals, tallies and meeting records are shown to the coop's staff, never edited here.

Every decision goes through coop.governance.services (votes, closing, four-eyes confirmation); how a
member voted is never shown, not even here: votes and electors are not registered at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from coop.governance.models import FundPayout, GeneralMeetingRecord, Proposal, Tally
from coop.rulebook.admin import ReadOnlyAdminMixin, coops_staffed_by


class CoopScopedReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    coop_path = "coop"

    def get_queryset(self, request: HttpRequest) -> QuerySet:  # type: ignore[type-arg]
        return super().get_queryset(request).filter(**{f"{self.coop_path}__in": coops_staffed_by(request.user)})


@admin.register(Proposal)
class ProposalAdmin(CoopScopedReadOnly):
    list_display = ["coop", "number", "title", "kind", "channel", "body", "status", "closes_at"]
    list_filter = ["status", "kind", "channel", "coop"]
    list_select_related = ["coop"]
    search_fields = ["title"]
    exclude = ["rule_changes"]
    readonly_fields = [f.name for f in Proposal._meta.concrete_fields if f.name != "rule_changes"]


@admin.register(Tally)
class TallyAdmin(CoopScopedReadOnly):
    coop_path = "proposal__coop"
    list_display = ["proposal", "electorate", "votes_for", "votes_against", "abstentions", "passed"]
    readonly_fields = [f.name for f in Tally._meta.concrete_fields]


@admin.register(GeneralMeetingRecord)
class GeneralMeetingRecordAdmin(CoopScopedReadOnly):
    coop_path = "proposal__coop"
    list_display = ["proposal", "meeting_date", "recorded_by", "confirmed_by"]
    readonly_fields = [f.name for f in GeneralMeetingRecord._meta.concrete_fields if f.name != "minutes"]
    exclude = ["minutes"]


@admin.register(FundPayout)
class FundPayoutAdmin(CoopScopedReadOnly):
    list_display = ["proposal", "amount", "status", "created_at"]
    readonly_fields = [f.name for f in FundPayout._meta.concrete_fields]
