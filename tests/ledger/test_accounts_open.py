"""Opening accounts: many at once in a fixed number of queries, concurrent openers get one account."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from coop.ledger.exceptions import LedgerError
from coop.ledger.models import Account, AccountCode
from coop.ledger.services import account_get_or_create, account_get_or_create_many

WANTED = [
    (AccountCode.RECEIVABLE, 11, None, "Bakkerij"),
    (AccountCode.VAT_PAYABLE, None, None, ""),
    *[(AccountCode.WAGES_PAYABLE, None, member_id, f"Lid {member_id}") for member_id in range(21, 31)],
]


@pytest.mark.django_db
def test_missing_accounts_are_opened_together_and_found_again(kanaleneiland):
    existing = account_get_or_create(coop=kanaleneiland, code=AccountCode.VAT_PAYABLE)
    with CaptureQueriesContext(connection) as opening:
        accounts = account_get_or_create_many(coop=kanaleneiland, wanted=WANTED)
    # Read, one insert for the eleven missing ones, read back: not a savepoint and insert per account.
    assert len(opening.captured_queries) == 3
    assert accounts[(AccountCode.VAT_PAYABLE, None, None)].pk == existing.pk
    wage = accounts[(AccountCode.WAGES_PAYABLE, None, 25)]
    assert (wage.member_id, wage.party_key, wage.name, wage.coop_id) == (25, "m:25", "Lid 25", kanaleneiland.pk)
    assert accounts[(AccountCode.RECEIVABLE, 11, None)].party_key == "b:11"
    assert Account.objects.filter(coop=kanaleneiland).count() == 12

    with CaptureQueriesContext(connection) as again:
        same = account_get_or_create_many(coop=kanaleneiland, wanted=WANTED)
    assert len(again.captured_queries) == 1
    assert {k: a.pk for k, a in same.items()} == {k: a.pk for k, a in accounts.items()}


@pytest.mark.django_db
def test_other_coop_gets_its_own_accounts(kanaleneiland, lunetten):
    ours = account_get_or_create_many(coop=kanaleneiland, wanted=WANTED[:2])
    theirs = account_get_or_create_many(coop=lunetten, wanted=WANTED[:2])
    assert {a.coop_id for a in theirs.values()} == {lunetten.pk}
    assert not {a.pk for a in ours.values()} & {a.pk for a in theirs.values()}


@pytest.mark.django_db
def test_unknown_account_code_opens_nothing(kanaleneiland):
    with pytest.raises(LedgerError, match="petty_cash"):
        account_get_or_create_many(coop=kanaleneiland, wanted=[*WANTED, ("petty_cash", None, None, "")])
    assert not Account.objects.filter(coop=kanaleneiland).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and real concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_posters_opening_the_same_accounts_get_the_same_ones(kanaleneiland):
    barrier = threading.Barrier(2)
    results: list[dict[tuple[str, int | None, int | None], int]] = []
    errors: list[BaseException] = []

    def open_accounts() -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                accounts = account_get_or_create_many(coop=kanaleneiland, wanted=WANTED)
                results.append({k: a.pk for k, a in accounts.items()})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_accounts) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Account.objects.filter(coop=kanaleneiland).count() == len(WANTED)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the balance trigger exists on PostgreSQL only")
@pytest.mark.django_db
def test_balance_check_plans_for_the_books_current_size():
    # A generic plan cached while the legs table was empty kept a sequential scan for the life of a
    # connection: every check read all legs (see ledger migration 0003).
    with connection.cursor() as cursor:
        cursor.execute("SELECT proconfig FROM pg_proc WHERE proname = 'ledger_check_balanced'")
        (config,) = cursor.fetchone()
    assert "plan_cache_mode=force_custom_plan" in (config or [])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection setting")
@pytest.mark.django_db
def test_connections_plan_cached_statements_for_the_current_table_sizes():
    # Foreign-key checks at commit are cached statements too; see the DATABASES comment in settings.
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_custom_plan",)
