"""Seed the dated legal tables (VAT, statutory minimum wage) from coop.rulebook.legal_tables."""

from django.db import migrations

from coop.rulebook.legal_tables import legal_tables_ensure


def seed(apps, schema_editor):
    legal_tables_ensure(apps.get_model("rulebook", "VatRate"), apps.get_model("rulebook", "MinimumWage"))


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
