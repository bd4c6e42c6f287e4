"""Anomalies: what a coordinator must look at (a payment in another currency, an unknown invoice, a dispute)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from coop.audit import audit_record
from coop.models import Cooperative
from invoicing.models import Invoice, PaymentAnomaly


def anomaly_record(
    *,
    coop: Cooperative,
    kind: str,
    source: str,
    description: str,
    invoice: Invoice | None = None,
    data: dict[str, Any] | None = None,
) -> PaymentAnomaly:
    """Record something a coordinator must look at (once per kind and source). Returns it."""
    with transaction.atomic():
        anomaly, created = PaymentAnomaly.objects.get_or_create(
            coop=coop,
            kind=kind,
            source=source[:120],
            defaults={"invoice": invoice, "description": description[:300], "data": data or {}},
        )
        if created:
            audit_record(
                actor=None,
                action="payments.anomaly_recorded",
                subject=anomaly,
                coop=coop,
                data={"kind": kind, "source": source, "invoice": invoice.number if invoice else None},
            )
    return anomaly


def anomaly_resolve(*, anomaly: PaymentAnomaly, actor: Any, note: str) -> PaymentAnomaly:
    """Mark an anomaly handled, with what the coordinator did."""
    with transaction.atomic():
        locked = PaymentAnomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.resolved_at is None:
            locked.resolved_at = timezone.now()
            locked.resolved_by = actor
            locked.resolution_note = note[:300]
            locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
            audit_record(
                actor=actor,
                action="payments.anomaly_resolved",
                subject=locked,
                coop=locked.coop,
                data={"note": note[:300]},
            )
    return locked
