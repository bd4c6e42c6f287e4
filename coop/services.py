"""Writes about the cooperative itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from coop.audit import audit_record
from coop.models import Cooperative
from coop.rulebook.services import rule_version_found


def cooperative_create(*, actor: Any | None, founded_on: dt.date, **fields: Any) -> Cooperative:
    """Create a coop with its first rulebook version (the founding defaults) in force from `founded_on`."""
    with transaction.atomic():
        coop = Cooperative(**fields)
        coop.full_clean()
        coop.save()
        audit_record(actor=actor, action="coop.created", subject=coop, coop=coop, data={"name": coop.name})
        rule_version_found(coop=coop, effective_from=founded_on, actor=actor)
    return coop
