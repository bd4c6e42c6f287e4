"""The database itself refuses an invoice line whose euro trail does not add up, on both databases.

1 h 15 min at EUR 27.50 is EUR 34.38 = 18.75 wage + 5.63 employer costs + 4.00 fund + 6.00
operating. As floats (how SQLite keeps decimals) those parts do not add up to exactly 34.38, so a
plain "net = sum of parts" check refused a correct line on SQLite and stopped the invoice run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from invoicing.models import InvoiceLine
from tests.invoicing.factories import approved_hours

WORK_DAY = dt.date(2026, 3, 2)


def test_line_whose_parts_are_inexact_as_floats_is_billed(kanaleneiland, bakery, fatima, run_invoices):
    approved_hours(
        coop=kanaleneiland,
        business=bakery.business,
        member=fatima,
        day=WORK_DAY,
        start=dt.time(9, 0),
        end=dt.time(10, 15),
        rate="27.50",
    )
    [invoice] = run_invoices(kanaleneiland)
    line = InvoiceLine.objects.get(invoice=invoice)
    parts = [line.member_wage, line.employer_costs, line.fund_share, line.operating_share]
    assert line.line_total_net.amount == Decimal("34.38")
    assert sum(p.amount for p in parts) == Decimal("34.38")
    assert float(sum(float(p.amount) for p in parts)) != 34.38  # the float trap is real for this line


def test_database_refuses_a_line_whose_trail_does_not_add_up(kanaleneiland, bakery, fatima, run_invoices):
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY, rate="27.50")
    [invoice] = run_invoices(kanaleneiland)
    line = InvoiceLine.objects.get(invoice=invoice)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoicing_invoiceline SET operating_share = operating_share + 0.01 WHERE id = %s", [line.pk]
        )
    line.refresh_from_db()
    assert line.line_total_net.amount == sum(
        p.amount for p in (line.member_wage, line.employer_costs, line.fund_share, line.operating_share)
    )
