"""Member earnings across jobs and clients, the statement PDF and the payroll CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from coop.money import eur
from invoicing.services.earnings import earnings_overview
from tests.factories import business_with_contact
from tests.invoicing.conftest import UNTIL, WORK_DAY
from tests.invoicing.factories import approved_hours
from tests.invoicing.test_invoice_pdf import pdf_text

# After every flow test: the ledger balances and each invoice's receivable is its total or zero.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("books_sound")]


@pytest.fixture
def stapelbaan(run_invoices, kanaleneiland, bakery, fatima):  # type: ignore[no-untyped-def]
    """Fatima works for two clients in one week; one more shift is approved but not invoiced yet."""
    other, _contact = business_with_contact(kanaleneiland)
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)  # 4 h
    approved_hours(
        coop=kanaleneiland,
        business=other,
        member=fatima,
        day=WORK_DAY + dt.timedelta(days=2),
        start=dt.time(18),
        end=dt.time(20),
        category="hospitality",
        rate="35.00",
    )  # 2 h
    invoices = run_invoices(kanaleneiland)
    expected = approved_hours(
        coop=kanaleneiland, business=bakery.business, member=fatima, day=UNTIL + dt.timedelta(days=1)
    )  # not billed yet
    return invoices, expected


def test_earnings_add_up_all_clients_per_week_and_month(stapelbaan, fatima):
    earnings = earnings_overview(member=fatima)
    week = next(w for w in earnings.weeks if w.start == WORK_DAY)
    # 4 h x 15.00 (cleaning) + 2 h x 15.25 (hospitality)
    assert week.wage_money == eur("90.50") and week.client_count == 2
    month = next(m for m in earnings.months if m.start == WORK_DAY.replace(day=1))
    assert month.wage_money == eur("90.50")
    assert month.expected_wage_money == eur("60.00")  # the unbilled 4 h shift at 15.00
    parts = [
        earnings.trail.wage_per_euro,
        earnings.trail.costs_per_euro,
        earnings.trail.fund_per_euro,
        earnings.trail.operating_per_euro,
    ]
    assert sum(p.amount for p in parts) == 1


def test_member_sees_earnings_page_with_euro_sentence_and_statement(english, client, stapelbaan, fatima, tmp_path):
    client.force_login(fatima.user)
    response = client.get(reverse("member_earnings"))
    assert response.status_code == 200
    assert "Of every euro your client paid" in response.content.decode()
    pdf = client.get(reverse("member_earnings_statement", args=[WORK_DAY.year, WORK_DAY.month]))
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.content, tmp_path).split())
    assert "Fatima" in text and "€ 90,50" in text and "02-03-2026" in text


def test_member_never_sees_another_members_earnings(client, stapelbaan, jan):
    client.force_login(jan.user)
    response = client.get(reverse("member_earnings"))
    assert response.status_code == 200
    assert response.context["earnings"].lines == []


def test_coordinator_exports_period_as_csv(client, stapelbaan, coordinator, fatima, lunetten_coordinator):
    client.force_login(coordinator)
    url = reverse("office_payroll_export")
    response = client.get(url, {"since": "2026-03-01", "until": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert len(rows) == 2
    assert {r["gross_wage"] for r in rows} == {"60.00", "30.50"}
    assert rows[0]["iban"] == fatima.iban
    # Bad period: clear error, no file.
    bad = client.get(url, {"since": "2026-03-31", "until": "2026-03-01"})
    assert bad.status_code == 400
    # Coop B exports nothing of coop A.
    client.force_login(lunetten_coordinator)
    other = client.get(url, {"since": "2026-03-01", "until": "2026-03-31"})
    assert len(list(csv.DictReader(io.StringIO(other.content.decode()), delimiter=";"))) == 0


def test_credit_note_takes_wage_back_from_earnings_and_payroll(client, stapelbaan, fatima, coordinator):
    from invoicing.services.credit_notes import credit_note_create

    invoices, _expected = stapelbaan
    bakery_invoice = next(i for i in invoices if i.lines.filter(job_category="cleaning").exists())
    credit_note_create(invoice=bakery_invoice, reason="Niet geleverd", actor=coordinator)

    week = next(w for w in earnings_overview(member=fatima).weeks if w.start == WORK_DAY)
    assert week.wage_money == eur("30.50")  # only the hospitality shift is left
    client.force_login(coordinator)
    response = client.get(reverse("office_payroll_export"), {"since": "2026-03-01", "until": "2026-03-31"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert sorted(r["gross_wage"] for r in rows) == ["-60.00", "30.50", "60.00"]
