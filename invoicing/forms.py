"""Forms of invoicing: validate at the edge; the services check everything again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from coop.templatetags.money import format_money
from invoicing.models import InvoiceLine

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "utrecht-textbox"}, format="%Y-%m-%d")


class InvoiceRunForm(forms.Form):
    until = forms.DateField(
        label=_("Bill approved hours up to and including"),
        widget=DATE_INPUT,
        help_text=_("Usually the last day of the past week or month."),
    )

    def clean_until(self) -> dt.date:
        until: dt.date = self.cleaned_data["until"]
        if until > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day in the past."))
        return until


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
        help_text=_("The client sees this on the credit note."),
    )
    credit_all = forms.BooleanField(
        label=_("Credit everything that is left of this invoice"),
        required=False,
    )

    def __init__(self, *args: Any, lines: list[InvoiceLine], left: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.left = left
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=_("Line %(pos)s: %(date)s, %(who)s, %(hours)s h × %(rate)s")
                % {
                    "pos": line.position,
                    "date": line.work_date.strftime("%d-%m-%Y"),
                    "who": line.member_first_name,
                    "hours": formats.localize(line.hours),
                    "rate": format_money(line.hourly_rate),
                },
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                help_text=_("At most %(left)s (excluding VAT).")
                % {"left": format_money(left.get(line.pk, Decimal(0)))},
                widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "step": "0.01", "inputmode": "decimal"}),
            )

    def line_fields(self) -> list[forms.BoundField]:
        return [self[f"line_{line.pk}"] for line in self.lines]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not data.get("credit_all"):
            amounts = self.amounts()
            if not amounts:
                raise forms.ValidationError(_("Tick 'credit everything' or enter an amount for at least one line."))
            for line in self.lines:
                asked = amounts.get(line.pk)
                if asked is not None and asked > self.left.get(line.pk, Decimal(0)):
                    self.add_error(
                        f"line_{line.pk}",
                        _("You cannot credit more than was invoiced: %(left)s is left on this line.")
                        % {"left": format_money(self.left.get(line.pk, Decimal(0)))},
                    )
        return data

    def amounts(self) -> dict[int, Decimal]:
        result = {}
        for line in self.lines:
            value = self.cleaned_data.get(f"line_{line.pk}")
            if value:
                result[line.pk] = value
        return result


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DATE_INPUT)
    until = forms.DateField(label=_("Up to and including"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must be before the end date."))
        if data.get("since") and data.get("until") and (data["until"] - data["since"]).days > 366:
            raise forms.ValidationError(_("Choose a period of at most one year."))
        return data
