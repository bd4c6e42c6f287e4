"""Reads of the books: balances, the journal, the trial balance, an invoice's receivable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from djmoney.money import Money

from coop.ledger.models import Account, AccountCode, LedgerLeg, LedgerTransaction, ledger_reference
from coop.models import Cooperative
from coop.money import eur


def _sums(legs: QuerySet[LedgerLeg]) -> tuple[Decimal, Decimal]:
    totals = legs.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return Decimal(totals["debit"] or 0), Decimal(totals["credit"] or 0)


def account_balance(account: Account) -> Money:
    """The balance on the account's normal side (debit-normal: debit - credit; else credit - debit)."""
    debit, credit = _sums(LedgerLeg.objects.filter(account=account))
    return eur(debit - credit if account.is_debit_normal else credit - debit)


@dataclass(frozen=True)
class AccountRow:
    account: Account
    debit: Money
    credit: Money

    @property
    def net_debit(self) -> Money:
        """Debit minus credit: positive on the debit side of a trial balance."""
        return eur(self.debit.amount - self.credit.amount)

    @property
    def balance(self) -> Money:
        """The balance on the account's normal side."""
        net = self.debit.amount - self.credit.amount
        return eur(net if self.account.is_debit_normal else -net)


@dataclass(frozen=True)
class TrialBalance:
    rows: list[AccountRow]
    total_debit: Money
    total_credit: Money

    @property
    def total(self) -> Money:
        """Sum of all debits minus all credits: always zero in balanced books."""
        return eur(self.total_debit.amount - self.total_credit.amount)


def account_list_with_totals(coop: Cooperative) -> list[AccountRow]:
    """Every account of the coop with its debit and credit totals, in one query."""
    accounts = (
        Account.objects.filter(coop=coop)
        .annotate(debit_total=Sum("legs__debit"), credit_total=Sum("legs__credit"))
        .order_by("code", "party_key")
    )
    return [
        AccountRow(account=a, debit=eur(a.debit_total or 0), credit=eur(a.credit_total or 0))  # type: ignore[attr-defined]
        for a in accounts
    ]


def trial_balance(coop: Cooperative) -> TrialBalance:
    """All accounts with totals; `total` (debits - credits) is zero whenever the books balance."""
    rows = account_list_with_totals(coop)
    return TrialBalance(
        rows=rows,
        total_debit=eur(sum((r.debit.amount for r in rows), Decimal(0))),
        total_credit=eur(sum((r.credit.amount for r in rows), Decimal(0))),
    )


def journal_list(
    coop: Cooperative,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    account: Account | None = None,
    reference: Any | None = None,
    limit: int | None = 200,
) -> list[LedgerTransaction]:
    """Transactions of a coop, newest first, with legs and accounts loaded (a fixed number of queries)."""
    qs = LedgerTransaction.objects.filter(coop=coop)
    if since is not None:
        qs = qs.filter(occurred_on__gte=since)
    if until is not None:
        qs = qs.filter(occurred_on__lte=until)
    if account is not None:
        qs = qs.filter(legs__account=account).distinct()
    if reference is not None:
        qs = qs.filter(reference=ledger_reference(reference))
    qs = (
        qs.select_related("created_by")
        .prefetch_related(Prefetch("legs", queryset=LedgerLeg.objects.select_related("account").order_by("id")))
        .order_by("-occurred_on", "-id")
    )
    return list(qs[:limit] if limit else qs)


def receivable_for_invoice(invoice: Any) -> Money:
    """What the client still owes on one document: receivable debits minus credits referencing it."""
    debit, credit = _sums(
        LedgerLeg.objects.filter(transaction__reference=ledger_reference(invoice), account__code=AccountCode.RECEIVABLE)
    )
    return eur(debit - credit)


def ledger_unbalanced_transactions(coop: Cooperative | None = None) -> list[int]:
    """Ids of transactions whose legs do not balance or are fewer than two (an empty list in healthy books).

    Summed in Python with Decimals: SQLite sums decimals as floats, so an SQL comparison of sums
    can see 84.69999 <> 84.70.
    """
    legs = LedgerLeg.objects.all()
    transactions = LedgerTransaction.objects.all()
    if coop is not None:
        legs = legs.filter(transaction__coop=coop)
        transactions = transactions.filter(coop=coop)
    totals: dict[int, list[Decimal]] = {
        pk: [Decimal(0), Decimal(0), Decimal(0)] for pk in transactions.values_list("pk", flat=True)
    }
    for txn_id, debit, credit in legs.values_list("transaction_id", "debit", "credit"):
        row = totals.setdefault(txn_id, [Decimal(0), Decimal(0), Decimal(0)])
        row[0] += Decimal(debit or 0)
        row[1] += Decimal(credit or 0)
        row[2] += 1
    return sorted(pk for pk, (debit, credit, count) in totals.items() if debit != credit or count < 2)
