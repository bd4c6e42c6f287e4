"""Forms of the hours workflow: they validate shapes; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.limits import id_is_valid
from jobs.hours.services import Decision

_TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time", "class": "utrecht-textbox"})
_NUMBER = forms.NumberInput(attrs={"class": "utrecht-textbox", "inputmode": "numeric", "min": "0"})
_TEXT = forms.TextInput(attrs={"class": "utrecht-textbox"})
_AREA = forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3})


class TimesForm(forms.Form):
    start_time = forms.TimeField(label=_("Start"), widget=_TIME)
    end_time = forms.TimeField(label=_("End"), widget=_TIME)
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=1440, initial=0, widget=_NUMBER
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


class HourEntrySubmitForm(TimesForm):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False, widget=_AREA)


class HourEntryCorrectForm(TimesForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, widget=_AREA, help_text=_("The member sees this reason.")
    )


class HourEntryNotDoneForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=500,
        required=False,
        widget=_AREA,
        help_text=_("The member sees this reason."),
    )


class HourEntryDisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you not agree?"),
        max_length=500,
        widget=_AREA,
        help_text=_("A coordinator reads this and decides."),
    )


class HourEntryDecideForm(TimesForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.APPROVE, _("Approve these times")), (Decision.NOT_DONE, _("Not done"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason for the decision"), max_length=500, widget=_AREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The times only matter when approving.
        for name in ("start_time", "end_time", "break_minutes"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Decision.APPROVE:
            for name in ("start_time", "end_time", "break_minutes"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Fill in the times you approve."))
        return data


class HourEntryBulkApproveForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        required=True,
        error_messages={
            "required": _("Choose at least one entry to approve."),
            "invalid_choice": _("Unknown hour entry. Choose entries from your list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id a row can have is accepted here; the service refuses the whole request if one is not
        # the user's. An id beyond the column's range is refused now: the database would crash on it.
        self.fields["entries"].valid_value = id_is_valid  # type: ignore[attr-defined]
