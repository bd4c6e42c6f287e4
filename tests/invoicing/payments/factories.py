"""Payments test data: issued invoices made by the real invoicing service."""

from __future__ import annotations

import datetime as dt

from coop.models import Cooperative
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_issue
from members.models import Business, Member
from tests.invoicing.factories import approved_hours


def issued_invoice(
    *,
    coop: Cooperative,
    business: Business,
    member: Member,
    day: dt.date,
    issue_date: dt.date | None = None,
    hours_end: dt.time = dt.time(13, 0),
) -> Invoice:
    """One issued invoice for one approved shift, posted to the books by the invoicing service."""
    approved_hours(coop=coop, business=business, member=member, day=day, end=hours_end)
    return invoice_issue(coop=coop, business=business, until=day, issue_date=issue_date or day)


def cents(invoice: Invoice) -> int:
    return int(invoice.total_gross.amount * 100)
