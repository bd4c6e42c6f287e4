"""Law, not rules: Dutch VAT rates and the statutory minimum wage (WML) per hour, gross, 21+.

Sources: Wet op de omzetbelasting 1968 (art. 9, tabel I; 21 % / 9 % since 2019-01-01) and the
half-yearly indexation of the Wet minimumloon en minimumvakantiebijslag (hourly WML since 2024).
A new legal rate is a new row here with its own valid_from, plus a data migration that adds it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

VAT_RATES = [
    ("high", Decimal("21.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 1"),
    ("low", Decimal("9.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 2, tabel I"),
    ("zero", Decimal("0.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 2, tabel II"),
    ("exempt", Decimal("0.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 11"),
]
MINIMUM_WAGE_21_PLUS = [
    (dt.date(2024, 1, 1), Decimal("13.27")),
    (dt.date(2024, 7, 1), Decimal("13.68")),
    (dt.date(2025, 1, 1), Decimal("14.06")),
    (dt.date(2025, 7, 1), Decimal("14.40")),
    (dt.date(2026, 1, 1), Decimal("14.71")),
]
WML_SOURCE = "Wet minimumloon en minimumvakantiebijslag, indexatie"


def legal_tables_ensure(vat_model: Any = None, wage_model: Any = None) -> None:
    """Insert any missing legal rows (idempotent). Migrations pass their historical models."""
    if vat_model is None or wage_model is None:
        from coop.rulebook.models import MinimumWage, VatRate

        vat_model, wage_model = VatRate, MinimumWage
    for code, percent, valid_from, source in VAT_RATES:
        vat_model.objects.get_or_create(
            code=code, valid_from=valid_from, defaults={"percent": percent, "legal_source": source}
        )
    for valid_from, amount in MINIMUM_WAGE_21_PLUS:
        wage_model.objects.get_or_create(
            min_age=21,
            valid_from=valid_from,
            defaults={"hourly_gross": amount, "hourly_gross_currency": "EUR", "legal_source": WML_SOURCE},
        )
