"""Invoice pages: businesses see only their own invoices, staff only their coop's; lists cost fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coop.templatetags.money import format_money
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_run
from tests.invoicing.conftest import UNTIL, WORK_DAY
from tests.invoicing.factories import approved_hours

# After every flow test: the ledger balances and each invoice's receivable is its total or zero.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("books_sound")]


def _invoice(run_invoices, coop, business, member):  # type: ignore[no-untyped-def]
    approved_hours(coop=coop, business=business, member=member, day=WORK_DAY)
    return run_invoices(coop)[0]


def test_business_sees_invoice_with_euro_trail_and_downloads_pdf(
    english, client, run_invoices, kanaleneiland, bakery, fatima
):
    invoice = _invoice(run_invoices, kanaleneiland, bakery.business, fatima)
    client.force_login(bakery.contact)

    with translation.override("en"):
        listing = client.get(reverse("business_invoice_list"))
        detail = client.get(reverse("business_invoice_detail", args=[invoice.pk]))
    pdf = client.get(reverse("business_invoice_pdf", args=[invoice.pk]))

    assert listing.status_code == 200 and invoice.number in listing.content.decode()
    body = detail.content.decode()
    assert detail.status_code == 200 and "Where does your euro go?" in body
    line = invoice.lines.get()
    assert format_money(line.fund_share, language="en") in body
    assert format_money(line.member_wage, language="en") in body
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_other_business_and_outsider_get_404_or_403(
    client, run_invoices, kanaleneiland, lunetten, bakery, lunetten_shop, fatima, outsider, lunetten_coordinator
):
    invoice = _invoice(run_invoices, kanaleneiland, bakery.business, fatima)
    business_pages = [
        reverse("business_invoice_detail", args=[invoice.pk]),
        reverse("business_invoice_pdf", args=[invoice.pk]),
    ]
    office_pages = [
        reverse("office_invoice_detail", args=[invoice.pk]),
        reverse("office_invoice_pdf", args=[invoice.pk]),
        reverse("office_credit_note_create", args=[invoice.pk]),
    ]

    client.force_login(lunetten_shop.contact)
    for url in business_pages:
        assert client.get(url).status_code == 404, url
    client.force_login(outsider)
    for url in [*business_pages, reverse("business_invoice_list")]:
        assert client.get(url).status_code == 403, url
    for url in [
        *office_pages,
        reverse("office_invoice_list"),
        reverse("office_invoice_run"),
        reverse("office_payroll_export"),
        reverse("ledger_books"),
        reverse("ledger_journal"),
        reverse("member_earnings"),
        reverse("member_earnings_statement", args=[2026, 3]),
        reverse("business_credit_note_pdf", args=[1]),
        reverse("office_credit_note_pdf", args=[1]),
    ]:
        assert client.get(url).status_code == 403, url
    # Coop B's coordinator never sees coop A's invoice.
    client.force_login(lunetten_coordinator)
    for url in office_pages:
        assert client.get(url).status_code == 404, url
    assert invoice.number not in client.get(reverse("office_invoice_list")).content.decode()
    books = client.get(reverse("ledger_books"))
    assert books.context["trial"].rows == []  # coop B's books hold nothing of coop A
    assert invoice.number not in client.get(reverse("ledger_journal")).content.decode()
    # The business contact is no coordinator.
    client.force_login(bakery.contact)
    assert client.get(office_pages[0]).status_code == 403


def test_anonymous_is_sent_to_login(client, run_invoices, kanaleneiland, bakery, fatima):
    invoice = _invoice(run_invoices, kanaleneiland, bakery.business, fatima)
    response = client.get(reverse("business_invoice_detail", args=[invoice.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["business", "office"])
def test_invoice_list_costs_the_same_queries_for_1_and_50(
    client, kanaleneiland, bakery, fatima, coordinator, run_invoices, who
):
    url = reverse("business_invoice_list" if who == "business" else "office_invoice_list")
    client.force_login(bakery.contact if who == "business" else coordinator)
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    run_invoices(kanaleneiland)
    client.get(url)  # warm caches (content types, sessions)
    one = _queries(client, url)
    for i in range(49):
        approved_hours(
            coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY - dt.timedelta(days=i % 20)
        )
        invoice_run(coop=kanaleneiland, until=UNTIL)  # no PDFs needed here (on-commit work not run)
    assert Invoice.objects.count() == 50
    assert _queries(client, url) == one


def test_coordinator_runs_invoicing_from_the_page(
    english, client, kanaleneiland, bakery, fatima, coordinator, fatima_worked, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    assert client.get(reverse("office_invoice_run")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        response = client.post(reverse("office_invoice_run"), {"until": UNTIL.isoformat()})
    assert response.status_code == 200
    invoice = Invoice.objects.get()
    assert invoice.number in response.content.decode()
    assert "1 invoices issued" in response.content.decode() or invoice.number in response.content.decode()


def test_invoice_run_with_a_future_date_is_refused(english, client, kanaleneiland, coordinator, fatima_worked):
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.post(reverse("office_invoice_run"), {"until": "2999-01-01"})
    assert response.status_code == 400
    assert "Choose today or a day in the past." in response.content.decode()
    assert not Invoice.objects.exists()


def test_board_member_sees_books_and_office_invoice(client, run_invoices, kanaleneiland, bakery, fatima, board_member):
    invoice = _invoice(run_invoices, kanaleneiland, bakery.business, fatima)
    client.force_login(board_member)
    assert client.get(reverse("office_invoice_detail", args=[invoice.pk])).status_code == 200
    books = client.get(reverse("ledger_books"))
    assert books.status_code == 200
    assert client.get(reverse("ledger_journal")).status_code == 200
    trial = books.context["trial"]
    assert trial.total.amount == 0 and trial.total_debit.amount > 0
