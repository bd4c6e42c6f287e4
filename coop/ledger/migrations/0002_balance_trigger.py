"""On PostgreSQL the database itself refuses unbalanced or edited books.

- A DEFERRABLE INITIALLY DEFERRED constraint trigger on legs and transactions checks, at commit,
  that every touched transaction has at least two legs and that its debits equal its credits.
  Deferred, because legs are inserted one statement after their transaction.
- A plain trigger refuses UPDATE and DELETE of legs and transactions (append-only). TRUNCATE,
  which test teardown uses, fires no row triggers.
SQLite has no deferred triggers; there `ledger_post` is the guard (and it is everywhere).
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    txn_id bigint;
    n integer;
    dr numeric;
    cr numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_ledgerleg' THEN
        txn_id := NEW.transaction_id;
    ELSE
        txn_id := NEW.id;
    END IF;
    SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)
      INTO n, dr, cr
      FROM ledger_ledgerleg WHERE transaction_id = txn_id;
    IF n < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has % legs; at least two are needed', txn_id, n
            USING ERRCODE = 'check_violation';
    END IF;
    IF dr <> cr THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: debit %, credit %', txn_id, dr, cr
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_leg_balanced
    AFTER INSERT ON ledger_ledgerleg
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

CREATE CONSTRAINT TRIGGER ledger_transaction_balanced
    AFTER INSERT ON ledger_ledgertransaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a reversing transaction instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_leg_append_only
    BEFORE UPDATE OR DELETE ON ledger_ledgerleg
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OR DELETE ON ledger_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

DROP = r"""
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_ledgertransaction;
DROP TRIGGER IF EXISTS ledger_leg_append_only ON ledger_ledgerleg;
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_transaction_balanced ON ledger_ledgertransaction;
DROP TRIGGER IF EXISTS ledger_leg_balanced ON ledger_ledgerleg;
DROP FUNCTION IF EXISTS ledger_check_balanced();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL holds literal % signs (RAISE formats) that are not placeholders.
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
