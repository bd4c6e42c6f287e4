"""Writes to the books: post a balanced transaction, reverse one, open an account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.exceptions import LedgerError, UnbalancedTransaction
from coop.ledger.models import Account, AccountCode, LedgerLeg, LedgerTransaction, ledger_reference, party_key_for
from coop.models import Cooperative
from coop.money import CURRENCY, round_cents


@dataclass(frozen=True)
class Leg:
    """One side of a posting: a positive debit or a positive credit on one account."""

    account: Account
    debit: Money | None = None
    credit: Money | None = None


def _check_legs(*, coop: Cooperative, legs: list[Leg]) -> None:
    if len(legs) < 2:
        raise UnbalancedTransaction(_("A posting needs at least two legs."))
    debit_total = Decimal(0)
    credit_total = Decimal(0)
    for leg in legs:
        if leg.account.coop_id != coop.pk:
            raise LedgerError(_("An account of another coop cannot be posted to."))
        if (leg.debit is None) == (leg.credit is None):
            raise UnbalancedTransaction(_("Each leg has either a debit or a credit, not both and not neither."))
        amount = leg.debit if leg.debit is not None else leg.credit
        assert amount is not None
        if str(amount.currency) != CURRENCY:
            raise LedgerError(_("The books are kept in euros only."))
        value = Decimal(amount.amount)
        if value != round_cents(value):
            raise UnbalancedTransaction(_("Amounts in the books are whole cents."))
        if value <= 0:
            raise UnbalancedTransaction(_("A leg's amount must be more than zero."))
        if leg.debit is not None:
            debit_total += value
        else:
            credit_total += value
    if debit_total != credit_total:
        raise UnbalancedTransaction(
            _("The posting does not balance: debit %(debit)s, credit %(credit)s.")
            % {"debit": debit_total, "credit": credit_total}
        )


def ledger_post(
    *,
    coop: Cooperative,
    occurred_on: dt.date,
    description: str,
    legs: list[Leg],
    actor: Any | None = None,
    source: models.Model | None = None,
    reference: models.Model | str | None = None,
    idempotency_key: str | None = None,
    key_locked: bool = False,
) -> LedgerTransaction:
    """Post one balanced transaction; with an idempotency key already used, return that one instead.

    `reference` names the document the posting concerns (defaults to `source`); the receivable of
    an invoice is the sum of receivable legs whose transaction references it.
    `key_locked=True` tells that the caller holds a row lock that every posting with this key takes
    first (e.g. the invoice row for `stripe-payment:<pi>`): no concurrent poster can race us to the
    key, so the insert needs no savepoint. (Should one anyway, the unique constraint still refuses
    the second posting: the caller's whole transaction fails instead of returning the first.)
    Raises UnbalancedTransaction for empty, zero, negative, two-sided or unbalanced legs and
    LedgerError for an account of another coop.
    """
    _check_legs(coop=coop, legs=legs)
    # savepoint=False: nothing in here is caught and carried on from, except the unique-key race
    # below, which has its own savepoint. An error rolls back the caller's transaction with ours.
    with transaction.atomic(savepoint=False):
        if idempotency_key:
            existing = LedgerTransaction.objects.filter(coop=coop, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        try:
            # A savepoint: a concurrent poster with the same key makes this insert wait and then
            # fail on the unique constraint; we return the winner's transaction.
            with transaction.atomic(savepoint=not (key_locked and idempotency_key)):
                txn = LedgerTransaction.objects.create(
                    coop=coop,
                    occurred_on=occurred_on,
                    description=description[:300],
                    source_type=source._meta.label_lower if source is not None else "",
                    source_id=str(source.pk) if source is not None else "",
                    reference=ledger_reference(reference if reference is not None else source),
                    idempotency_key=idempotency_key or None,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                LedgerLeg.objects.bulk_create(
                    [
                        LedgerLeg(transaction=txn, account=leg.account, debit=leg.debit, credit=leg.credit)
                        for leg in legs
                    ]
                )
        except IntegrityError:
            if not idempotency_key or key_locked:
                raise
            return LedgerTransaction.objects.get(coop=coop, idempotency_key=idempotency_key)
        audit_record(
            actor=actor,
            action="ledger.posted",
            subject=txn,
            coop=coop,
            data={"legs": len(legs), "reference": txn.reference, "description": txn.description},
        )
    return txn


def ledger_reverse(
    *, transaction: LedgerTransaction, actor: Any | None, description: str, occurred_on: dt.date | None = None
) -> LedgerTransaction:
    """Post the mirror image of a transaction (debits become credits); reversing twice returns the first reversal.

    Raises LedgerError if the transaction is itself a reversal.
    """
    original = transaction
    if original.reverses_id is not None:
        raise LedgerError(_("A reversal is not reversed again; post a new transaction instead."))
    legs = [
        Leg(account=leg.account, debit=leg.credit, credit=leg.debit)
        for leg in original.legs.select_related("account").order_by("id")
    ]
    from django.db import transaction as db_transaction

    with db_transaction.atomic():
        existing = LedgerTransaction.objects.filter(reverses=original).first()
        if existing is not None:
            return existing
        _check_legs(coop=original.coop, legs=legs)
        try:
            with db_transaction.atomic():
                reversal = LedgerTransaction.objects.create(
                    coop=original.coop,
                    occurred_on=occurred_on or original.occurred_on,
                    description=description[:300],
                    source_type=original.source_type,
                    source_id=original.source_id,
                    reference=original.reference,
                    reverses=original,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                LedgerLeg.objects.bulk_create(
                    [
                        LedgerLeg(transaction=reversal, account=leg.account, debit=leg.debit, credit=leg.credit)
                        for leg in legs
                    ]
                )
        except IntegrityError:
            return LedgerTransaction.objects.get(reverses=original)
        audit_record(
            actor=actor, action="ledger.reversed", subject=reversal, coop=original.coop, data={"reverses": original.pk}
        )
    return reversal


def account_get_or_create(
    *,
    coop: Cooperative,
    code: str,
    business_id: int | None = None,
    member_id: int | None = None,
    name: str = "",
) -> Account:
    """The account of a coop with this code (and party), created on first use (see account_get_or_create_many)."""
    accounts = account_get_or_create_many(coop=coop, wanted=[(code, business_id, member_id, name)])
    return accounts[(code, business_id, member_id)]


def account_get_or_create_many(
    *, coop: Cooperative, wanted: list[tuple[str, int | None, int | None, str]]
) -> dict[tuple[str, int | None, int | None], Account]:
    """Many accounts at once, `wanted` as (code, business_id, member_id, name); one query when they exist.

    Missing accounts are opened with one INSERT .. ON CONFLICT DO NOTHING and read back with one
    more query, however many there are (a savepoint and an insert each cost a run of invoices for
    new clients and members four queries per account). A concurrent poster that opens the same
    account first makes our insert skip it; the read-back finds theirs.
    Returns them keyed by (code, business_id, member_id).
    """
    by_key: dict[tuple[str, str], tuple[str, int | None, int | None, str]] = {}
    for code, business_id, member_id, name in wanted:
        if code not in AccountCode.values:
            raise LedgerError(_("Unknown account %(code)s.") % {"code": code})
        by_key[(code, party_key_for(business_id, member_id))] = (code, business_id, member_id, name)

    def read() -> dict[tuple[str, str], Account]:
        return {
            (a.code, a.party_key): a
            for a in Account.objects.filter(
                coop=coop, code__in={k[0] for k in by_key}, party_key__in={k[1] for k in by_key}
            )
        }

    found = read()
    missing = [key for key in by_key if key not in found]
    if missing:
        rows = []
        for code, party_key in missing:
            _code, business_id, member_id, name = by_key[(code, party_key)]
            rows.append(
                Account(
                    coop=coop,
                    code=code,
                    business_id=business_id,
                    member_id=member_id,
                    party_key=party_key,
                    name=name[:200],
                )
            )
        Account.objects.bulk_create(
            rows,
            ignore_conflicts=True,
        )
        found = read()
    result: dict[tuple[str, int | None, int | None], Account] = {}
    for key, (code, business_id, member_id, _name) in by_key.items():
        result[(code, business_id, member_id)] = found[key]
    return result
