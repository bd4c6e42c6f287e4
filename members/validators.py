"""Checks on what people type: Dutch postcodes and phone numbers, IBAN, KvK, VAT id, dates of birth.

IBAN, BIC, KvK and VAT id live in `coop.identifiers` (one implementation) and are re-exported here.

Each `<thing>_clean(value) -> str` returns the normalised form we store, or raises a translated
`ValidationError`. Forms call them at the edge; services call them again (STYLE 13).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode

# Bank and company identifiers are checked in one place, the kernel, because the coop's own
# details (coop.models) need the same checks; re-exported here for the forms and services of people.
from coop.identifiers import bic_clean as bic_clean
from coop.identifiers import iban_clean as iban_clean
from coop.identifiers import kvk_clean as kvk_clean
from coop.identifiers import vat_id_clean as vat_id_clean

# Dutch labour law (Arbeidstijdenwet) lets young people under 16 do only very limited work, so a coop
# of paid jobs admits members from 16. This is law, not a rule the members vote on.
MINIMUM_AGE = 16
# People older than this are almost certainly a typo (the oldest Dutch person reached 115).
OLDEST_PLAUSIBLE_AGE = 120


def postcode_clean(value: str) -> str:
    """A Dutch postcode as '3526KL'. Raises ValidationError."""
    try:
        return str(nl_postcode.compact(nl_postcode.validate(value or "")))
    except StdnumError:
        raise ValidationError(_("Enter a Dutch postcode, like 3526 KL."), code="postcode") from None


def phone_clean(value: str) -> str:
    """A Dutch mobile or landline number as '+31612345678'. Raises ValidationError."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+31"):
        national = digits[3:]
    elif digits.startswith("0031"):
        national = digits[4:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    # National significant numbers in the Netherlands have 9 digits and never start with 0;
    # 6 is mobile, 1-5 and 7 are areas (plus 85/88/91 numbers), 8 and 9 only as 8x/9x service ranges.
    if not re.fullmatch(r"[1-79]\d{8}|8[45578]\d{7}", national):
        raise ValidationError(_("Enter a Dutch phone number, like 06 12345678 or 030 1234567."), code="phone")
    return f"+31{national}"


def date_of_birth_clean(value: dt.date, *, today: dt.date | None = None) -> dt.date:
    """A date of birth that can be real: not in the future, not impossibly old. Raises ValidationError."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(_("Your date of birth cannot be in the future."), code="dob_future")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age < MINIMUM_AGE:
        raise ValidationError(
            _("You can become a member from the age of %(age)s. You must be 16 or older to apply.")
            % {"age": MINIMUM_AGE},
            code="dob_young",
        )
    if value.year < today.year - OLDEST_PLAUSIBLE_AGE:
        raise ValidationError(_("Check your date of birth: the year looks wrong."), code="dob_old")
    return value
