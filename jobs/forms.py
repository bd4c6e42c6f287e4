"""Forms of the jobs pages: they validate shape at the edge; the services enforce the rules again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.limits import DESCRIPTION_MAX_LENGTH, IdMultipleChoiceField
from coop.models import Cooperative
from coop.rulebook.selectors import rule_values, rulebook_defaults
from jobs.models import SHIFT_SEATS_MAX, Job
from jobs.pricing import category_choices
from jobs.services.jobs import ShiftSpec, members_worked_for_business, shift_spec_errors
from members.models import Business, Language, Member, Skill

TEXT = {"class": "utrecht-textbox"}
SELECT = {"class": "utrecht-select"}


CATEGORY_LABELS = {
    "default": _("Other work"),
    "cleaning": _("Cleaning"),
    "hospitality": _("Hospitality"),
    "retail": _("Shop work"),
    "care": _("Care and help"),
    "logistics": _("Logistics"),
    "maintenance": _("Maintenance"),
}


def category_label(key: str) -> str:
    return str(CATEGORY_LABELS.get(key, key.replace("_", " ").capitalize()))


class SkillChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.name


class MemberChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.full_name


class JobPostForm(forms.Form):
    business = forms.ModelChoiceField(
        label=_("Business"),
        queryset=Business.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("You can only post jobs for your own business.")},
    )
    coop = forms.ModelChoiceField(
        label=_("Neighbourhood coop"),
        queryset=Cooperative.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Your business does not work with this coop.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label=_("What is the work?"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
    )
    category = forms.ChoiceField(label=_("Kind of work"), widget=forms.Select(attrs=SELECT))
    skills = SkillChoiceField(
        label=_("Skills needed"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Unknown skill. Choose skills from the list."),
            "invalid_pk_value": _("Unknown skill. Choose skills from the list."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language needed"),
        required=False,
        choices=[("", _("No special language")), *Language.choices],
        widget=forms.Select(attrs=SELECT),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\s*\d{4}\s?[A-Za-z]{2}\s*$",
        max_length=7,
        error_messages={"invalid": _("Enter a postcode like 3526 KL.")},
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "postal-code"}),
    )
    city = forms.CharField(label=_("City"), max_length=100, initial="Utrecht", widget=forms.TextInput(attrs=TEXT))
    hourly_client_rate = forms.DecimalField(
        label=_("Hourly rate you pay (excl. VAT)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": _("Enter an hourly rate above zero.")},
    )
    assign_mode = forms.ChoiceField(
        label=_("Who chooses the members?"),
        choices=Job.AssignMode.choices,
        initial=Job.AssignMode.AUTO,
        widget=forms.RadioSelect,
    )
    preferred_members = MemberChoiceField(
        label=_("Members we would like back"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("You can only ask back members who worked for you before."),
            "invalid_pk_value": _("You can only ask back members who worked for you before."),
        },
    )
    repeat_weekly_until = forms.DateField(
        label=_("Repeat every week until"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
        help_text=_("Leave empty for a one-time job."),
    )

    def __init__(self, *args: Any, businesses: list[Business], coops: list[Cooperative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Business.objects.filter(pk__in=[b.pk for b in businesses])  # type: ignore[attr-defined]
        self.fields["coop"].queryset = Cooperative.objects.filter(pk__in=[c.pk for c in coops])  # type: ignore[attr-defined]
        if len(businesses) == 1:
            self.fields["business"].initial = businesses[0].pk
        if len(coops) == 1:
            self.fields["coop"].initial = coops[0].pk
        values: dict[str, Any]
        try:
            coop = coops[0] if len(coops) == 1 else None
            values = rule_values(coop, on=timezone.localdate())[1] if coop else rulebook_defaults()
        except Exception:
            values = rulebook_defaults()
        self.fields["category"].choices = [(k, category_label(k)) for k in category_choices(values)]  # type: ignore[attr-defined]
        preferred = Member.objects.none()
        if len(businesses) == 1 and len(coops) == 1:
            ids = [m.pk for m in members_worked_for_business(business=businesses[0], coop=coops[0])]
            preferred = Member.objects.filter(pk__in=ids)
        elif businesses:
            preferred = Member.objects.filter(assignments__shift__job__business__in=businesses).distinct()
        self.fields["preferred_members"].queryset = preferred  # type: ignore[attr-defined]
        if not preferred.exists():
            self.fields["preferred_members"].widget = forms.MultipleHiddenInput()

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"].replace(" ", "").upper()


class ShiftForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    start_time = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={**TEXT, "type": "time"}))
    end_time = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={**TEXT, "type": "time"}))
    seats = forms.IntegerField(
        label=_("Places"),
        initial=1,
        min_value=1,
        max_value=SHIFT_SEATS_MAX,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric", "min": "1", "max": str(SHIFT_SEATS_MAX)}),
        error_messages={
            "min_value": _("A shift needs at least one place."),
            "max_value": _("A shift can have at most %(limit_value)s places."),
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) is not None for k in ("date", "start_time", "end_time", "seats")):
            for message in shift_spec_errors(self.spec()):
                self.add_error(None, message)
        return data

    def spec(self) -> ShiftSpec:
        d = self.cleaned_data
        return ShiftSpec(d["date"], d["start_time"], d["end_time"], d["seats"])


class BaseShiftFormSet(forms.BaseFormSet):
    def specs(self) -> list[ShiftSpec]:
        return [f.spec() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


# The most shift rows one posting takes (weekly repeats are expanded later, by the service).
SHIFT_ROWS_MAX = 20

# absolute_max: a posted TOTAL_FORMS of 5,000 is refused after building at most this many forms
# (Django's default would build and validate 1,020 of them first).
ShiftFormSet = forms.formset_factory(
    ShiftForm,
    formset=BaseShiftFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=SHIFT_ROWS_MAX,
    validate_max=True,
    absolute_max=SHIFT_ROWS_MAX,
)


class ShiftCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this shift cancelled?"), max_length=300, widget=forms.TextInput(attrs=TEXT)
    )


class HandAssignForm(forms.Form):
    member: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Member"), queryset=Member.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    reason = forms.CharField(label=_("Why do you assign by hand?"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    override_reason = forms.CharField(
        label=_("Override the rules because"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Only if the member does not meet a rule (skill, availability, hours) and you assign anyway."),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["member"].label_from_instance = lambda m: m.full_name  # type: ignore[attr-defined]


class OpenShiftFilterForm(forms.Form):
    day = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        required=False,
        queryset=Skill.objects.filter(is_active=True),
        widget=forms.Select(attrs=SELECT),
        empty_label=_("All skills"),
    )
    distance = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("coop", _("Whole coop")), ("neighbourhood", _("Only my own neighbourhood"))],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].label_from_instance = lambda s: s.name  # type: ignore[attr-defined]


class DayFilterForm(forms.Form):
    day = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={**TEXT, "type": "date"}))


def week_from_param(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the week in `?week=YYYY-MM-DD`, or of this week if missing or invalid."""
    day = today
    if value:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = today
    return day - dt.timedelta(days=day.weekday())
