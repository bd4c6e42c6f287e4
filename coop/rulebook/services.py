"""Writes to the rulebook: only ever a new version, and after the founding one only by a decision.

Two doors, no third:
- `rule_version_found` writes a coop's first version (the founding values) and nothing else;
- `rule_version_adopt` writes a later version, and only for a decision of the members: a closed
  vote or a confirmed general-meeting decision (coop.governance calls it, passing the proposal).

A new version never starts before today, so approved hours that are not invoiced yet are never
re-priced by a back-dated change, and never later than the rulebook's `rule_change_max_days_ahead`,
so nobody can freeze the rules with a version dated 9999.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.limits import NOTE_MAX_LENGTH, text_length_errors
from coop.models import Cooperative
from coop.rulebook.definitions import RULES, rule_definition
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import (
    minimum_wage_get,
    rule_value,
    rule_version_get_in_force,
    rule_version_values,
    rulebook_defaults,
)

DECISION_SOURCES = (RuleVersion.Source.VOTE, RuleVersion.Source.GENERAL_MEETING)


def _check_against_law(values: dict[str, Any], *, on: dt.date) -> None:
    floor = minimum_wage_get(on=on)
    for category, wage in values["member_wage_hourly"].items():
        if wage < floor.amount:
            raise RulebookError(
                _("The wage for %(category)s (EUR %(wage)s) is below the statutory minimum wage of %(floor)s.")
                % {"category": category, "wage": wage, "floor": floor}
            )


def _parse_all(raw: dict[str, Any]) -> dict[str, Any]:
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
        raise RulebookError(errors)
    return parsed


def rule_change_start_check(*, coop: Cooperative, effective_from: dt.date, today: dt.date | None = None) -> None:
    """Refuse a start date in the past or beyond the rulebook's horizon. Raises RulebookError."""
    today = today or timezone.localdate()
    if effective_from < today:
        raise RulebookError(
            _("A rule change cannot start in the past. Choose %(day)s or later.") % {"day": today},
            code="start_in_past",
        )
    horizon = rule_value(coop, "rule_change_max_days_ahead", on=today)
    latest = today + dt.timedelta(days=horizon)
    if effective_from > latest:
        raise RulebookError(
            _("A rule change can start at most %(days)s days ahead, so on %(day)s at the latest.")
            % {"days": horizon, "day": latest},
            code="start_too_far",
        )


def rule_changes_check(*, coop: Cooperative, changes: dict[str, Any], effective_from: dt.date) -> dict[str, Any]:
    """The full parsed set of values a change would give on its start date, without writing anything.

    The base is the version in force on `effective_from` (a version decided but not yet in force on
    that date is superseded). Raises RulebookError/ValidationError for an unknown rule, a value out
    of bounds or below the statutory minimum wage on that date.
    """
    unknown = set(changes) - {r.key for r in RULES}
    if unknown:
        raise RulebookError(_("Unknown rule: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    base = {
        key: rule_definition(key).serialize(value)
        for key, value in rule_version_values(rule_version_get_in_force(coop, on=effective_from)).items()
    }
    merged = dict(base)
    for key, value in changes.items():
        # A wage table changes per category: the categories a change leaves out keep their value.
        merged[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    parsed = _parse_all(merged)
    _check_against_law(parsed, on=effective_from)
    return parsed


def _version_write(
    *,
    coop: Cooperative,
    effective_from: dt.date,
    parsed: dict[str, Any],
    changed_keys: set[str],
    source: str,
    actor: Any | None,
    note: str,
    proposal_id: int | None,
    proposal_ref: str,
    tally: dict[str, Any],
    old: dict[str, Any],
) -> RuleVersion:
    latest = RuleVersion.objects.filter(coop=coop).order_by("-number").first()
    version = RuleVersion.objects.create(
        coop=coop,
        number=(latest.number + 1) if latest else 1,
        effective_from=effective_from,
        source=source,
        note=note,
        proposal_id=proposal_id,
        proposal_ref=proposal_ref,
        tally=tally,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    RuleValue.objects.bulk_create(
        RuleValue(version=version, key=key, value=rule_definition(key).serialize(value))
        for key, value in parsed.items()
    )
    audit_record(
        actor=actor,
        action="rulebook.version_created",
        subject=version,
        coop=coop,
        data={
            "number": version.number,
            "effective_from": effective_from,
            "source": source,
            "proposal": proposal_ref,
            "changes": {
                k: {
                    "old": rule_definition(k).serialize(old[k]) if k in old else None,
                    "new": rule_definition(k).serialize(parsed[k]),
                }
                for k in sorted(changed_keys)
            },
        },
    )
    return version


def rule_version_found(
    *, coop: Cooperative, effective_from: dt.date, actor: Any | None, changes: dict[str, Any] | None = None
) -> RuleVersion:
    """Write a new coop's first version: the founding values (defaults.json, plus `changes`).

    Raises RulebookError if the coop already has a version (later ones need a decision), or for
    values out of bounds or below the law.
    """
    changes = changes or {}
    with transaction.atomic():
        # Lock the coop row so two writers cannot take the same version number.
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        if RuleVersion.objects.filter(coop=coop).exists():
            raise RulebookError(
                _("This coop already has its rules. Only a decision of the members can change them."),
                code="already_founded",
            )
        unknown = set(changes) - {r.key for r in RULES}
        if unknown:
            raise RulebookError(_("Unknown rule: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
        parsed = _parse_all({**rulebook_defaults(), **changes})
        _check_against_law(parsed, on=effective_from)
        return _version_write(
            coop=coop,
            effective_from=effective_from,
            parsed=parsed,
            changed_keys=set(parsed),
            source=RuleVersion.Source.FOUNDING,
            actor=actor,
            note="",
            proposal_id=None,
            proposal_ref="",
            tally={},
            old={},
        )


def rule_version_adopt(
    *,
    coop: Cooperative,
    effective_from: dt.date,
    changes: dict[str, Any],
    source: str,
    proposal_id: int,
    proposal_ref: str,
    tally: dict[str, Any],
    actor: Any | None,
    note: str = "",
) -> RuleVersion:
    """Write the version a decision adopted: the values in force on its start date with `changes` applied.

    Called only by coop.governance when a vote closes with a pass or a general-meeting decision is
    confirmed. Raises RulebookError/ValidationError for a start in the past or too far ahead, an
    unknown rule, a value out of bounds or below the law, a missing founding version or decision.
    """
    if source not in DECISION_SOURCES:
        raise RulebookError(_("Only a vote or a general meeting can change the rules."), code="no_decision")
    if not proposal_id:
        raise RulebookError(_("A rule change needs the decision that adopted it."), code="no_decision")
    if not changes:
        raise RulebookError(_("Nothing changed: change at least one value."), code="no_changes")
    too_long = text_length_errors({"note": (note, NOTE_MAX_LENGTH)})
    if too_long:
        raise RulebookError(too_long)
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        if not RuleVersion.objects.filter(coop=coop).exists():
            raise RulebookError(_("This coop has no founding rules yet."), code="not_founded")
        rule_change_start_check(coop=coop, effective_from=effective_from)
        old = rule_version_values(rule_version_get_in_force(coop, on=effective_from))
        parsed = rule_changes_check(coop=coop, changes=changes, effective_from=effective_from)
        return _version_write(
            coop=coop,
            effective_from=effective_from,
            parsed=parsed,
            changed_keys=set(changes),
            source=source,
            actor=actor,
            note=note,
            proposal_id=proposal_id,
            proposal_ref=proposal_ref,
            tally=tally,
            old=old,
        )
