"""Bank transfers: recorded by hand or imported from a CSV statement, matched by invoice number, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from coop.ledger.models import AccountCode, LedgerLeg, LedgerTransaction
from coop.ledger.selectors import receivable_for_invoice
from coop.money import eur
from invoicing.models import BankStatementImport, BankStatementLine, InvoiceSettlement, Payment
from invoicing.payments.bank import bank_statement_import
from invoicing.payments.exceptions import AmountMismatch, BankImportError, InvoiceNotPayable
from invoicing.payments.selectors import invoice_payment_summary, payment_integrity_check
from invoicing.payments.services import payment_record_manual

pytestmark = pytest.mark.django_db


def _csv(invoice, *, extra: str = "") -> bytes:  # type: ignore[no-untyped-def]
    return (
        "date,amount,counterparty,iban,description\n"
        f"2026-03-20,{invoice.total_gross.amount},Bakkerij,NL91ABNA0417164300,"
        f"Betaling factuur {invoice.number.lower()}\n"
        "2026-03-21,45.00,Onbekend,NL20INGB0001234567,Gift voor de buurt\n"
        "2026-03-22,-12.50,Bank,,Kosten rekening\n" + extra
    ).encode()


def _state() -> tuple[int, int, int]:
    return Payment.objects.count(), LedgerTransaction.objects.count(), BankStatementLine.objects.count()


def test_statement_lines_are_matched_by_invoice_number_and_the_rest_listed(invoice, coordinator):
    result = bank_statement_import(coop=invoice.coop, actor=coordinator, filename="nov.csv", content=_csv(invoice))
    assert [line.invoice for line in result.matched] == [invoice]
    assert [line.description for line in result.unmatched] == ["Gift voor de buurt"]
    payment = Payment.objects.get()
    assert payment.method == Payment.Method.BANK_TRANSFER
    assert payment.bank_line == result.matched[0]
    assert payment.received_on == dt.date(2026, 3, 20)
    assert receivable_for_invoice(invoice).amount == 0
    bank_legs = LedgerLeg.objects.filter(transaction=payment.ledger_transaction, account__code=AccountCode.BANK)
    assert bank_legs.get().debit == invoice.total_gross
    assert BankStatementLine.objects.get(amount=eur("-12.50")).status == BankStatementLine.Status.OUTGOING


def test_same_csv_imported_twice_does_not_double_post(invoice, coordinator):
    content = _csv(invoice)
    bank_statement_import(coop=invoice.coop, actor=coordinator, filename="nov.csv", content=content)
    before = _state()
    with pytest.raises(BankImportError):
        bank_statement_import(coop=invoice.coop, actor=coordinator, filename="nov-again.csv", content=content)
    assert _state() == before
    assert BankStatementImport.objects.count() == 1


def test_overlapping_statement_skips_lines_already_imported(invoice, coordinator):
    bank_statement_import(coop=invoice.coop, actor=coordinator, filename="a.csv", content=_csv(invoice))
    result = bank_statement_import(
        coop=invoice.coop,
        actor=coordinator,
        filename="b.csv",
        content=_csv(invoice, extra="2026-03-23,5.00,X,,Iets anders\n"),
    )
    assert result.skipped == 3
    assert len(result.unmatched) == 1
    assert Payment.objects.count() == 1
    assert payment_integrity_check().ok


def test_unreadable_file_imports_nothing(invoice, coordinator):
    before = _state()
    for content in (
        b"datum;bedrag\n1;2\n",
        b"date,amount,counterparty,iban,description\nmorgen,12,a,b,c\n",
        b"\xff\xfe\x00garbage",
        b"date,amount,counterparty,iban,description\n2026-03-01,12.345,a,b,c\n",
    ):
        with pytest.raises(BankImportError):
            bank_statement_import(coop=invoice.coop, actor=coordinator, filename="x.csv", content=content)
    assert _state() == before
    assert BankStatementImport.objects.count() == 0


def test_line_paying_more_than_owed_pays_the_invoice_and_books_the_rest_as_unallocated(invoice, coordinator):
    content = (
        f"date,amount,counterparty,iban,description\n2026-03-20,{invoice.total_gross.amount + 1},B,,{invoice.number}\n"
    ).encode()
    result = bank_statement_import(coop=invoice.coop, actor=coordinator, filename="x.csv", content=content)
    assert result.matched[0].invoice == invoice
    assert Payment.objects.get().amount == invoice.total_gross
    assert [r.amount for r in result.unallocated] == [eur("1.00")]


def test_other_coops_invoice_number_is_not_matched(invoice, lunetten_invoice, coordinator):
    content = (
        "date,amount,counterparty,iban,description\n"
        f"2026-03-20,{lunetten_invoice.total_gross.amount},B,,{lunetten_invoice.number}\n"
    ).encode()
    result = bank_statement_import(coop=invoice.coop, actor=coordinator, filename="x.csv", content=content)
    assert result.matched == []
    assert Payment.objects.count() == 0


def test_partial_bank_payment_makes_the_invoice_partly_paid(invoice, coordinator):
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=eur("20.00"),
        received_on=dt.date(2026, 3, 20),
        reference="deel 1",
        actor=coordinator,
    )
    assert InvoiceSettlement.objects.get(invoice=invoice).status == InvoiceSettlement.Status.PARTLY_PAID
    assert receivable_for_invoice(invoice).amount == invoice.total_gross.amount - 20
    rest = eur(invoice.total_gross.amount - 20)
    payment_record_manual(
        invoice_id=invoice.pk, amount=rest, received_on=dt.date(2026, 3, 25), reference="deel 2", actor=coordinator
    )
    summary = invoice_payment_summary(invoice, today=dt.date(2026, 3, 26))
    assert summary.status == "paid"
    assert receivable_for_invoice(invoice).amount == 0


def test_manual_payment_bad_input_changes_nothing(invoice, coordinator):
    before = _state()
    with pytest.raises(AmountMismatch):
        payment_record_manual(
            invoice_id=invoice.pk,
            amount=eur(invoice.total_gross.amount + 1),
            received_on=dt.date(2026, 3, 20),
            reference="te veel",
            actor=coordinator,
        )
    with pytest.raises(AmountMismatch):
        payment_record_manual(
            invoice_id=invoice.pk,
            amount=eur("0.00"),
            received_on=dt.date(2026, 3, 20),
            reference="nul",
            actor=coordinator,
        )
    assert _state() == before
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=invoice.total_gross,
        received_on=dt.date(2026, 3, 20),
        reference="alles",
        actor=coordinator,
    )
    before = _state()
    with translation.override("en"), pytest.raises(InvoiceNotPayable, match="already been paid"):
        payment_record_manual(
            invoice_id=invoice.pk,
            amount=eur("1.00"),
            received_on=dt.date(2026, 3, 20),
            reference="nog eens",
            actor=coordinator,
        )
    assert _state() == before


def test_import_page_shows_matched_and_unmatched_lines(client, invoice, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("nov.csv", _csv(invoice), content_type="text/csv")
    response = client.post(reverse("payments:office_bank_import"), {"file": upload})
    assert response.status_code == 200
    assert "Gift voor de buurt" in response.content.decode()
    upload = SimpleUploadedFile("nov.csv", _csv(invoice), content_type="text/csv")
    assert client.post(reverse("payments:office_bank_import"), {"file": upload}).status_code == 400
    assert Payment.objects.count() == 1


def test_manual_payment_page(client, invoice, coordinator):
    client.force_login(coordinator)
    url = reverse("payments:office_payment_record", args=[invoice.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "10.00", "received_on": "2026-03-20", "reference": "NL91 overboeking"})
    assert response.status_code == 302
    response = client.post(url, {"amount": "99999.00", "received_on": "2026-03-20", "reference": "te veel"})
    assert response.status_code == 200
    assert Payment.objects.count() == 1


def test_board_member_cannot_record_payments_and_outsider_gets_403(
    client, invoice, board_member, outsider, lunetten_coordinator
):
    url = reverse("payments:office_payment_record", args=[invoice.pk])
    for user in (board_member, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"amount": "10.00", "received_on": "2026-03-20", "reference": "x"}).status_code == 403
        assert client.get(reverse("payments:office_bank_import")).status_code == 403
    client.force_login(lunetten_coordinator)
    assert client.get(url).status_code == 404
    assert Payment.objects.count() == 0
