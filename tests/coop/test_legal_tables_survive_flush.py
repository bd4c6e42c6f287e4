"""A transactional test flushes every table, including the legal tables from the data migration.

The root conftest puts them back before each database test; these two tests, run in this order,
prove it (the second one would find no minimum wage without that fixture).
"""

import datetime as dt

import pytest

from coop.rulebook.models import MinimumWage, VatRate
from coop.rulebook.selectors import minimum_wage_get


@pytest.mark.django_db(transaction=True)
def test_transactional_test_sees_the_legal_tables():
    assert str(minimum_wage_get(on=dt.date(2026, 1, 1)).amount) == "14.71"


@pytest.mark.django_db
def test_next_test_after_a_flush_still_has_the_statutory_minimum_wage():
    assert MinimumWage.objects.filter(valid_from=dt.date(2026, 1, 1), min_age=21).exists()
    assert VatRate.objects.filter(code="high").exists()
