"""Credit notes: take back all or part of an invoice, with their own number, reversing the books."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from coop.ledger.models import AccountCode, LedgerLeg
from coop.ledger.selectors import account_balance, receivable_for_invoice, trial_balance
from coop.ledger.services import account_get_or_create
from coop.money import eur
from invoicing.exceptions import CreditTooLarge, InvoicingError
from invoicing.models import CreditNote, Invoice
from invoicing.services.credit_notes import credit_note_create, credit_note_pdf_render
from tests.invoicing.test_invoice_pdf import pdf_text

pytestmark = pytest.mark.django_db


def _balances(coop):  # type: ignore[no-untyped-def]
    return {(r.account.code, r.account.party_key): r.balance for r in trial_balance(coop).rows}


def test_full_credit_note_brings_the_invoice_back_to_zero_in_the_books(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator, books_sound, tmp_path
):
    invoice = run_invoices(kanaleneiland)[0]

    credit_note = credit_note_create(invoice=invoice, reason="Dubbel gefactureerd", actor=coordinator)

    assert credit_note.number == f"KAN-C{credit_note.issue_date.year}-00001"
    assert credit_note.original_number == invoice.number
    assert credit_note.original_issue_date == invoice.issue_date
    assert credit_note.total_gross == invoice.total_gross
    assert receivable_for_invoice(invoice) == eur(0)
    assert all(balance.amount == 0 for balance in _balances(kanaleneiland).values())
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.CREDITED
    rendered = credit_note_pdf_render(credit_note_id=credit_note.pk)
    text = pdf_text(rendered.pdf.read(), tmp_path)
    assert credit_note.number in text and invoice.number in text and "Dubbel gefactureerd" in text


def test_partial_credit_then_the_rest(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator, books_sound
):
    invoice = run_invoices(kanaleneiland)[0]
    first_line = invoice.lines.order_by("position").first()

    partial = credit_note_create(
        invoice=invoice, reason="Korter gewerkt", actor=coordinator, amounts={first_line.pk: Decimal("30.00")}
    )

    assert partial.total_net == eur("30.00") and partial.total_vat == eur("6.30")
    assert receivable_for_invoice(invoice) == eur(invoice.total_gross.amount - Decimal("36.30"))
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PARTIALLY_CREDITED
    credit_line = partial.lines.get()
    assert (
        credit_line.member_wage + credit_line.employer_costs + credit_line.fund_share + credit_line.operating_share
    ) == credit_line.line_total_net

    rest = credit_note_create(invoice=invoice, reason="Alles terug", actor=coordinator)
    assert rest.number.endswith("-00002")
    assert receivable_for_invoice(invoice) == eur(0)
    assert all(balance.amount == 0 for balance in _balances(kanaleneiland).values())
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.CREDITED


def test_crediting_more_than_invoiced_is_refused_and_changes_nothing(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator, books_sound
):
    invoice = run_invoices(kanaleneiland)[0]
    line = invoice.lines.order_by("position").first()
    legs_before = LedgerLeg.objects.count()

    with pytest.raises(CreditTooLarge):
        credit_note_create(
            invoice=invoice,
            reason="Te veel",
            actor=coordinator,
            amounts={line.pk: line.line_total_net.amount + Decimal("0.01")},
        )
    credit_note_create(invoice=invoice, reason="Alles", actor=coordinator)
    with pytest.raises(InvoicingError):
        credit_note_create(invoice=invoice, reason="Nog eens", actor=coordinator)

    assert CreditNote.objects.count() == 1
    assert LedgerLeg.objects.count() > legs_before
    assert CreditNote.objects.get().number.endswith("-00001")


def test_credit_note_form_shows_a_clear_error_for_too_much(
    english, client, run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator, books_sound
):
    invoice = run_invoices(kanaleneiland)[0]
    line = invoice.lines.order_by("position").first()
    client.force_login(coordinator)
    legs_before = LedgerLeg.objects.count()

    with translation.override("en"):
        response = client.post(
            reverse("office_credit_note_create", args=[invoice.pk]), {"reason": "Te veel", f"line_{line.pk}": "9999.00"}
        )

    assert response.status_code == 400
    assert "You cannot credit more than was invoiced" in response.content.decode()
    assert CreditNote.objects.count() == 0 and LedgerLeg.objects.count() == legs_before
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED


def test_credit_note_form_needs_a_reason_and_an_amount(
    client, run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator
):
    invoice = run_invoices(kanaleneiland)[0]
    client.force_login(coordinator)
    url = reverse("office_credit_note_create", args=[invoice.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Iets"}).status_code == 400
    assert CreditNote.objects.count() == 0


def test_credit_note_form_credits_everything(
    client, run_invoices, kanaleneiland, bakery, fatima, fatima_worked, coordinator, books_sound
):
    invoice = run_invoices(kanaleneiland)[0]
    client.force_login(coordinator)
    assert client.get(reverse("office_credit_note_create", args=[invoice.pk])).status_code == 200
    response = client.post(
        reverse("office_credit_note_create", args=[invoice.pk]), {"reason": "Fout", "credit_all": "on"}
    )
    assert response.status_code == 302
    assert receivable_for_invoice(invoice) == eur(0)
    wage = account_balance(
        account_get_or_create(coop=kanaleneiland, code=AccountCode.WAGES_PAYABLE, member_id=fatima.pk)
    )
    assert wage == eur(0)
    # The business downloads the credit note.
    client.force_login(bakery.contact)
    cn = CreditNote.objects.get()
    pdf = client.get(reverse("business_credit_note_pdf", args=[cn.pk]))
    assert pdf.status_code == 200
