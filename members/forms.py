"""Forms validate at the edge (with the same validators the services use again); services do the writing."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coop.limits import NOTE_MAX_LENGTH, IdMultipleChoiceField
from coop.models import Cooperative
from members import validators
from members.models import Daypart, Language, Member, Skill, User, WorkerProfile
from members.selectors import coop_guess_for_postcode

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class StyledForm(forms.Form):
    """A form whose widgets carry the NL Design System (Utrecht) classes and aria-describedby."""

    WIDGET_CLASSES = {
        "textinput": "utrecht-textbox utrecht-textbox--html-input",
        "emailinput": "utrecht-textbox utrecht-textbox--html-input",
        "passwordinput": "utrecht-textbox utrecht-textbox--html-input",
        "numberinput": "utrecht-textbox utrecht-textbox--html-input",
        "dateinput": "utrecht-textbox utrecht-textbox--html-input",
        "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
        "select": "utrecht-select utrecht-select--html-select",
        "checkboxinput": "utrecht-checkbox utrecht-checkbox--html-input",
        "radioselect": "utrecht-radio-button utrecht-radio-button--html-input",
        "checkboxselectmultiple": "utrecht-checkbox utrecht-checkbox--html-input",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the field as invalid and read its error with it.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(
                    filter(None, [attrs.get("aria-describedby", ""), f"id_{name}_error"])
                )

    def _style(self) -> None:
        for name, field in self.fields.items():
            kind = type(field.widget).__name__.lower()
            css = self.WIDGET_CLASSES.get(kind)
            if css:
                field.widget.attrs["class"] = css
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"


def _field_cleaner(validator: Any, name: str) -> Any:
    def clean(self: forms.Form) -> Any:
        return validator(self.cleaned_data.get(name) or "")

    return clean


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PasswordPairMixin(StyledForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def _check_passwords(self, email: str, first_name: str = "", last_name: str = "") -> None:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                validate_password(p1, User(email=email or "", first_name=first_name, last_name=last_name))
            except ValidationError as exc:
                self.add_error("password1", exc)


class MemberApplicationForm(PasswordPairMixin, forms.Form):
    coop = forms.ModelChoiceField(
        label=_("Neighbourhood coop"),
        queryset=Cooperative.objects.none(),
        required=False,
        empty_label=_("Choose for me, from my postcode"),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        help_text=_("For example 3526 KL."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    house_number = forms.CharField(label=_("House number"), max_length=10)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("Mobile or landline, like 06 12345678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    iban = forms.CharField(
        label=_("Bank account (IBAN)"), max_length=42, help_text=_("We pay your wages into this account.")
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput(attrs={"autocomplete": "bday"}))
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = [
        "coop",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "postcode",
        "house_number",
        "phone",
        "iban",
        "date_of_birth",
        "languages",
    ]

    clean_postcode = _field_cleaner(validators.postcode_clean, "postcode")
    clean_phone = _field_cleaner(validators.phone_clean, "phone")
    clean_iban = _field_cleaner(validators.iban_clean, "iban")

    def __init__(self, *args: Any, coops: list[Cooperative], user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coops = coops
        self.user = user
        if len(coops) > 1:
            cast(forms.ModelChoiceField, self.fields["coop"]).queryset = Cooperative.objects.filter(
                pk__in=[c.pk for c in coops]
            ).order_by("name")
        else:
            # One coop: the form shows no trace of a federation.
            del self.fields["coop"]
        if user is not None:
            for name in ("email", "password1", "password2"):
                del self.fields[name]
            self.initial.setdefault("first_name", user.first_name)
            self.initial.setdefault("last_name", user.last_name)

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_date_of_birth(self) -> dt.date:
        return validators.date_of_birth_clean(self.cleaned_data["date_of_birth"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.user is None:
            self._check_passwords(data.get("email", ""), data.get("first_name", ""), data.get("last_name", ""))
        if len(self.coops) == 1:
            data["coop"] = self.coops[0]
        elif not data.get("coop") and data.get("postcode"):
            data["coop"] = coop_guess_for_postcode(data["postcode"], self.coops)
            if data["coop"] is None:
                self.add_error("coop", _("We could not find your coop from your postcode. Please choose one."))
        elif not data.get("coop") and "postcode" not in self.errors:
            self.add_error("coop", _("Please choose a coop."))
        return data


class AdmitForm(StyledForm):
    PAID, OWED, WAGES = "paid", "owed", "wages"
    share_capital = forms.ChoiceField(
        label=_("Share capital"),
        choices=[
            (OWED, _("Owed")),
            (PAID, _("Paid")),
            (WAGES, _("From the first wages (the member agrees)")),
        ],
        widget=forms.RadioSelect,
        initial=OWED,
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH)


class OptionalReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )


class StaffStatusForm(StyledForm):
    action = forms.ChoiceField(
        choices=[
            ("pause", _("Pause")),
            ("resume", _("Resume")),
            ("leave", _("End membership")),
            ("suspend", _("Suspend (board)")),
            ("unsuspend", _("Lift suspension (board)")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH)


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(Member.Status.choices)]
    )


class MemberDetailsForm(StyledForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    iban = forms.CharField(label=_("Bank account (IBAN)"), max_length=42)
    postcode = forms.CharField(label=_("Postcode"), max_length=8)
    house_number = forms.CharField(label=_("House number"), max_length=10)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    clean_postcode = _field_cleaner(validators.postcode_clean, "postcode")
    clean_phone = _field_cleaner(validators.phone_clean, "phone")
    clean_iban = _field_cleaner(validators.iban_clean, "iban")


def availability_field_name(weekday: int, daypart: int) -> str:
    return f"available_{weekday}_{daypart}"


class WorkerProfileForm(StyledForm):
    target_hours_per_week = forms.IntegerField(label=_("Hours I want to work per week"), min_value=0, max_value=168)
    monthly_earnings_cap = forms.DecimalField(
        label=_("Most I may earn per month (EUR)"),
        required=False,
        min_value=0.01,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty if you have no limit, for example from a benefit."),
    )
    max_travel = forms.ChoiceField(
        label=_("How far I want to travel"), choices=WorkerProfile.Travel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday in range(7):
            for daypart in Daypart:
                self.fields[availability_field_name(weekday, daypart.value)] = forms.BooleanField(
                    required=False, label=f"{WEEKDAYS[weekday]}: {daypart.label}"
                )
        self._style()

    @classmethod
    def initial_for(cls, profile: WorkerProfile) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "target_hours_per_week": profile.target_hours_per_week,
            "monthly_earnings_cap": profile.monthly_earnings_cap.amount if profile.monthly_earnings_cap else None,
            "max_travel": profile.max_travel,
        }
        for weekday in range(7):
            for daypart in Daypart:
                initial[availability_field_name(weekday, daypart.value)] = profile.is_available(weekday, daypart.value)
        return initial

    def availability_mask(self) -> int:
        from members.models import availability_bit

        mask = 0
        for weekday in range(7):
            for daypart in Daypart:
                if self.cleaned_data.get(availability_field_name(weekday, daypart.value)):
                    mask |= availability_bit(weekday, daypart.value)
        return mask

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Rows of the week grid for the template: (day name, [morning, afternoon, evening] fields)."""
        return [
            (str(WEEKDAYS[weekday]), [self[availability_field_name(weekday, d.value)] for d in Daypart])
            for weekday in range(7)
        ]


class MemberSkillsForm(StyledForm):
    """One checkbox per skill in use, and a 'valid until' date for skills that need a certificate."""

    def __init__(self, *args: Any, skills: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skills = skills
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.BooleanField(required=False, label=skill.name)
            if skill.requires_certificate:
                self.fields[f"valid_until_{skill.pk}"] = forms.DateField(
                    required=False,
                    widget=DateInput(),
                    label=_("%(certificate)s valid until") % {"certificate": skill.certificate_name or skill.name},
                )
        self._style()

    def rows(self) -> list[tuple[Skill, forms.BoundField, forms.BoundField | None]]:
        return [
            (s, self[f"skill_{s.pk}"], self[f"valid_until_{s.pk}"] if s.requires_certificate else None)
            for s in self.skills
        ]

    def chosen(self) -> dict[int, dt.date | None]:
        return {
            s.pk: self.cleaned_data.get(f"valid_until_{s.pk}")
            for s in self.skills
            if self.cleaned_data.get(f"skill_{s.pk}")
        }


class ConsentNoteForm(StyledForm):
    note = forms.CharField(
        label=_("How the member gave consent"),
        max_length=300,
        help_text=_("For example: in person at the service desk, with a signed form."),
    )


class SkillForm(StyledForm):
    slug = forms.SlugField(label=_("Short code"), max_length=50, help_text=_("Letters, numbers and dashes."))
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100)
    requires_certificate = forms.BooleanField(label=_("Needs a certificate"), required=False)
    certificate_name = forms.CharField(label=_("Name of the certificate"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class BusinessDetailsForm(StyledForm):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    vat_id = forms.CharField(
        label=_("VAT id"), max_length=20, required=False, help_text=_("For example NL123456789B01.")
    )
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=8)
    city = forms.CharField(label=_("City"), max_length=100)
    billing_email = forms.EmailField(label=_("E-mail for invoices"))
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    payment_term_days = forms.IntegerField(
        label=_("Payment term (days)"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Leave empty to use the coop's payment term."),
    )

    clean_postcode = _field_cleaner(validators.postcode_clean, "postcode")
    clean_vat_id = _field_cleaner(validators.vat_id_clean, "vat_id")

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        return validators.phone_clean(phone) if phone else ""


class BusinessRegistrationForm(PasswordPairMixin, BusinessDetailsForm):
    kvk_number = forms.CharField(label=_("KvK number"), max_length=12, help_text=_("8 digits."))
    coops = IdMultipleChoiceField(
        label=_("Neighbourhood coops you want to work with"),
        queryset=Cooperative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    run_by_me = forms.BooleanField(label=_("I run this business myself, and I am a member"), required=False)
    contact_first_name = forms.CharField(label=_("Your first name"), max_length=100)
    contact_last_name = forms.CharField(label=_("Your last name"), max_length=100)
    contact_email = forms.EmailField(label=_("Your e-mail address"), help_text=_("You log in with this address."))

    field_order = [
        "legal_name",
        "trade_name",
        "kvk_number",
        "vat_id",
        "street",
        "postcode",
        "city",
        "billing_email",
        "phone",
        "payment_term_days",
        "coops",
        "contact_first_name",
        "contact_last_name",
        "contact_email",
        "password1",
        "password2",
        "run_by_me",
    ]

    clean_kvk_number = _field_cleaner(validators.kvk_clean, "kvk_number")

    def __init__(
        self, *args: Any, coops: list[Cooperative], user: User | None = None, is_member: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.available_coops = coops
        self.user = user
        if len(coops) > 1:
            cast(IdMultipleChoiceField, self.fields["coops"]).queryset = Cooperative.objects.filter(
                pk__in=[c.pk for c in coops]
            ).order_by("name")
        else:
            del self.fields["coops"]
        if user is not None:
            for name in ("contact_first_name", "contact_last_name", "contact_email", "password1", "password2"):
                del self.fields[name]
        if not is_member:
            del self.fields["run_by_me"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.user is None:
            self._check_passwords(data.get("contact_email", ""), data.get("contact_first_name", ""))
        if len(self.available_coops) == 1:
            data["coops"] = list(self.available_coops)
        elif not data.get("coops"):
            self.add_error("coops", _("Choose at least one coop."))
        else:
            data["coops"] = list(data["coops"])
        return data


class ContactAddForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
