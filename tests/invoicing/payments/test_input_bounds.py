"""Dates money moves on: a payment is not received before its invoice or in the future; a payout is not
dated in the past or years ahead. Each refusal is clear and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coop.ledger.models import LedgerTransaction
from coop.money import eur
from invoicing.models import BankStatementLine, InvoiceSettlement, Payment, PayoutBatch, PayoutItem
from invoicing.payments.bank import bank_statement_import
from invoicing.payments.dates import PAYOUT_HORIZON_DAYS
from invoicing.payments.exceptions import PaymentError, PayoutError
from invoicing.payments.payouts import payout_batch_prepare
from invoicing.payments.services import payment_record_manual
from tests.invoicing.payments.conftest import WORK_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _state() -> tuple:
    return (
        Payment.objects.count(),
        LedgerTransaction.objects.count(),
        list(InvoiceSettlement.objects.order_by("pk").values_list("pk", "status", "amount_paid")),
        PayoutBatch.objects.count(),
        PayoutItem.objects.count(),
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1900-01-01", "A payment cannot be received before the invoice date (02-03-2026)."),
        ((WORK_DAY - dt.timedelta(days=1)).isoformat(), "A payment cannot be received before the invoice date"),
        ("9999-12-31", "A payment cannot be received in the future."),
    ],
)
def test_manual_payment_form_refuses_a_date_out_of_range(client, invoice, coordinator, day, message):
    assert invoice.issue_date == WORK_DAY
    client.force_login(coordinator)
    before = _state()
    response = client.post(
        reverse("payments:office_payment_record", args=[invoice.pk]),
        {"amount": "10.00", "received_on": day, "reference": "overboeking"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), WORK_DAY - dt.timedelta(days=1), dt.date(9999, 12, 31)])
def test_manual_payment_service_refuses_a_date_out_of_range(invoice, coordinator, day):
    before = _state()
    with pytest.raises(PaymentError, match="cannot be received"):
        payment_record_manual(
            invoice_id=invoice.pk, amount=eur("10.00"), received_on=day, reference="x", actor=coordinator
        )
    assert _state() == before


def test_a_payment_on_the_invoice_date_is_accepted(invoice, coordinator):
    payment = payment_record_manual(
        invoice_id=invoice.pk, amount=eur("10.00"), received_on=WORK_DAY, reference="x", actor=coordinator
    )
    assert payment.received_on == WORK_DAY


def test_a_bank_line_dated_before_the_invoice_records_no_payment(invoice, coordinator):
    content = (
        "date,amount,counterparty,iban,description\n"
        f"1900-01-01,{invoice.total_gross.amount},Bakkerij,NL91ABNA0417164300,Factuur {invoice.number}\n"
    ).encode()
    result = bank_statement_import(coop=invoice.coop, actor=coordinator, filename="old.csv", content=content)
    assert result.matched == []
    line = BankStatementLine.objects.get()
    assert line.status == BankStatementLine.Status.UNMATCHED
    assert "before the invoice date" in line.note
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "The pay date is too far ahead."),
        ("2000-01-01", "The pay date cannot be in the past."),
    ],
)
def test_payout_form_refuses_a_pay_date_out_of_range(client, invoice, coordinator, day, message):
    client.force_login(coordinator)
    before = _state()
    response = client.post(
        reverse("payments:office_payout_prepare"),
        {"period_start": "2026-03-01", "period_end": "2026-03-31", "execution_date": day},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    ("day", "message"),
    [(dt.date(9999, 12, 31), "too far ahead"), (dt.date(2000, 1, 1), "cannot be in the past")],
)
def test_payout_service_refuses_a_pay_date_out_of_range(invoice, coordinator, day, message):
    before = _state()
    with pytest.raises(PayoutError, match=message):
        payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=dt.date(2026, 3, 31), execution_date=day)
    assert _state() == before


def test_the_last_day_of_the_payout_horizon_is_accepted(invoice, coordinator):
    last = timezone.localdate() + dt.timedelta(days=PAYOUT_HORIZON_DAYS)
    batch = payout_batch_prepare(
        coop=invoice.coop, actor=coordinator, period_end=dt.date(2026, 3, 31), execution_date=last
    )
    assert batch.execution_date == last
