"""Rulebook admin: versions and legal tables are shown, never edited.

A rule change is a new version (`rule_version_create`), started from the "New version" page; the
legal tables (VAT, statutory minimum wage) change only through data migrations, because they are
law, not something a coop decides.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from coop.models import Cooperative
from coop.rulebook.forms import RuleVersionNewForm
from coop.rulebook.models import MinimumWage, RuleValue, RuleVersion, VatRate
from coop.rulebook.selectors import rule_version_values
from coop.rulebook.services import rule_version_create

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
    list_display = ["coop", "number", "effective_from", "source", "proposal_ref", "created_at"]
    list_filter = ["source", "coop"]
    list_select_related = ["coop"]
    readonly_fields = [
        "coop",
        "number",
        "effective_from",
        "source",
        "note",
        "proposal_ref",
        "tally",
        "created_by",
        "created_at",
    ]
    inlines = [RuleValueInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleVersion]:
        return super().get_queryset(request).filter(coop__in=coops_staffed_by(request.user))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("new/", self.admin_site.admin_view(self.new_version_choose_view), name="rulebook_ruleversion_new"),
            path(
                "new/<int:coop_id>/",
                self.admin_site.admin_view(self.new_version_view),
                name="rulebook_ruleversion_new_for_coop",
            ),
        ]
        return own + super().get_urls()

    def new_version_choose_view(self, request: HttpRequest) -> HttpResponse:
        """Pick the coop (skipped when the user has only one)."""
        coops = list(coops_staffed_by(request.user))
        if not coops:
            raise PermissionDenied
        if len(coops) == 1:
            return HttpResponseRedirect(reverse("admin:rulebook_ruleversion_new_for_coop", args=[coops[0].pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("New rulebook version"),
            "coops": coops,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rulebook/ruleversion/new_version_choose.html", context)

    def new_version_view(self, request: HttpRequest, coop_id: int) -> HttpResponse:
        """Collect the changed values and create the new version; bad values come back as form errors."""
        coop = get_object_or_404(coops_staffed_by(request.user), pk=coop_id)
        latest = RuleVersion.objects.filter(coop=coop).order_by("-number").prefetch_related("values").first()
        current = rule_version_values(latest) if latest else {}
        form = RuleVersionNewForm(request.POST or None, coop=coop, current=current)
        if request.method == "POST" and form.is_valid():
            changes = form.changes()
            if not changes:
                form.add_error(None, _("Nothing changed: change at least one value."))
            else:
                try:
                    version = rule_version_create(
                        coop=coop,
                        effective_from=form.cleaned_data["effective_from"],
                        changes=changes,
                        source=form.cleaned_data["source"],
                        actor=request.user,
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    self.message_user(
                        request,
                        _("Version %(number)s of the rulebook of %(coop)s is in force from %(day)s.")
                        % {"number": version.number, "coop": coop, "day": version.effective_from},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:rulebook_ruleversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("New rulebook version for %(coop)s") % {"coop": coop},
            "form": form,
            "coop": coop,
            "latest": latest,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rulebook/ruleversion/new_version.html", context)


@admin.register(VatRate)
class VatRateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "percent", "valid_from", "legal_source"]
    readonly_fields = ["code", "percent", "valid_from", "legal_source"]


@admin.register(MinimumWage)
class MinimumWageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["min_age", "hourly_gross", "valid_from", "legal_source"]
    readonly_fields = ["min_age", "hourly_gross", "valid_from", "legal_source"]
