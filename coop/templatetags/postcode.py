"""`{{ value|postcode }}`: the one way a document or page prints a Dutch postcode.

We store postcodes compact ("3527TK", see members.validators.postcode_clean); PostNL and every Dutch
letter write them as four digits, a space and two capitals: "3527 TK". A value that is not a Dutch
postcode (a foreign address, an empty field) is printed as it is.
"""

from __future__ import annotations

import re
from typing import Any

from django import template

register = template.Library()

DUTCH_POSTCODE = re.compile(r"\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*")


def format_postcode(value: Any) -> str:
    """A Dutch postcode as printed ('3527 TK'); anything else unchanged ('' for None)."""
    if value is None:
        return ""
    text = str(value)
    match = DUTCH_POSTCODE.fullmatch(text)
    if match is None:
        return text
    return f"{match.group(1)} {match.group(2).upper()}"


@register.filter(name="postcode")
def postcode(value: Any) -> str:
    """Print a Dutch postcode as '3527 TK'."""
    return format_postcode(value)
