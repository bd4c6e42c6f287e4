"""Kernel admin: cooperatives (created through `cooperative_create`) and the read-only audit trail.

A coop's IBAN, BIC, KvK number and VAT id are checked and stored compact (`coop.identifiers`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.audit import audit_record
from coop.identifiers import IdentifierAdminMixin
from coop.models import AuditEvent, Cooperative
from coop.rulebook.admin import ReadOnlyAdminMixin, coops_staffed_by
from coop.services import cooperative_create

COOP_FIELDS: tuple[str, ...] = (
    "name",
    "slug",
    "legal_name",
    "kvk_number",
    "vat_id",
    "iban",
    "bic",
    "street",
    "postcode",
    "city",
    "email",
    "phone",
    "website",
    "postcode_areas",
    "invoice_prefix",
    "wtta_number",
    "primary_color",
    "accent_color",
)


class HttpsURLField(forms.URLField):
    """A website typed without a scheme ("wijkwerk.nl") is taken as https:// (Django 6's default)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(assume_scheme="https", **kwargs)


class CooperativeAddForm(forms.ModelForm):
    founded_on = forms.DateField(
        label=_("Rulebook in force from"),
        initial=timezone.localdate,
        help_text=_("The first rulebook version (the founding values) counts from this day."),
    )

    class Meta:
        model = Cooperative
        fields = COOP_FIELDS
        field_classes = {"website": HttpsURLField}


@admin.register(Cooperative)
class CooperativeAdmin(IdentifierAdminMixin, admin.ModelAdmin):
    list_display = ["name", "legal_name", "kvk_number", "invoice_prefix", "city"]
    search_fields = ["name", "legal_name", "kvk_number"]
    prepopulated_fields = {"slug": ["name"]}
    fields = COOP_FIELDS
    formfield_overrides = {models.URLField: {"form_class": HttpsURLField}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cooperative]:
        return super().get_queryset(request).filter(pk__in=coops_staffed_by(request.user).values("pk"))

    def get_form(
        self, request: HttpRequest, obj: Cooperative | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Cooperative]]:
        if obj is None:
            kwargs["form"] = CooperativeAddForm
            kwargs["fields"] = (*COOP_FIELDS, "founded_on")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Cooperative | None = None) -> tuple[str, ...]:
        return COOP_FIELDS if obj is not None else (*COOP_FIELDS, "founded_on")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new neighbourhood coop is a decision for the installation's administrator.
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a coop owns books, invoices and votes that must outlive any mistake

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ReadOnlyAdminMixin.has_view_permission(self, request, obj)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: Cooperative, form: ModelForm[Cooperative], change: bool) -> None:
        if not change:
            created = cooperative_create(
                actor=request.user,
                founded_on=form.cleaned_data.get("founded_on") or timezone.localdate(),
                **{name: form.cleaned_data[name] for name in COOP_FIELDS},
            )
            obj.pk = created.pk
            obj.created_at = created.created_at
            obj._state.adding = False
            return
        with transaction.atomic():
            # `obj` holds what is stored: the compact IBAN, not the spaced one that was typed.
            changed = {name: {"old": form.initial.get(name), "new": getattr(obj, name)} for name in form.changed_data}
            obj.save()
            audit_record(actor=request.user, action="coop.updated", subject=obj, coop=obj, data=changed)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "coop", "action", "subject_repr", "actor", "on_behalf_of"]
    list_filter = ["action", "coop"]
    list_select_related = ["coop", "actor", "on_behalf_of"]
    search_fields = ["action", "subject_repr", "subject_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "coop",
        "action",
        "subject_type",
        "subject_id",
        "subject_repr",
        "actor",
        "on_behalf_of",
        "consent_note",
        "data",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(coop__in=coops_staffed_by(request.user))
