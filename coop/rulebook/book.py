"""`Rulebook`: one coop's rules and the law, loaded once per request, invoice run or matching round.

Every reader of the rulebook that needs more than one value goes through this object, so the
choices are made in one place:
- which version is in force on a day (the highest-numbered one started by then);
- the member wage of a job category, never below the statutory minimum wage on that day (the
  legal floor is built in, so no caller can forget it);
- the legal tables: VAT rates and the statutory minimum wage on a day.

It loads the coop's versions (with values), the minimum wages and the VAT rates once, lazily, in
three queries, and answers from memory after that. Versions and legal rows are never edited, so a
Rulebook is safe to keep for a whole run; make a new one for the next request or run.

`Rulebook.with_changes` builds the same object from a proposed set of values that is not adopted
yet (counting from its start date): the what-if of a proposal runs the real invoicing and matching
code on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.models import Cooperative
from coop.money import eur, to_decimal
from coop.rulebook.definitions import rule_definition
from coop.rulebook.exceptions import NoRuleVersion, RulebookError
from coop.rulebook.models import MinimumWage, RuleVersion, VatRate
from coop.rulebook.selectors import member_wage_for_category, rule_version_in_force_among, rule_version_values

ADULT_AGE = 21  # the statutory minimum wage table's adult row (law, not policy)


class Rulebook:
    def __init__(self, coop: Cooperative) -> None:
        self.coop = coop
        self._versions: list[RuleVersion] | None = None
        self._values: dict[int, dict[str, Any]] = {}
        self._minimum_wages: list[tuple[dt.date, Money]] | None = None
        self._vat_rates: list[VatRate] | None = None
        self._proposed: tuple[dt.date, dict[str, Any]] | None = None

    @classmethod
    def for_coop(cls, coop: Cooperative) -> Rulebook:
        return cls(coop)

    @classmethod
    def with_changes(cls, coop: Cooperative, *, changes: dict[str, Any], effective_from: dt.date) -> Rulebook:
        """The rulebook as it would be if `changes` counted from `effective_from` (nothing is written).

        Raises RulebookError/ValidationError for an unknown rule or a value out of bounds.
        """
        book = cls(coop)
        base = book.values(effective_from)
        proposed = dict(base)
        for key, raw in changes.items():
            definition = rule_definition(key)
            if isinstance(raw, dict) and isinstance(base.get(key), dict):
                raw = {**definition.serialize(base[key]), **raw}  # a wage table changes per category
            proposed[key] = definition.parse(raw)
        book._proposed = (effective_from, proposed)
        return book

    # --- versions and values ---------------------------------------------------------------------------
    def _loaded_versions(self) -> list[RuleVersion]:
        if self._versions is None:
            self._versions = list(
                RuleVersion.objects.filter(coop=self.coop).prefetch_related("values").order_by("-number")
            )
        return self._versions

    def version(self, on: dt.date) -> RuleVersion:
        """The adopted version in force on a day. Raises NoRuleVersion."""
        version = rule_version_in_force_among(self._loaded_versions(), on)
        if version is None:
            raise NoRuleVersion(_("No rules are in force for %(coop)s on %(day)s.") % {"coop": self.coop, "day": on})
        return version

    def values(self, on: dt.date) -> dict[str, Any]:
        """All parsed values in force on a day (the proposed ones from their start, for a what-if)."""
        if self._proposed is not None and on >= self._proposed[0]:
            return self._proposed[1]
        version = self.version(on)
        if version.pk not in self._values:
            self._values[version.pk] = rule_version_values(version)
        return self._values[version.pk]

    def value(self, key: str, *, on: dt.date) -> Any:
        values = self.values(on)
        if key not in values:
            raise RulebookError(_("Rule %(key)s is missing.") % {"key": key})
        return values[key]

    # --- the law ---------------------------------------------------------------------------------------
    def minimum_wage(self, on: dt.date) -> Money:
        """The statutory minimum wage per hour (adult) on a day. Raises RulebookError."""
        if self._minimum_wages is None:
            self._minimum_wages = [
                (row.valid_from, eur(row.hourly_gross))
                for row in MinimumWage.objects.filter(min_age=ADULT_AGE).order_by("-valid_from")
            ]
        for valid_from, wage in self._minimum_wages:
            if valid_from <= on:
                return wage
        raise RulebookError(_("No statutory minimum wage is known for %(day)s.") % {"day": on})

    def vat(self, code: str, on: dt.date) -> VatRate:
        """The legal VAT rate of a code on a day. Raises RulebookError."""
        if self._vat_rates is None:
            self._vat_rates = list(VatRate.objects.order_by("-valid_from"))
        for rate in self._vat_rates:
            if rate.code == code and rate.valid_from <= on:
                return rate
        raise RulebookError(_("No VAT rate %(code)s is known for %(day)s.") % {"code": code, "day": on})

    def member_wage(self, category: str, *, on: dt.date) -> Money:
        """The member wage per hour of a job category on a day: the rule, never below the statutory minimum."""
        wage = member_wage_for_category(self.values(on), category)
        statutory = self.minimum_wage(on)
        return statutory if to_decimal(statutory) > to_decimal(wage) else wage
