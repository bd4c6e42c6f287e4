"""Law, not rules: Dutch VAT rates and the statutory minimum wage (WML) per hour, gross, 21+.

Sources: Wet op de omzetbelasting 1968 (art. 9, tabel I; 21 % / 9 % since 2019-01-01) and the
half-yearly indexation of the Wet minimumloon en minimumvakantiebijslag (hourly WML since 2024).
A new legal rate is a new row with its own valid_from, added by a new migration.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

VAT = [
    ("high", Decimal("21.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 1"),
    ("low", Decimal("9.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 2, tabel I"),
    ("zero", Decimal("0.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 9 lid 2, tabel II"),
    ("exempt", Decimal("0.00"), dt.date(2019, 1, 1), "Wet OB 1968 art. 11"),
]
WML_21_PLUS = [
    (dt.date(2024, 1, 1), Decimal("13.27")),
    (dt.date(2024, 7, 1), Decimal("13.68")),
    (dt.date(2025, 1, 1), Decimal("14.06")),
    (dt.date(2025, 7, 1), Decimal("14.40")),
    (dt.date(2026, 1, 1), Decimal("14.71")),
]


def seed(apps, schema_editor):
    VatRate = apps.get_model("rulebook", "VatRate")
    MinimumWage = apps.get_model("rulebook", "MinimumWage")
    for code, percent, valid_from, source in VAT:
        VatRate.objects.get_or_create(code=code, valid_from=valid_from,
                                      defaults={"percent": percent, "legal_source": source})
    for valid_from, amount in WML_21_PLUS:
        MinimumWage.objects.get_or_create(
            min_age=21, valid_from=valid_from,
            defaults={"hourly_gross": amount, "hourly_gross_currency": "EUR",
                      "legal_source": "Wet minimumloon en minimumvakantiebijslag, indexatie"},
        )


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
