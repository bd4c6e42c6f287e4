"""Invoice lists show each invoice's payment state (open, paid, ...), not only "issued"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from invoicing.payments.services import payment_record_manual
from tests.invoicing.factories import approved_hours

WORK_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def two_invoices(kanaleneiland, bakery, fatima, coordinator, run_invoices):  # type: ignore[no-untyped-def]
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    [first] = run_invoices(kanaleneiland)
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY + dt.timedelta(7))
    [second] = run_invoices(kanaleneiland, until=WORK_DAY + dt.timedelta(13))
    payment_record_manual(
        invoice_id=first.pk,
        amount=first.total_gross,
        received_on=first.issue_date,
        reference=first.number,
        actor=coordinator,
    )
    return first, second


@pytest.mark.parametrize("page", ["business_invoice_list", "office_invoice_list"])
def test_list_shows_paid_and_open(page, client, bakery, coordinator, two_invoices):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact if page.startswith("business") else coordinator)
    with translation.override("en"):
        html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    first, second = two_invoices
    row_first = html.split(first.number)[1].split("</tr>")[0]
    row_second = html.split(second.number)[1].split("</tr>")[0]
    assert "Paid" in row_first
    assert "Open" in row_second  # issued today, not yet due, unpaid
