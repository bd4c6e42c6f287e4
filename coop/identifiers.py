"""The one place that checks bank and company identifiers: IBAN, BIC, KvK number, VAT id.

Each `<identifier>_clean(value) -> str` returns the compact form we store (upper case, no spaces or
dots) or raises a translated `ValidationError`. The same functions are

- behind the model field validators (`validators=[validate_iban]`): every ModelForm, the admin
  included, and every `full_clean()` refuses a bad value;
- called by the public forms and by the services, which store what they return.

`IdentifierFormField` is the form field the admin uses for a model field with one of these
validators (`IdentifierAdminMixin`): it stores the compact form, so "NL91 ABNA 0417 1643 00"
typed in the admin is stored as "NL91ABNA0417164300".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

# People type identifiers in groups ("NL91 ABNA 0417 1643 00"); a form accepts this many extra
# characters beyond the stored length, because the compact form is what must fit.
TYPING_SLACK = 12


def iban_clean(value: str) -> str:
    """An IBAN in compact form ('NL91ABNA0417164300'). Raises ValidationError."""
    try:
        return str(IBAN(value or "").compact)
    except (SchwiftyException, ValueError):
        raise ValidationError(
            _("This IBAN is not correct. Check it on your bank card or bank app."), code="iban"
        ) from None


def bic_clean(value: str) -> str:
    """A BIC (SWIFT code) in compact form ('ABNANL2A'), empty allowed. Raises ValidationError."""
    if not (value or "").strip():
        return ""
    try:
        return str(BIC(value).compact)
    except (SchwiftyException, ValueError):
        raise ValidationError(
            _("This BIC is not correct. It has 8 or 11 letters and digits, like ABNANL2A."), code="bic"
        ) from None


def kvk_clean(value: str) -> str:
    """A Chamber of Commerce (KvK) number: exactly 8 digits. Raises ValidationError."""
    # KvK numbers issued since 2016 carry no check digit (and python-stdnum has no KvK module), so
    # the format is all there is to check.
    compact = re.sub(r"[\s.]", "", value or "")
    if not re.fullmatch(r"\d{8}", compact):
        raise ValidationError(_("A KvK number has exactly 8 digits."), code="kvk")
    return compact


def vat_id_clean(value: str) -> str:
    """An EU VAT id ('NL000099998B57'; Dutch ids by the rules of stdnum.nl.btw), empty allowed.

    Raises ValidationError.
    """
    if not (value or "").strip():
        return ""
    try:
        return str(eu_vat.validate(value))
    except StdnumError:
        raise ValidationError(
            _("This VAT id is not correct. A Dutch one looks like NL123456789B01."), code="vat_id"
        ) from None


def iban_hint(iban: str) -> str:
    """Enough of an account number to recognise it ('…4300'), for audit rows shown to staff."""
    return f"…{iban[-4:]}" if iban else ""


def validate_iban(value: str) -> None:
    """Model field validator: a bad IBAN is refused (`iban_clean`)."""
    iban_clean(value)


def validate_bic(value: str) -> None:
    """Model field validator: a bad BIC is refused (`bic_clean`)."""
    bic_clean(value)


def validate_kvk(value: str) -> None:
    """Model field validator: a bad KvK number is refused (`kvk_clean`)."""
    kvk_clean(value)


def validate_vat_id(value: str) -> None:
    """Model field validator: a bad VAT id is refused (`vat_id_clean`)."""
    vat_id_clean(value)


CLEANER_OF_VALIDATOR: dict[Callable[[str], None], Callable[[str], str]] = {
    validate_iban: iban_clean,
    validate_bic: bic_clean,
    validate_kvk: kvk_clean,
    validate_vat_id: vat_id_clean,
}


class IdentifierFormField(forms.CharField):
    """A text field that cleans with one identifier cleaner and keeps its compact form."""

    def __init__(self, *, cleaner: Callable[[str], str], **kwargs: Any) -> None:
        self.cleaner = cleaner
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "")
        # Compact first, so the stored length (max_length) is checked on what will be stored.
        return self.cleaner(text) if text else ""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and "maxlength" in attrs:
            attrs["maxlength"] = str(self.max_length + TYPING_SLACK)
        return attrs


def identifier_cleaner_of(db_field: models.Field[Any, Any]) -> Callable[[str], str] | None:
    """The cleaner behind an identifier validator of a model field, or None."""
    for validator in db_field.validators:
        for known, cleaner in CLEANER_OF_VALIDATOR.items():
            if validator is known:  # Django's own validators are not hashable: compare, do not look up
                return cleaner
    return None


class IdentifierAdminMixin:
    """For a ModelAdmin: fields validated by an identifier cleaner get `IdentifierFormField`."""

    def formfield_for_dbfield(self, db_field: models.Field[Any, Any], request: Any, **kwargs: Any) -> Any:
        cleaner = identifier_cleaner_of(db_field)
        if cleaner is not None:
            kwargs.update(form_class=IdentifierFormField, cleaner=cleaner)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
