"""Member earnings: the overview across all jobs, the monthly statement PDF and the payroll export."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from djmoney.money import Money

from coop.audit import audit_record
from coop.models import Cooperative
from coop.money import eur, to_decimal
from coop.rulebook.book import Rulebook
from invoicing.selectors import (
    MemberEarnings,
    member_earnings,
    payroll_credit_lines_for_coop,
    payroll_lines_for_coop,
)
from jobs.models import HourEntry
from members.models import Member


def earnings_overview(*, member: Member, since: dt.date | None = None, until: dt.date | None = None) -> MemberEarnings:
    """A member's earnings per week and month; approved, unbilled hours valued at the rulebook wage as expected."""
    caches: dict[int, Rulebook] = {}

    def expected_wage(entry: HourEntry) -> Money:
        job = entry.assignment.shift.job
        cache = caches.setdefault(job.coop_id, Rulebook.for_coop(job.coop))
        wage = cache.member_wage(job.category, on=entry.assignment.shift.date)
        return eur(entry.hours_worked * to_decimal(wage))

    return member_earnings(member=member, since=since, until=until, expected_wage=expected_wage)


def earnings_statement_pdf(*, member: Member, year: int, month: int) -> bytes:
    """The monthly earnings statement (verdienoverzicht) of one member as PDF bytes."""
    from invoicing import pdf
    from invoicing.services.invoices import seller_snapshot

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    earnings = earnings_overview(member=member, since=first, until=last)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "invoicing/earnings_statement_pdf.html",
            {
                "member": member,
                "seller": seller_snapshot(member.coop),
                "earnings": earnings,
                "total_hours": sum((line.hours for line in earnings.lines), Decimal(0)),
                "month_label": date_format(first, "F Y"),
                "today": timezone.localdate(),
            },
        )
    return pdf.html_to_pdf(html)


PAYROLL_COLUMNS = (
    "member_number",
    "last_name",
    "first_name",
    "iban",
    "work_date",
    "client",
    "invoice_number",
    "job_category",
    "hours",
    "wage_hourly",
    "gross_wage",
    "employer_costs",
    "rule_version",
)


def _payroll_row(line: Any, document_number: str, hours: Decimal, wage: Decimal, costs: Decimal) -> list[Any]:
    """One payroll CSV row (PAYROLL_COLUMNS) for an invoice line, or for what a credit note takes back of it."""
    member = line.member
    return [
        member.member_number or "",
        member.last_name,
        member.first_name,
        member.iban,
        line.work_date.isoformat(),
        str(line.invoice.business),
        document_number,
        line.job_category,
        f"{hours:.2f}",
        f"{to_decimal(line.wage_hourly):.2f}",
        f"{wage:.2f}",
        f"{costs:.2f}",
        line.rule_version_id,
    ]


def payroll_csv_export(*, coop: Cooperative, since: dt.date, until: dt.date, actor: Any) -> str:
    """CSV of a period's billed hours and wages per member and shift, for the payroll provider (logged)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(PAYROLL_COLUMNS)
    rows = 0
    for line in payroll_lines_for_coop(coop=coop, since=since, until=until):
        writer.writerow(
            _payroll_row(
                line, line.invoice.number, line.hours, to_decimal(line.member_wage), to_decimal(line.employer_costs)
            )
        )
        rows += 1
    for credit in payroll_credit_lines_for_coop(coop=coop, since=since, until=until):
        # A credit note takes hours and wage back: the same columns, negative.
        writer.writerow(
            _payroll_row(
                credit.invoice_line,
                credit.credit_note.number,
                -credit.hours,
                -to_decimal(credit.member_wage),
                -to_decimal(credit.employer_costs),
            )
        )
        rows += 1
    audit_record(
        actor=actor,
        action="payroll.exported",
        coop=coop,
        data={"since": since.isoformat(), "until": until.isoformat(), "rows": rows},
    )
    return out.getvalue()
