from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.money import eur, split


def test_eur_rounds_half_up_not_to_even():
    assert eur("10.125").amount == Decimal("10.13")
    assert eur("10.135").amount == Decimal("10.14")
    assert eur("-10.125").amount == Decimal("-10.13")


def test_eur_refuses_float():
    with pytest.raises(TypeError):
        eur(10.5)  # type: ignore[arg-type]


def test_split_gives_remainder_cent_to_named_part():
    parts = split(eur("10.00"), {"a": Decimal("33.33"), "b": Decimal("33.33")}, remainder_to="rest")
    assert parts["a"].amount == Decimal("3.33")
    assert parts["b"].amount == Decimal("3.33")
    assert parts["rest"].amount == Decimal("3.34")


def test_split_refuses_percentages_over_hundred():
    with pytest.raises(ValueError, match="more than 100"):
        split(eur("10.00"), {"a": 60, "b": 50}, remainder_to="rest")


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    pcts=st.lists(st.decimals(min_value=0, max_value=25, places=2), min_size=1, max_size=4),
)
def test_split_always_sums_exactly_and_no_part_is_negative(cents, pcts):
    amount = eur(Decimal(cents) / 100)
    parts = split(amount, {f"p{i}": p for i, p in enumerate(pcts)}, remainder_to="rest")
    assert sum(p.amount for p in parts.values()) == amount.amount
    assert all(p.amount >= 0 for p in parts.values())
