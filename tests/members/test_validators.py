"""What people type, normalised or refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members import validators


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("030 123 4567", "+31301234567"),
        ("(020) 123 45 67", "+31201234567"),
        ("085 123 4567", "+31851234567"),
    ],
)
def test_dutch_phone_numbers_are_normalised(raw, clean):
    assert validators.phone_clean(raw) == clean


@pytest.mark.parametrize("raw", ["", "12345", "0612345", "061234567890", "+32 470 12 34 56", "0800 1234", "abc"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        validators.phone_clean(raw)


def test_postcode_iban_kvk_vat():
    assert validators.postcode_clean("3526 kl") == "3526KL"
    assert validators.iban_clean("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert validators.kvk_clean("1234 5678") == "12345678"
    assert validators.vat_id_clean("nl 0000.99998.B57") == "NL000099998B57"
    assert validators.vat_id_clean("") == ""
    assert validators.vat_id_clean("BE0403170701") == "BE0403170701"  # a Belgian supplier is fine


@pytest.mark.parametrize(
    ("func", "raw"),
    [
        (validators.postcode_clean, "0123AB"),
        (validators.postcode_clean, "3526SS"),
        (validators.iban_clean, "NL00"),
        (validators.kvk_clean, "1234567"),
        (validators.kvk_clean, "abcdefgh"),
        (validators.vat_id_clean, "NL123"),
    ],
)
def test_bad_identifiers_are_refused(func, raw):
    with pytest.raises(ValidationError):
        func(raw)


def test_date_of_birth_bounds():
    today = dt.date(2026, 11, 21)
    assert validators.date_of_birth_clean(dt.date(2010, 11, 21), today=today)  # 16 today
    with pytest.raises(ValidationError):
        validators.date_of_birth_clean(dt.date(2010, 11, 22), today=today)  # 16 tomorrow
    with pytest.raises(ValidationError):
        validators.date_of_birth_clean(dt.date(2027, 1, 1), today=today)
    with pytest.raises(ValidationError):
        validators.date_of_birth_clean(dt.date(1890, 1, 1), today=today)
