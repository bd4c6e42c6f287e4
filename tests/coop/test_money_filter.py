from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from coop.money import eur
from coop.templatetags.money import format_money


def render(amount: object) -> str:
    return Template("{% load money %}{{ amount|money }}").render(Context({"amount": amount}))


@pytest.mark.parametrize(
    ("amount", "dutch", "english"),
    [
        (eur("1234.56"), "€ 1.234,56", "€1,234.56"),
        (eur("0.5"), "€ 0,50", "€0.50"),
        (eur("1234567.00"), "€ 1.234.567,00", "€1,234,567.00"),
        (Decimal("999.995"), "€ 1.000,00", "€1,000.00"),
        (eur("-12.30"), "€ -12,30", "-€12.30"),
    ],
)
def test_money_filter_formats_per_language(amount, dutch, english):
    with translation.override("nl"):
        assert render(amount) == dutch
    with translation.override("en"):
        assert render(amount) == english


def test_money_filter_shows_a_dash_for_nothing():
    with translation.override("nl"):
        assert render(None) == "—"
    assert format_money("not a number") == "—"


def test_money_filter_rounds_half_up_not_to_even():
    assert format_money(Decimal("10.125"), language="en") == "€10.13"
