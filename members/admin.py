"""Django admin for coordinators: scoped to their coops; statuses change only through services.

Every write here either goes through the service that writes its audit row (roles, access, skills,
a member's skills, a business's details) or leaves an audit row with old and new values in the same
transaction (the plain fields of a member or worker profile). Nothing of a coop's data is deleted here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from coop.audit import audit_record
from coop.identifiers import IdentifierAdminMixin, iban_hint
from members.models import Business, BusinessRelation, Member, MemberSkill, Role, Skill, User, WorkerProfile
from members.selectors import AuditContext, coop_ids_staffed_by, user_is_service_centre
from members.services import (
    business_update,
    group_save,
    member_skills_set,
    role_grant,
    role_revoke,
    skill_create,
    skill_update,
    user_admin_update,
    user_create_by_admin,
)
from members.services.businesses import BUSINESS_EDITABLE, business_fields_clean
from members.services.profiles import member_skills_check
from members.services.roles import role_fields_check
from members.services.skills import skill_fields_clean

SKILL_FIELDS = ("slug", "name_nl", "name_en", "requires_certificate", "certificate_name")


def _staffed(request: HttpRequest) -> set[int]:
    return coop_ids_staffed_by(request.user)


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.for_user(request.user)


def _mark_saved(obj: Any, saved: Any) -> None:
    """The admin goes on with `obj` (log entry, redirect): give it the row the service wrote."""
    obj.pk = saved.pk
    obj._state.adding = False


def _audit_value(name: str, value: Any) -> Any:
    # Audit rows are shown to coordinators: an account number only as much as recognises it.
    return iban_hint(str(value or "")) if name == "iban" else value


class CoopScopedAdmin(IdentifierAdminMixin, admin.ModelAdmin):
    """Non-superusers see only rows of the coops they staff (`coop_path` says how to reach the coop).

    A change saved here leaves an audit row with the old and new value of each changed field, in
    the same transaction. Deleting is not possible: history is kept.
    """

    coop_path = "coop_id"

    def audit_coop(self, obj: Any) -> Any:
        return getattr(obj, "coop", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = {
                name: {"old": _audit_value(name, old), "new": _audit_value(name, new)}
                for name in form.changed_data
                # A form may call a JSON field changed when only its spelling differs: skip those.
                if (old := form.initial.get(name)) != (new := getattr(obj, name, form.cleaned_data.get(name)))
            }
            if changes:
                audit_record(
                    actor=request.user,
                    action=f"{obj._meta.model_name}.admin_changed",
                    subject=obj,
                    coop=self.audit_coop(obj),
                    data=changes,
                )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.coop_path}__in": _staffed(request)}).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members apply and businesses register on the public forms (services, audit rows)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is kept; people leave and businesses end, they are not deleted


class MemberSkillFormSet(BaseInlineFormSet):
    """A member's skills as one set, checked and saved by `member_skills_set` (its audit row)."""

    def chosen(self) -> dict[int, dt.date | None]:
        chosen: dict[int, dt.date | None] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and data.get("DELETE")) or not data.get("skill"):
                continue
            chosen[data["skill"].pk] = data.get("certificate_valid_until")
        return chosen

    def clean(self) -> None:
        super().clean()
        if self.has_changed() and not any(form.errors for form in self.forms):
            member_skills_check(skills=self.chosen())


class MemberSkillInline(admin.TabularInline):
    model = MemberSkill
    formset = MemberSkillFormSet
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Member)
class MemberAdmin(CoopScopedAdmin):
    list_display = ["member_number", "last_name", "first_name", "coop", "status", "postcode", "applied_at"]
    list_filter = ["status", "coop"]
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
        "suspension_reason",
        "assisted_consent_at",
        "assisted_consent_note",
    ]


@admin.register(WorkerProfile)
class WorkerProfileAdmin(CoopScopedAdmin):
    coop_path = "member__coop_id"
    list_display = ["member", "target_hours_per_week", "max_travel", "updated_at"]
    list_select_related = ["member"]
    search_fields = ["member__first_name", "member__last_name"]
    readonly_fields = ["member"]
    inlines = [MemberSkillInline]

    def audit_coop(self, obj: WorkerProfile) -> Any:
        return obj.member.coop

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if not isinstance(formset, MemberSkillFormSet):
            super().save_formset(request, form, formset, change)
            return
        if formset.has_changed():
            member_skills_set(ctx=_ctx(request), member=form.instance.member, skills=formset.chosen())
        # The admin's own change message reads these; the audit row above has the details.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class SkillAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            try:
                data.update(
                    skill_fields_clean(
                        slug=data.get("slug") or "",
                        name_nl=data.get("name_nl") or "",
                        name_en=data.get("name_en") or "",
                        requires_certificate=bool(data.get("requires_certificate")),
                        certificate_name=data.get("certificate_name") or "",
                    )
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """One catalogue for all coops, edited only by the service centre (docs/decisions/035)."""

    form = SkillAdminForm
    list_display = ["slug", "name_nl", "name_en", "requires_certificate", "certificate_name", "is_active"]
    list_filter = ["is_active", "requires_certificate"]
    search_fields = ["slug", "name_nl", "name_en"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_service_centre(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_service_centre(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # take a skill out of use instead; members' history points at it

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in SKILL_FIELDS}
        if change:
            saved = skill_update(ctx=_ctx(request), skill=obj, is_active=form.cleaned_data["is_active"], **fields)
        else:
            saved = skill_create(ctx=_ctx(request), **fields)
            if not form.cleaned_data["is_active"]:
                saved = skill_update(ctx=_ctx(request), skill=saved, is_active=False, **fields)
        _mark_saved(obj, saved)


class BusinessRelationInline(admin.TabularInline):
    """Which coops a business works with: set at registration, shown here."""

    model = BusinessRelation
    extra = 0
    readonly_fields = ("coop", "status", "since")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BusinessAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            typed: dict[str, Any] = {name: data.get(name) for name in BUSINESS_EDITABLE}
            try:
                cleaned = business_fields_clean(kvk_number=self.instance.kvk_number, **typed)
            except ValidationError as exc:
                self.add_error(None, exc)
            else:
                data.update({name: cleaned[name] for name in BUSINESS_EDITABLE})
        return data


@admin.register(Business)
class BusinessAdmin(CoopScopedAdmin):
    form = BusinessAdminForm
    coop_path = "relations__coop_id"
    list_display = ["legal_name", "trade_name", "kvk_number", "city", "billing_email"]
    search_fields = ["legal_name", "trade_name", "kvk_number"]
    readonly_fields = ["kvk_number", "run_by_member", "created_at"]
    inlines = [BusinessRelationInline]

    def save_model(self, request: HttpRequest, obj: Business, form: Any, change: bool) -> None:
        business_update(
            ctx=_ctx(request), business=obj, **{name: form.cleaned_data[name] for name in BUSINESS_EDITABLE}
        )


class RoleAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        if not self.errors and data.get("user"):
            try:
                role_fields_check(
                    user=data["user"], kind=data.get("kind") or "", coop=data.get("coop"), business=data.get("business")
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def _post_clean(self) -> None:
        # `role_fields_check` has said what is wrong in words; the model's constraint names would not.
        if not self.errors:
            super()._post_clean()  # type: ignore[misc]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are given (`role_grant`) and taken away (`role_revoke`), never edited in place."""

    form = RoleAdminForm
    list_display = ["user", "kind", "coop", "business", "created_at"]
    list_filter = ["kind", "coop"]
    search_fields = ["user__email"]
    list_select_related = ["user", "coop", "business"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(coop_id__in=_staffed(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # take the role away and give the new one: two audit rows that say what happened

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        data = form.cleaned_data
        role = role_grant(
            ctx=_ctx(request),
            user=data["user"],
            kind=data["kind"],
            coop=data.get("coop"),
            business=data.get("business"),
        )
        _mark_saved(obj, role)

    def delete_model(self, request: HttpRequest, obj: Role) -> None:
        role_revoke(ctx=_ctx(request), role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        for role in queryset.order_by("pk"):
            role_revoke(ctx=_ctx(request), role=role)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins and admin access: changed only by a superuser, through services that audit each change."""

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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a login off (is_active) instead: audit rows and history point at users

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            _mark_saved(obj, user_create_by_admin(ctx=_ctx(request), email=data["email"], password=data["password1"]))
            return
        user_admin_update(
            ctx=_ctx(request),
            user=obj,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            preferred_language=data["preferred_language"],
            is_active=data["is_active"],
            is_staff=data["is_staff"],
            is_superuser=data["is_superuser"],
            groups=data["groups"],
            user_permissions=data["user_permissions"],
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Groups and permissions were set by `user_admin_update` (with its audit row), not by the form.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit_record(actor=request.user, action="user.password_set_by_admin", subject=User.objects.get(pk=id))
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Groups carry permissions to every member of them: saved through `group_save` (audited)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # empty a group instead, which leaves an audit row

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        group = group_save(
            ctx=_ctx(request),
            group=obj if change else None,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
        )
        _mark_saved(obj, group)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
