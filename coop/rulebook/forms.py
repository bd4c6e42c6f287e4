"""The form a coordinator or board member fills in to start a new rulebook version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coop.limits import NOTE_MAX_LENGTH
from coop.models import Cooperative
from coop.rulebook.definitions import RULES, Kind, RuleDefinition
from coop.rulebook.models import RuleVersion

CATEGORY_SEPARATOR = "__"
YES_NO = (("true", _("Yes")), ("false", _("No")))


def _as_text(definition: RuleDefinition, value: Any) -> str:
    if definition.kind == Kind.BOOLEAN:
        return "true" if value else "false"
    if definition.kind == Kind.INTEGER_LIST:
        return ", ".join(str(v) for v in value)
    return str(value)


class RuleVersionNewForm(forms.Form):
    """One field per rule (one per job category for wages), prefilled with the version in force.

    Only the values that differ from the latest version are passed on as `changes`; the service
    checks bounds and the law and is the only writer.
    """

    effective_from = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day the new values count. Not before the latest version's date."),
    )
    source = forms.ChoiceField(
        label=_("Decided by"),
        choices=[
            (RuleVersion.Source.GENERAL_MEETING, RuleVersion.Source.GENERAL_MEETING.label),
            (RuleVersion.Source.VOTE, RuleVersion.Source.VOTE.label),
        ],
    )
    note = forms.CharField(
        label=_("Why"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the decision of the general meeting of 12 March."),
    )

    def __init__(self, *args: Any, coop: Cooperative, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coop = coop
        self.current = current
        for definition in RULES:
            value = current.get(definition.key)
            help_text = f"{definition.help} ({definition.unit})" if definition.unit else str(definition.help)
            if definition.kind == Kind.MONEY_BY_CATEGORY:
                for category, amount in (value or {"default": ""}).items():
                    self.fields[f"{definition.key}{CATEGORY_SEPARATOR}{category}"] = forms.CharField(
                        label=f"{definition.label}: {category}",
                        initial=str(amount),
                        help_text=help_text,
                    )
                continue
            field: forms.Field
            if definition.kind == Kind.BOOLEAN:
                field = forms.ChoiceField(choices=YES_NO)
            elif definition.kind == Kind.CHOICE:
                field = forms.ChoiceField(choices=definition.choices)
            else:
                field = forms.CharField()
            field.label = str(definition.label)
            field.help_text = help_text
            field.initial = _as_text(definition, value) if value is not None else ""
            self.fields[definition.key] = field

    def changes(self) -> dict[str, Any]:
        """The rules whose submitted value differs from the current one, as raw values for the service."""
        changes: dict[str, Any] = {}
        for definition in RULES:
            old = self.current.get(definition.key)
            if definition.kind == Kind.MONEY_BY_CATEGORY:
                prefix = f"{definition.key}{CATEGORY_SEPARATOR}"
                raw: Any = {
                    name[len(prefix) :]: self.cleaned_data[name].strip()
                    for name in self.fields
                    if name.startswith(prefix)
                }
            elif definition.kind == Kind.INTEGER_LIST:
                raw = [p.strip() for p in self.cleaned_data[definition.key].split(",") if p.strip()]
            else:
                raw = self.cleaned_data[definition.key].strip()
            try:
                same = definition.parse(raw) == old
            except ValidationError:
                same = False  # let the service refuse it with its own message
            if not same:
                changes[definition.key] = raw
        return changes

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show the service's refusal next to the right field (or above the form)."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                field = key if key in self.fields else None
                for message in errors:
                    self.add_error(field, message if field else f"{key}: {message}")
        else:
            for message in exc.messages:
                self.add_error(None, message)
