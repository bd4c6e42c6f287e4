"""Postcodes print as PostNL writes them: "3527 TK"; anything else is left as it is."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from coop.templatetags.postcode import format_postcode


@pytest.mark.parametrize(
    ("stored", "printed"),
    [
        ("3527TK", "3527 TK"),
        ("3527 TK", "3527 TK"),
        ("3527tk", "3527 TK"),
        (" 3527  tk ", "3527 TK"),
        ("1011AB", "1011 AB"),
    ],
)
def test_dutch_postcodes_print_with_a_space_and_capitals(stored, printed):
    assert format_postcode(stored) == printed


@pytest.mark.parametrize(
    ("stored", "printed"),
    [
        ("", ""),
        (None, ""),
        ("0123AB", "0123AB"),  # no Dutch postcode starts with 0
        ("3527T", "3527T"),
        ("B-1000", "B-1000"),  # a Belgian address
        ("352TKX", "352TKX"),
    ],
)
def test_anything_else_prints_unchanged(stored, printed):
    assert format_postcode(stored) == printed


def test_filter_in_a_template_escapes_like_any_text():
    rendered = Template("{% load postcode %}{{ a|postcode }} / {{ b|postcode }}").render(
        Context({"a": "3527TK", "b": "<b>"})
    )
    assert rendered == "3527 TK / &lt;b&gt;"
