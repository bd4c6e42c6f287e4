"""Technical bounds of input: the ranges of our columns and the lengths of free text.

These are sanity limits, not policy: they stop a typo or a hostile request from reaching the
database (where an id beyond a bigint is a crash, and 100,000 characters of "description" is
nobody's job). A number members could want different belongs in the rulebook instead.
Every form, serializer and service that takes an id or free text uses these same names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest primary key: every table uses BigAutoField (a signed 64-bit integer).
ID_MAX = 2**63 - 1

# Free text, by what it is for (characters).
NOTE_MAX_LENGTH = 2000  # a note or reason: a few sentences, a short paragraph at most
DESCRIPTION_MAX_LENGTH = 5000  # what a job is about: a page of text
ADDRESS_MAX_LENGTH = 500  # a postal address written out on more than one line

# One uploaded document (minutes of a meeting, a quote or photo with a proposal): a scan of a few pages.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def id_is_valid(value: Any) -> bool:
    """True if `value` is a whole number a primary key can hold (1..ID_MAX), as int or digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= ID_MAX
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 1 <= int(text) <= ID_MAX


def text_too_long_message(*, limit: int, length: int) -> str:
    """The translated refusal of a text of `length` characters where at most `limit` fit."""
    return str(
        _("This text is too long: %(length)d characters. Keep it to %(limit)d characters at most.")
        % {"length": length, "limit": limit}
    )


def upload_too_large_message() -> str:
    """The translated refusal of an upload larger than UPLOAD_MAX_BYTES."""
    return str(_("The file is too large: at most %(mb)d MB.") % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)})


def text_length_errors(texts: dict[str, tuple[str | None, int]]) -> dict[str, list[str]]:
    """For services: {field: [message]} for every text longer than its limit ({field: (text, limit)})."""
    return {
        name: [text_too_long_message(limit=limit, length=len(text))]
        for name, (text, limit) in texts.items()
        if text is not None and len(text) > limit
    }


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id no row can have before asking the database.

    Django looks each value up with `pk__in`; a value beyond the bigint range makes that query
    crash (OverflowError on SQLite) instead of answering "not one of the choices".
    """

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if not id_is_valid(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)
