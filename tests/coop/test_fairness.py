"""The Gini coefficient of coop.fairness: 0 for equal shares, between 0 and 1, blind to order and scale."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.fairness import gini, target_shares

amounts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40)


def mean_absolute_difference_gini(values: list[int]) -> Fraction:
    """The textbook definition, pair by pair (independent of the sorted formula in coop.fairness)."""
    n = len(values)
    total = sum(values)
    if total == 0:
        return Fraction(0)
    return Fraction(sum(abs(a - b) for a in values for b in values), 2 * n * total)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
def test_equal_amounts_give_zero(amount, n):
    assert gini([amount] * n) == 0.0


@given(amounts)
def test_the_figure_lies_between_zero_and_one(values):
    assert 0.0 <= gini(values) < 1.0


@given(amounts, st.randoms(use_true_random=False))
def test_the_order_of_the_members_does_not_matter(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    assert gini(shuffled) == gini(values)


@given(amounts, st.integers(min_value=1, max_value=1000))
def test_counting_in_other_units_does_not_matter(values, factor):
    assert gini([v * factor for v in values]) == pytest.approx(gini(values))


@given(amounts)
def test_it_equals_the_pairwise_definition(values):
    assert gini(values) == pytest.approx(float(mean_absolute_difference_gini(values)), abs=1e-12)


def test_one_member_with_everything_among_four():
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)  # (n - 1) / n, the most unequal four can be


def test_no_members_and_no_work_count_as_even():
    assert gini([]) == 0.0
    assert gini([0, 0, 0]) == 0.0


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        gini([3, -1])


def test_shares_leave_out_members_who_want_no_hours():
    assert target_shares({1: 10, 2: 5}, {1: 20, 2: 0, 3: 10}) == {1: Fraction(1, 2), 3: Fraction(0)}
