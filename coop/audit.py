"""audit_record(): every change of money or state leaves one row, in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from coop.models import AuditEvent, Cooperative


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    # Money, Decimal, dates: stored as their string forms so the row reads the same forever.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: Any | None,
    action: str,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
    coop: Cooperative | None = None,
    on_behalf_of: Any | None = None,
    consent_note: str = "",
) -> AuditEvent:
    """Write one audit row; `actor` None means the system. Returns the row."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if coop is None and subject is not None:
        coop = getattr(subject, "coop", None)
        if coop is not None and not isinstance(coop, Cooperative):
            coop = None
    return AuditEvent.objects.create(
        coop=coop,
        actor=actor,
        on_behalf_of=on_behalf_of,
        consent_note=consent_note[:300],
        action=action,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        subject_repr=str(subject)[:200] if subject is not None else "",
        data=_jsonable(data or {}),
    )


def audit_list_for_subject(subject: models.Model, *, limit: int = 100) -> list[AuditEvent]:
    """The newest audit rows about one object, with actors loaded."""
    return list(
        AuditEvent.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk))
        .select_related("actor", "on_behalf_of")
        .order_by("-created_at", "-id")[:limit]
    )
