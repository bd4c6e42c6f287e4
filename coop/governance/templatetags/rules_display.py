"""`{{ value|rule_value:definition }}`: one rule value in plain words (money, percent, yes/no, lists)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coop.rulebook.definitions import Kind, RuleDefinition
from coop.templatetags.money import format_money

register = template.Library()


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return text if (get_language() or "nl").startswith("en") else text.replace(".", ",")


@register.filter(name="rule_value")
def rule_value(value: Any, definition: RuleDefinition) -> str:
    if value is None:
        return "–"
    kind = definition.kind
    if kind == Kind.MONEY:
        return format_money(value)
    if kind == Kind.MONEY_BY_CATEGORY:
        return "; ".join(f"{category}: {format_money(amount)}" for category, amount in value.items())
    if kind == Kind.PERCENT:
        return f"{_number(Decimal(value))} %"
    if kind == Kind.BOOLEAN:
        return _("yes") if value else _("no")
    if kind == Kind.CHOICE:
        return str(dict(definition.choices).get(value, value))
    if kind == Kind.INTEGER_LIST:
        return ", ".join(str(v) for v in value) + (f" {definition.unit}" if definition.unit else "")
    if kind == Kind.DECIMAL:
        return _number(Decimal(value))
    return f"{value} {definition.unit}".strip()
