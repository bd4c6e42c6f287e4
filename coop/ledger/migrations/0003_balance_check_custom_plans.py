"""The balance check plans its query afresh on every call (plan_cache_mode = force_custom_plan).

PL/pgSQL keeps a generic plan per session after a few calls. A session that first checked the
books while `ledger_ledgerleg` was empty or tiny kept a sequential scan for as long as it lived, so
every check read all legs: measured on the invoice-run benchmark, the database's CPU per invoice grew
from 12 ms to 49 ms over 1,000 invoices (a new coop's books, and autovacuum off or not yet run).
A custom plan sees the table's current size and uses the index on transaction_id; planning costs
a few microseconds per check.
"""

from django.db import migrations

FORWARD = "ALTER FUNCTION ledger_check_balanced() SET plan_cache_mode = force_custom_plan;"
BACKWARD = "ALTER FUNCTION ledger_check_balanced() RESET plan_cache_mode;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_balance_trigger")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
