"""Django admin for coordinators: scoped to their coops; statuses change only through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from coop.audit import audit_record
from members.models import Business, BusinessRelation, Member, MemberSkill, Role, Skill, User, WorkerProfile
from members.selectors import coop_ids_staffed_by


def _staffed(request: HttpRequest) -> set[int]:
    return coop_ids_staffed_by(request.user)


class CoopScopedAdmin(admin.ModelAdmin):
    """Non-superusers see only rows of the coops they staff (`coop_path` says how to reach the coop).

    Every change saved here leaves an audit row with the changed fields, like the services do.
    """

    coop_path = "coop_id"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.admin_changed",
                subject=obj,
                data={"fields": sorted(form.changed_data)},
            )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.coop_path}__in": _staffed(request)}).distinct()


class MemberSkillInline(admin.TabularInline):
    model = MemberSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Member)
class MemberAdmin(CoopScopedAdmin):
    list_display = ["member_number", "last_name", "first_name", "coop", "status", "postcode", "applied_at"]
    list_filter = ["status", "coop", "share_capital_status"]
    search_fields = ["first_name", "last_name", "user__email", "postcode", "member_number"]
    list_select_related = ["coop", "user"]
    # Status, decisions, numbers and consent change through services (audit rows, e-mails, locks).
    readonly_fields = [
        "user",
        "coop",
        "status",
        "member_number",
        "applied_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "share_capital",
        "share_capital_status",
        "assisted_consent_at",
        "assisted_consent_note",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join through the application form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is kept; members leave, they are not deleted


@admin.register(WorkerProfile)
class WorkerProfileAdmin(CoopScopedAdmin):
    coop_path = "member__coop_id"
    list_display = ["member", "target_hours_per_week", "max_travel", "updated_at"]
    list_select_related = ["member"]
    search_fields = ["member__first_name", "member__last_name"]
    readonly_fields = ["member"]
    inlines = [MemberSkillInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "name_en", "requires_certificate", "certificate_name", "is_active"]
    list_filter = ["is_active", "requires_certificate"]
    search_fields = ["slug", "name_nl", "name_en"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # take a skill out of use instead; members' history points at it


class BusinessRelationInline(admin.TabularInline):
    model = BusinessRelation
    extra = 0


@admin.register(Business)
class BusinessAdmin(CoopScopedAdmin):
    coop_path = "relations__coop_id"
    list_display = ["legal_name", "trade_name", "kvk_number", "city", "billing_email"]
    search_fields = ["legal_name", "trade_name", "kvk_number"]
    readonly_fields = ["kvk_number", "run_by_member", "created_at"]
    inlines = [BusinessRelationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "coop", "business", "created_at"]
    list_filter = ["kind", "coop"]
    search_fields = ["user__email"]
    list_select_related = ["user", "coop", "business"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(coop_id__in=_staffed(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        staffed = _staffed(request)
        return qs.filter(member__coop_id__in=staffed)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
