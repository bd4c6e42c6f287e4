"""The books: balanced, append-only postings; idempotency; reversal; trial balance sums to zero."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from djmoney.money import Money

from coop.ledger.exceptions import LedgerError, UnbalancedTransaction
from coop.ledger.models import Account, AccountCode, LedgerLeg, LedgerTransaction
from coop.ledger.selectors import account_balance, journal_list, trial_balance
from coop.ledger.services import Leg, account_get_or_create, ledger_post, ledger_reverse
from coop.money import eur

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def accounts(kanaleneiland):  # type: ignore[no-untyped-def]
    return (
        account_get_or_create(coop=kanaleneiland, code=AccountCode.BANK),
        account_get_or_create(coop=kanaleneiland, code=AccountCode.SHARE_CAPITAL),
    )


def test_balanced_posting_moves_both_accounts(kanaleneiland, accounts):
    bank, capital = accounts
    ledger_post(
        coop=kanaleneiland,
        occurred_on=DAY,
        description="Inleg",
        legs=[Leg(bank, debit=eur("25.00")), Leg(capital, credit=eur("25.00"))],
    )
    assert account_balance(bank) == eur("25.00")
    assert account_balance(capital) == eur("25.00")
    tb = trial_balance(kanaleneiland)
    assert tb.total == eur(0) and tb.total_debit == eur("25.00")


@pytest.mark.parametrize(
    "legs",
    [
        [],
        [("bank", "debit", "10.00")],
        [("bank", "debit", "10.00"), ("capital", "credit", "9.99")],
        [("bank", "debit", "0.00"), ("capital", "credit", "0.00")],
        [("bank", "debit", "-5.00"), ("capital", "credit", "-5.00")],
        [("bank", "debit", "10.001"), ("capital", "credit", "10.001")],
    ],
)
def test_unbalanced_empty_zero_or_negative_postings_are_refused(kanaleneiland, accounts, legs):
    bank, capital = accounts
    by_name = {"bank": bank, "capital": capital}
    # Built with Money directly: eur() would round the sub-cent case away.
    built = [Leg(by_name[a], **{side: Money(amount, "EUR")}) for a, side, amount in legs]
    with pytest.raises(UnbalancedTransaction):
        ledger_post(coop=kanaleneiland, occurred_on=DAY, description="x", legs=built)
    assert not LedgerTransaction.objects.exists()


def test_leg_with_both_sides_is_refused(kanaleneiland, accounts):
    bank, capital = accounts
    with pytest.raises(UnbalancedTransaction):
        ledger_post(
            coop=kanaleneiland,
            occurred_on=DAY,
            description="x",
            legs=[Leg(bank, debit=eur(5), credit=eur(5)), Leg(capital, credit=eur(0))],
        )


def test_account_of_another_coop_is_refused(kanaleneiland, lunetten, accounts):
    bank, _capital = accounts
    other = account_get_or_create(coop=lunetten, code=AccountCode.SHARE_CAPITAL)
    with pytest.raises(LedgerError):
        ledger_post(
            coop=kanaleneiland,
            occurred_on=DAY,
            description="x",
            legs=[Leg(bank, debit=eur(5)), Leg(other, credit=eur(5))],
        )
    assert not LedgerTransaction.objects.exists()


def test_same_idempotency_key_posts_once(kanaleneiland, accounts):
    bank, capital = accounts
    legs = [Leg(bank, debit=eur(5)), Leg(capital, credit=eur(5))]
    first = ledger_post(coop=kanaleneiland, occurred_on=DAY, description="x", legs=legs, idempotency_key="k1")
    second = ledger_post(coop=kanaleneiland, occurred_on=DAY, description="x", legs=legs, idempotency_key="k1")
    assert first.pk == second.pk
    assert account_balance(bank) == eur(5)


def test_reversal_mirrors_and_happens_once(kanaleneiland, accounts, coordinator):
    bank, capital = accounts
    txn = ledger_post(
        coop=kanaleneiland,
        occurred_on=DAY,
        description="x",
        legs=[Leg(bank, debit=eur(5)), Leg(capital, credit=eur(5))],
    )
    reversal = ledger_reverse(transaction=txn, actor=coordinator, description="terug")
    again = ledger_reverse(transaction=txn, actor=coordinator, description="terug")
    assert reversal.pk == again.pk and reversal.reverses_id == txn.pk
    assert account_balance(bank) == eur(0) and account_balance(capital) == eur(0)
    with pytest.raises(LedgerError):
        ledger_reverse(transaction=reversal, actor=coordinator, description="terug van terug")
    assert len(journal_list(kanaleneiland)) == 2


def test_ledger_rows_are_append_only(kanaleneiland, accounts):
    bank, capital = accounts
    txn = ledger_post(
        coop=kanaleneiland,
        occurred_on=DAY,
        description="x",
        legs=[Leg(bank, debit=eur(5)), Leg(capital, credit=eur(5))],
    )
    leg = txn.legs.first()
    for action in (
        leg.save,
        leg.delete,
        txn.save,
        txn.delete,
        bank.delete,
        lambda: LedgerLeg.objects.all().delete(),
        lambda: LedgerLeg.objects.update(debit=eur(1)),
        lambda: LedgerTransaction.objects.update(description="y"),
    ):
        with pytest.raises(TypeError):
            action()


def test_account_is_unique_per_coop_code_and_party(kanaleneiland):
    a = account_get_or_create(coop=kanaleneiland, code=AccountCode.WAGES_PAYABLE, member_id=7)
    b = account_get_or_create(coop=kanaleneiland, code=AccountCode.WAGES_PAYABLE, member_id=7)
    c = account_get_or_create(coop=kanaleneiland, code=AccountCode.WAGES_PAYABLE, member_id=8)
    assert a.pk == b.pk != c.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(coop=kanaleneiland, code=AccountCode.WAGES_PAYABLE, member_id=7)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL deferred constraint triggers")
def test_database_refuses_unbalanced_legs_at_commit(kanaleneiland, accounts):
    bank, capital = accounts
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        txn = LedgerTransaction.objects.create(coop=kanaleneiland, occurred_on=DAY, description="sneaky")
        LedgerLeg.objects.bulk_create(
            [
                LedgerLeg(transaction=txn, account=bank, debit=eur(5)),
                LedgerLeg(transaction=txn, account=capital, credit=eur(4)),
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="at least two"), transaction.atomic():
        LedgerTransaction.objects.create(coop=kanaleneiland, occurred_on=DAY, description="empty")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL triggers")
def test_database_refuses_update_and_delete_of_legs(kanaleneiland, accounts):
    bank, capital = accounts
    txn = ledger_post(
        coop=kanaleneiland,
        occurred_on=DAY,
        description="x",
        legs=[Leg(bank, debit=eur(5)), Leg(capital, credit=eur(5))],
    )
    from django.db import InternalError

    for sql in (
        "UPDATE ledger_ledgerleg SET debit = 6 WHERE transaction_id = %s",
        "DELETE FROM ledger_ledgerleg WHERE transaction_id = %s",
    ):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [txn.pk])
