"""Two coordinators place the same unallocated money at the same moment: it is placed once (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from coop.ledger.selectors import trial_balance
from coop.money import eur
from invoicing.models import Payment, ReceiptResolution, UnallocatedReceipt
from invoicing.payments.bank import bank_statement_import
from invoicing.payments.exceptions import PaymentError
from invoicing.payments.services import receipt_allocate, receipt_write_off
from tests.invoicing.payments.factories import issued_invoice

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def test_the_same_money_placed_twice_at_once_is_placed_once(invoice, bakery, fatima, coordinator, board_member):
    content = (
        "date,amount,counterparty,iban,description\n"
        f"2026-03-20,{invoice.total_gross.amount + Decimal('100.00')},Bakkerij,,Factuur {invoice.number}\n"
    ).encode()
    receipt = bank_statement_import(
        coop=invoice.coop, actor=coordinator, filename="m.csv", content=content
    ).unallocated[0]
    next_invoice = issued_invoice(coop=invoice.coop, business=bakery.business, member=fatima, day=dt.date(2026, 3, 9))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate() -> None:
        try:
            barrier.wait()
            receipt_allocate(
                coop=invoice.coop,
                receipt_id=receipt.pk,
                invoice_id=next_invoice.pk,
                amount=eur("100.00"),
                actor=coordinator,
            )
            outcomes.append("placed")
        except PaymentError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    def write_off() -> None:
        try:
            barrier.wait()
            receipt_write_off(
                coop=invoice.coop, receipt_id=receipt.pk, amount=eur("100.00"), reason="fooi", actor=board_member
            )
            outcomes.append("placed")
        except PaymentError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=allocate), threading.Thread(target=write_off)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["placed", "refused"]
    assert ReceiptResolution.objects.count() == 1
    assert UnallocatedReceipt.objects.get().amount_resolved == eur("100.00")
    assert Payment.objects.filter(method=Payment.Method.UNALLOCATED).count() in (0, 1)
    assert trial_balance(invoice.coop).total.amount == 0
