"""Issuing: approved hours become one numbered invoice per business, posted to the books."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from coop.ledger.models import AccountCode
from coop.ledger.selectors import account_balance, receivable_for_invoice
from coop.ledger.services import account_get_or_create
from coop.money import eur
from invoicing.exceptions import InvoiceEmpty
from invoicing.models import Invoice, InvoiceLine
from invoicing.services.invoices import invoice_issue
from tests.invoicing.conftest import UNTIL, WORK_DAY, assert_books_sound
from tests.invoicing.factories import approved_hours, submitted_hours

pytestmark = pytest.mark.django_db


def test_run_bills_approved_hours_on_one_invoice_per_business(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, books_sound
):
    invoices = run_invoices(kanaleneiland)

    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice.number == f"KAN-{invoice.issue_date.year}-00001"
    lines = list(invoice.lines.order_by("position"))
    assert [line.hours for line in lines] == [Decimal("4.00"), Decimal("3.50")]
    assert invoice.total_net == eur("225.00")
    assert invoice.total_vat == eur("47.25")
    assert invoice.total_gross == eur("272.25")
    assert (invoice.period_start, invoice.period_end) == (WORK_DAY, WORK_DAY + dt.timedelta(1))
    assert invoice.buyer["legal_name"] == bakery.business.legal_name
    assert invoice.seller["kvk_number"] == kanaleneiland.kvk_number
    assert invoice.pdf_rendered_at is not None and invoice.pdf.name.endswith(f"{invoice.number}.pdf")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [bakery.business.billing_email]
    assert mail.outbox[0].attachments[0][0] == f"{invoice.number}.pdf"


def test_issuing_posts_receivable_vat_wages_costs_fund_and_operating(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, books_sound
):
    invoice = run_invoices(kanaleneiland)[0]
    lines = list(invoice.lines.all())

    def bal(code, **party):
        return account_balance(account_get_or_create(coop=kanaleneiland, code=code, **party))

    assert receivable_for_invoice(invoice) == invoice.total_gross
    assert bal(AccountCode.RECEIVABLE, business_id=bakery.business.pk) == invoice.total_gross
    assert bal(AccountCode.VAT_PAYABLE) == invoice.total_vat
    assert bal(AccountCode.WAGES_PAYABLE, member_id=fatima.pk) == eur(sum(li.member_wage.amount for li in lines))
    assert bal(AccountCode.EMPLOYER_COSTS_PAYABLE) == eur(sum(li.employer_costs.amount for li in lines))
    assert bal(AccountCode.FUND) == eur(sum(li.fund_share.amount for li in lines))
    assert bal(AccountCode.OPERATING) == eur(sum(li.operating_share.amount for li in lines))


def test_second_run_bills_nothing_twice(run_invoices, kanaleneiland, bakery, fatima, fatima_worked, books_sound):
    first = run_invoices(kanaleneiland)
    again = run_invoices(kanaleneiland)

    assert len(first) == 1 and again == []
    assert InvoiceLine.objects.count() == 2
    assert len(mail.outbox) == 1


def test_hours_after_until_and_unapproved_hours_wait(run_invoices, kanaleneiland, bakery, fatima, books_sound):
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=UNTIL + dt.timedelta(1))
    submitted_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)

    assert run_invoices(kanaleneiland) == []
    assert Invoice.objects.count() == 0


def test_issuing_an_empty_invoice_is_refused_and_changes_nothing(run_invoices, kanaleneiland, bakery, books_sound):
    with pytest.raises(InvoiceEmpty):
        invoice_issue(coop=kanaleneiland, business=bakery.business, until=UNTIL)

    assert Invoice.objects.count() == 0
    from invoicing.models import InvoiceCounter

    assert not InvoiceCounter.objects.exists()


def test_payment_term_comes_from_business_else_rulebook(run_invoices, kanaleneiland, bakery, fatima, fatima_worked):
    invoice = run_invoices(kanaleneiland)[0]
    assert invoice.payment_term_days == 14  # rulebook default
    assert invoice.due_date == invoice.issue_date + dt.timedelta(days=14)

    bakery.business.payment_term_days = 30
    bakery.business.save()
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    second = run_invoices(kanaleneiland)[0]
    assert second.payment_term_days == 30
    assert second.number.endswith("-00002")
    assert_books_sound()


def test_issued_invoice_cannot_be_edited_or_deleted(run_invoices, kanaleneiland, bakery, fatima, fatima_worked):
    invoice = run_invoices(kanaleneiland)[0]
    invoice.total_net = eur("1.00")
    with pytest.raises(TypeError):
        invoice.save()
    with pytest.raises(TypeError):
        Invoice.objects.filter(pk=invoice.pk).update(total_net=eur("1.00"))
    with pytest.raises(TypeError):
        invoice.delete()
    with pytest.raises(TypeError):
        invoice.lines.first().delete()


def test_a_run_loads_the_rulebook_once_not_per_invoice(kanaleneiland, bakery, fatima, books_sound):
    """The run passes one Rulebook to every invoice: the second invoice reads no rulebook rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coop.rulebook.book import Rulebook

    rules = Rulebook.for_coop(kanaleneiland)
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    first = invoice_issue(coop=kanaleneiland, business=bakery.business, until=UNTIL, rules=rules)
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY + dt.timedelta(1))
    with CaptureQueriesContext(connection) as queries:
        second = invoice_issue(coop=kanaleneiland, business=bakery.business, until=UNTIL, rules=rules)
    assert not [q for q in queries.captured_queries if "rulebook_" in q["sql"]]
    assert second.payment_term_days == first.payment_term_days == 14
    assert second.sequence == first.sequence + 1
