"""The cooperative itself and the audit trail every app writes to.

Design overview
---------------
`Cooperative` is one neighbourhood coop: its own legal body with its own KvK number, VAT id, IBAN,
invoice series and neighbourhood (a list of postcode areas). One installation may hold several
(a shared service centre); everything a coop owns points at exactly one of them.

`AuditEvent` is append-only: every change of money or state writes one row in the same
transaction (`coop.audit.audit_record`). When a coordinator acts on behalf of a member, the row
names both people and the consent it relied on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from coop.identifiers import validate_bic, validate_iban, validate_kvk, validate_vat_id


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=120, help_text=_("Short name, e.g. the neighbourhood."))
    slug = models.SlugField(_("slug"), unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk])
    vat_id = models.CharField(_("VAT id"), max_length=20, validators=[validate_vat_id])
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("city"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    postcode_areas = models.JSONField(
        _("neighbourhood postcodes"),
        default=list,
        help_text=_("4-digit postcode areas (e.g. 3526) or 6-character postcodes (e.g. 3526AB)."),
    )
    invoice_prefix = models.CharField(_("invoice prefix"), max_length=10, unique=True)
    wtta_number = models.CharField(_("Wtta admission number"), max_length=30, blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1f5e8c")
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#f2a900")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def covers_postcode(self, postcode: str) -> bool:
        """True if the postcode lies in this coop's neighbourhood (4-digit area or full postcode)."""
        normalized = postcode.replace(" ", "").upper()
        for area in self.postcode_areas:
            area_norm = str(area).replace(" ", "").upper()
            if normalized == area_norm or (len(area_norm) == 4 and normalized[:4] == area_norm):
                return True
        return False


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk update and delete: for records that are never edited (audit, rules, books)."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """A row is written once; corrections are new rows (a reversing entry, a new version)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text=_("Who did it (empty: the system)."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events_on_behalf",
        help_text=_("The member a coordinator acted for, in assisted mode."),
    )
    consent_note = models.CharField(_("consent"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    subject_id = models.CharField(max_length=40, blank=True, db_index=True)
    subject_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject_repr}"
