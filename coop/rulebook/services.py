"""Writes to the rulebook: only ever a new version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.limits import NOTE_MAX_LENGTH, text_length_errors
from coop.models import Cooperative
from coop.rulebook.definitions import RULES, rule_definition
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import minimum_wage_get, rule_version_values, rulebook_defaults


def _check_against_law(values: dict[str, Any], *, on: dt.date) -> None:
    floor = minimum_wage_get(on=on)
    for category, wage in values["member_wage_hourly"].items():
        if wage < floor.amount:
            raise RulebookError(
                _("The wage for %(category)s (EUR %(wage)s) is below the statutory minimum wage of %(floor)s.")
                % {"category": category, "wage": wage, "floor": floor}
            )


def rule_version_create(
    *,
    coop: Cooperative,
    effective_from: dt.date,
    changes: dict[str, Any],
    source: str,
    actor: Any | None = None,
    note: str = "",
    proposal_ref: str = "",
    tally: dict[str, Any] | None = None,
) -> RuleVersion:
    """Create a new version: the previous version's values with `changes` applied.

    Raises RulebookError/ValidationError if a value is unknown, out of bounds or below the law,
    if the note is too long, or if the date is before the latest version's date.
    """
    too_long = text_length_errors({"note": (note, NOTE_MAX_LENGTH)})
    if too_long:
        raise ValidationError(too_long)
    unknown = set(changes) - {r.key for r in RULES}
    if unknown:
        raise RulebookError(_("Unknown rule: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    with transaction.atomic():
        # Lock the coop row so two adoptions cannot take the same version number.
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        latest = RuleVersion.objects.filter(coop=coop).order_by("-number").first()
        if latest is not None:
            if effective_from < latest.effective_from:
                raise RulebookError(
                    _("A new version cannot start before the latest one (%(day)s).") % {"day": latest.effective_from}
                )
            base = {v.key: v.value for v in latest.values.all()}
        else:
            base = rulebook_defaults()
        raw = {**base, **changes}
        missing = {r.key for r in RULES} - set(raw)
        if missing:
            raise RulebookError(_("Rules without a value: %(keys)s") % {"keys": ", ".join(sorted(missing))})
        parsed: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for key, value in raw.items():
            try:
                parsed[key] = rule_definition(key).parse(value)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ValidationError(errors)
        _check_against_law(parsed, on=effective_from)
        version = RuleVersion.objects.create(
            coop=coop,
            number=(latest.number + 1) if latest else 1,
            effective_from=effective_from,
            source=source,
            note=note,
            proposal_ref=proposal_ref,
            tally=tally or {},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        RuleValue.objects.bulk_create(
            RuleValue(version=version, key=key, value=rule_definition(key).serialize(value))
            for key, value in parsed.items()
        )
        old = rule_version_values(latest) if latest else {}
        audit_record(
            actor=actor,
            action="rulebook.version_created",
            subject=version,
            coop=coop,
            data={
                "number": version.number,
                "effective_from": effective_from,
                "changes": {
                    k: {
                        "old": rule_definition(k).serialize(old[k]) if k in old else None,
                        "new": rule_definition(k).serialize(parsed[k]),
                    }
                    for k in changes
                },
            },
        )
    return version
