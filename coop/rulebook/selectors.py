"""Reads of the rulebook: which version is in force, what a rule's value is, what the law says."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.definitions import rule_definition
from coop.rulebook.exceptions import NoRuleVersion, RulebookError
from coop.rulebook.models import MinimumWage, RuleVersion, VatRate

DEFAULTS_PATH = Path(__file__).with_name("defaults.json")


def rulebook_defaults() -> dict[str, Any]:
    """The first-version values from defaults.json (data, not code)."""
    data = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def rule_version_get_in_force(coop: Cooperative, *, on: dt.date | None = None) -> RuleVersion:
    """The version in force on a date (today if None): the highest-numbered one started by then.

    A later decision may start earlier than a version decided before it but not yet in force; the
    higher number wins, so that pending version is superseded. Raises NoRuleVersion.
    """
    day = on or timezone.localdate()
    version = (
        RuleVersion.objects.filter(coop=coop, effective_from__lte=day)
        .order_by("-number")
        .prefetch_related("values")
        .first()
    )
    if version is None:
        raise NoRuleVersion(_("No rules are in force for %(coop)s on %(day)s.") % {"coop": coop, "day": day})
    return version


def rule_version_values(version: RuleVersion) -> dict[str, Any]:
    """All values of one version, parsed to their Python types."""
    return {v.key: rule_definition(v.key).parse(v.value) for v in version.values.all()}


def rule_value(coop: Cooperative, key: str, *, on: dt.date | None = None) -> Any:
    """The value of one rule for a coop on a date. Raises NoRuleVersion or RulebookError."""
    definition = rule_definition(key)
    version = rule_version_get_in_force(coop, on=on)
    for value in version.values.all():
        if value.key == key:
            return definition.parse(value.value)
    raise RulebookError(_("Rule %(key)s is missing in version %(v)s.") % {"key": key, "v": version.number})


def rule_values(coop: Cooperative, *, on: dt.date | None = None) -> tuple[RuleVersion, dict[str, Any]]:
    """The version in force and all its parsed values, in two queries."""
    version = rule_version_get_in_force(coop, on=on)
    return version, rule_version_values(version)


def member_wage_for_category(values: dict[str, Any], category: str) -> Money:
    """The hourly member wage for a job category from a version's values (falls back to default)."""
    wages: dict[str, Decimal] = values["member_wage_hourly"]
    return eur(wages.get(category, wages["default"]))


def rule_version_list(coop: Cooperative) -> list[RuleVersion]:
    """All versions of a coop, newest first, with values loaded."""
    return list(
        RuleVersion.objects.filter(coop=coop).select_related("proposal").prefetch_related("values").order_by("-number")
    )


def rule_version_in_force_among(versions: list[RuleVersion], day: dt.date) -> RuleVersion | None:
    """The version in force on `day` among already loaded versions (same choice as the query above)."""
    started = [v for v in versions if v.effective_from <= day]
    return max(started, key=lambda v: v.number) if started else None


def rule_version_superseded(versions: list[RuleVersion], version: RuleVersion) -> bool:
    """True if a later decision starts on or before this version's start, so it never comes into force."""
    return any(v.number > version.number and v.effective_from <= version.effective_from for v in versions)


def vat_rate_get(code: str = VatRate.Code.HIGH, *, on: dt.date) -> VatRate:
    """The legal VAT rate of a code on a date. Raises RulebookError if the table has none."""
    rate = VatRate.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from").first()
    if rate is None:
        raise RulebookError(_("No VAT rate %(code)s is known for %(day)s.") % {"code": code, "day": on})
    return rate


def minimum_wage_get(*, on: dt.date, age: int = 21) -> Money:
    """The statutory minimum wage per hour for an age on a date. Raises RulebookError."""
    rows = MinimumWage.objects.filter(valid_from__lte=on).order_by("-valid_from", "-min_age")
    # Only the adult (21+) rate is tabled: the coop pays every member at least that, which is
    # never below a youth rate. A younger age falls back to the lowest tabled age.
    row = rows.filter(min_age__lte=age).first() or rows.order_by("-valid_from", "min_age").first()
    if row is None:
        raise RulebookError(_("No statutory minimum wage is known for %(day)s.") % {"day": on})
    return eur(row.hourly_gross)
