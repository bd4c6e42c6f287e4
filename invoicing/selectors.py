"""Reads of invoicing: always scoped (coop, business or member) and with their joins loaded."""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from djmoney.money import Money

from coop.models import Cooperative
from coop.money import eur, to_decimal
from invoicing.documents import credit_note_rows, invoice_rows
from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from jobs.hours.selectors import hour_entries_billable
from jobs.models import HourEntry
from members.models import Business, Member

logger = logging.getLogger(__name__)

# --- Hours to bill ---------------------------------------------------------------------------


def hour_entries_unbilled(
    *, coop: Cooperative, business: Business | None = None, until: dt.date | None = None
) -> QuerySet[HourEntry]:
    """Approved hour entries not yet on any invoice, oldest shift first."""
    return hour_entries_billable(coop=coop, business=business, until=until).filter(invoice_line__isnull=True)


def invoice_business_ids_to_bill(*, coop: Cooperative, until: dt.date) -> list[Business]:
    """The businesses with approved, unbilled hours up to `until`, in id order."""
    ids = set(
        hour_entries_unbilled(coop=coop, until=until)
        .order_by()
        .values_list("assignment__shift__job__business_id", flat=True)
        .distinct()
    )
    return list(Business.objects.filter(pk__in=ids).order_by("pk"))


# --- Invoices --------------------------------------------------------------------------------


def _invoices() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("coop", "business")


def invoice_list_for_businesses(*, business_ids: Iterable[int]) -> QuerySet[Invoice]:
    """Invoices of the businesses a contact acts for, newest first."""
    return _invoices().filter(business_id__in=list(business_ids)).order_by("-issue_date", "-sequence")


def invoice_get_for_businesses(*, business_ids: Iterable[int], invoice_id: int) -> Invoice | None:
    return invoice_list_for_businesses(business_ids=business_ids).filter(pk=invoice_id).first()


def invoice_list_for_coop(*, coop: Cooperative) -> QuerySet[Invoice]:
    """All invoices of one coop, newest first."""
    return _invoices().filter(coop=coop).order_by("-issue_date", "-sequence")


def invoice_get_for_coop(*, coop: Cooperative, invoice_id: int) -> Invoice | None:
    return invoice_list_for_coop(coop=coop).filter(pk=invoice_id).first()


def invoice_lines(invoice: Invoice, *, with_rule_versions: bool = True) -> list[InvoiceLine]:
    """The invoice's lines in order; with the rule version of each (a whole rulebook per line) when asked."""
    lines = invoice.lines.order_by("position")
    return list(lines.select_related("rule_version") if with_rule_versions else lines)


@dataclass
class TrailTotals:
    """The euro trail of a set of lines: totals and, per euro of net, the cents of each part."""

    net: Money
    member_wage: Money
    employer_costs: Money
    fund_share: Money
    operating_share: Money

    def per_euro(self, part: Money) -> Money:
        """How much of one euro of net went to this part (rounded to the cent)."""
        net = to_decimal(self.net)
        return eur(to_decimal(part) / net if net else 0)

    @property
    def wage_per_euro(self) -> Money:
        return self.per_euro(self.member_wage)

    @property
    def costs_per_euro(self) -> Money:
        return self.per_euro(self.employer_costs)

    @property
    def fund_per_euro(self) -> Money:
        return self.per_euro(self.fund_share)

    @property
    def operating_per_euro(self) -> Money:
        # The remainder, so the four shown amounts make exactly one euro.
        rest = Decimal(1) - sum(
            (to_decimal(x) for x in (self.wage_per_euro, self.costs_per_euro, self.fund_per_euro)), Decimal(0)
        )
        return eur(rest if to_decimal(self.net) else 0)

    def percent(self, part: Money) -> Decimal:
        net = to_decimal(self.net)
        return (to_decimal(part) * 100 / net).quantize(Decimal("0.1")) if net else Decimal(0)


def trail_totals(lines: Iterable[Any]) -> TrailTotals:
    """Sum the stored euro-trail parts of invoice lines (or credit note lines)."""
    sums = {k: Decimal(0) for k in ("net", "wage", "costs", "fund", "operating")}
    for line in lines:
        sums["net"] += to_decimal(line.line_total_net)
        sums["wage"] += to_decimal(line.member_wage)
        sums["costs"] += to_decimal(line.employer_costs)
        sums["fund"] += to_decimal(line.fund_share)
        sums["operating"] += to_decimal(line.operating_share)
    return TrailTotals(
        net=eur(sums["net"]),
        member_wage=eur(sums["wage"]),
        employer_costs=eur(sums["costs"]),
        fund_share=eur(sums["fund"]),
        operating_share=eur(sums["operating"]),
    )


def credited_by_line(invoice: Invoice) -> dict[int, dict[str, Decimal]]:
    """Per invoice line id: what credit notes already took back (net, VAT and trail parts)."""
    result: dict[int, dict[str, Decimal]] = {}
    rows = (
        CreditNoteLine.objects.filter(credit_note__invoice=invoice)
        .values("invoice_line_id")
        .annotate(
            net=Sum("line_total_net"),
            vat=Sum("vat_amount"),
            wage=Sum("member_wage"),
            costs=Sum("employer_costs"),
            fund=Sum("fund_share"),
            operating=Sum("operating_share"),
            hours=Sum("hours"),
        )
        .order_by()
    )
    for row in rows:
        result[row["invoice_line_id"]] = {
            k: Decimal(row[k] or 0) for k in ("net", "vat", "wage", "costs", "fund", "operating", "hours")
        }
    return result


def invoice_pdf_context(invoice: Invoice, *, lines: list[InvoiceLine] | None = None) -> dict[str, Any]:
    """What the invoice PDF shows: the frozen snapshot and the stored lines, nothing that changes later.

    No credit notes (a later credit note is its own document) and no rule versions (the PDF shows
    the trail's totals, not which rulebook version each line used).
    """
    if lines is None:
        lines = invoice_lines(invoice, with_rule_versions=False)
    return {
        "kind": "invoice",
        "document": invoice,
        "invoice": invoice,
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "lines": lines,
        "rows": invoice_rows(lines),
        "vat_breakdown": [{**row, "net": eur(row["net"]), "vat": eur(row["vat"])} for row in invoice.vat_breakdown],
        "total_net": invoice.total_net,
        "total_vat": invoice.total_vat,
        "total_gross": invoice.total_gross,
        "trail": trail_totals(lines),
        # One VAT rate (the usual case): the PDF states it once instead of a column per line.
        "several_rates": len(invoice.vat_breakdown) > 1,
    }


def invoice_document_context(invoice: Invoice) -> dict[str, Any]:
    """Everything the invoice page shows: the PDF's context, each line's rule version and the credit notes."""
    return {
        **invoice_pdf_context(invoice, lines=invoice_lines(invoice)),
        "credit_notes": list(invoice.credit_notes.order_by("sequence")),
    }


# --- Credit notes ----------------------------------------------------------------------------


def credit_note_list_for_coop(*, coop: Cooperative) -> QuerySet[CreditNote]:
    return (
        CreditNote.objects.select_related("invoice", "invoice__business")
        .filter(coop=coop)
        .order_by("-issue_date", "-sequence")
    )


def credit_note_list_for_businesses(*, business_ids: Iterable[int]) -> QuerySet[CreditNote]:
    return (
        CreditNote.objects.select_related("invoice", "coop")
        .filter(invoice__business_id__in=list(business_ids))
        .order_by("-issue_date", "-sequence")
    )


def credit_note_get_for_coop(*, coop: Cooperative, credit_note_id: int) -> CreditNote | None:
    return credit_note_list_for_coop(coop=coop).filter(pk=credit_note_id).first()


def credit_note_pdf_context(credit_note: CreditNote) -> dict[str, Any]:
    """What the credit note PDF shows (the invoice's template): its frozen snapshot, amounts negative."""
    lines = list(credit_note.lines.select_related("invoice_line").order_by("id"))
    return {
        "kind": "credit_note",
        "document": credit_note,
        "seller": credit_note.seller,
        "buyer": credit_note.buyer,
        "rows": credit_note_rows(lines),
        "vat_breakdown": [
            {**row, "net": eur(-Decimal(row["net"])), "vat": eur(-Decimal(row["vat"]))}
            for row in credit_note.vat_breakdown
        ],
        "total_net": eur(-to_decimal(credit_note.total_net)),
        "total_vat": eur(-to_decimal(credit_note.total_vat)),
        "total_gross": eur(-to_decimal(credit_note.total_gross)),
        "several_rates": len(credit_note.vat_breakdown) > 1,
    }


# --- Earnings --------------------------------------------------------------------------------


@dataclass
class EarningsPeriod:
    """One week or month of a member's work across all jobs and clients."""

    key: str
    start: dt.date
    hours: Decimal = Decimal(0)
    wage: Decimal = Decimal(0)
    expected_hours: Decimal = Decimal(0)
    expected_wage: Decimal = Decimal(0)
    clients: set[str] = field(default_factory=set)

    @property
    def wage_money(self) -> Money:
        return eur(self.wage)

    @property
    def expected_wage_money(self) -> Money:
        return eur(self.expected_wage)

    @property
    def client_count(self) -> int:
        return len(self.clients)


@dataclass
class MemberEarnings:
    weeks: list[EarningsPeriod]
    months: list[EarningsPeriod]
    trail: TrailTotals
    lines: list[InvoiceLine]
    expected: list[tuple[HourEntry, Money]]
    credit_lines: list[CreditNoteLine] = field(default_factory=list)


def _week_key(day: dt.date) -> tuple[str, dt.date]:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}", day - dt.timedelta(days=day.weekday())


def _month_key(day: dt.date) -> tuple[str, dt.date]:
    return f"{day.year}-{day.month:02d}", day.replace(day=1)


def invoice_lines_for_member(
    *, member: Member, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[InvoiceLine]:
    """The member's billed shifts (net of nothing: credit notes are shown separately), oldest first."""
    qs = InvoiceLine.objects.select_related("invoice__business").filter(member=member)
    if since is not None:
        qs = qs.filter(work_date__gte=since)
    if until is not None:
        qs = qs.filter(work_date__lte=until)
    return qs.order_by("work_date", "pk")


def member_earnings(
    *, member: Member, since: dt.date | None = None, until: dt.date | None = None, expected_wage: Any = None
) -> MemberEarnings:
    """Earnings per week and month from billed lines' member wage, plus approved-but-unbilled hours as expected.

    `expected_wage(entry) -> Money` values an unbilled entry (the service passes the rulebook's wage).
    """
    lines = list(invoice_lines_for_member(member=member, since=since, until=until))
    weeks: OrderedDict[str, EarningsPeriod] = OrderedDict()
    months: OrderedDict[str, EarningsPeriod] = OrderedDict()

    def bucket(store: OrderedDict[str, EarningsPeriod], keyer: Any, day: dt.date) -> EarningsPeriod:
        key, start = keyer(day)
        if key not in store:
            store[key] = EarningsPeriod(key=key, start=start)
        return store[key]

    for line in lines:
        for store, keyer in ((weeks, _week_key), (months, _month_key)):
            period = bucket(store, keyer, line.work_date)
            period.hours += line.hours
            period.wage += to_decimal(line.member_wage)
            period.clients.add(str(line.invoice.business))
    # Credit notes take wages back: subtract them in the period the work was done.
    credited = CreditNoteLine.objects.select_related("invoice_line").filter(invoice_line__member=member)
    if since is not None:
        credited = credited.filter(invoice_line__work_date__gte=since)
    if until is not None:
        credited = credited.filter(invoice_line__work_date__lte=until)
    credit_lines = list(credited)
    for credit in credit_lines:
        for store, keyer in ((weeks, _week_key), (months, _month_key)):
            period = bucket(store, keyer, credit.invoice_line.work_date)
            period.hours -= credit.hours
            period.wage -= to_decimal(credit.member_wage)
    expected: list[tuple[HourEntry, Money]] = []
    unbilled = (
        HourEntry.objects.select_related("assignment__shift__job__business", "assignment__shift__job__coop")
        .filter(assignment__member=member, status=HourEntry.Status.APPROVED, invoice_line__isnull=True)
        .order_by("assignment__shift__date", "pk")
    )
    if since is not None:
        unbilled = unbilled.filter(assignment__shift__date__gte=since)
    if until is not None:
        unbilled = unbilled.filter(assignment__shift__date__lte=until)
    for entry in unbilled:
        wage = expected_wage(entry) if expected_wage else eur(0)
        expected.append((entry, wage))
        day = entry.assignment.shift.date
        for store, keyer in ((weeks, _week_key), (months, _month_key)):
            period = bucket(store, keyer, day)
            period.expected_hours += entry.hours_worked
            period.expected_wage += to_decimal(wage)
            period.clients.add(str(entry.assignment.shift.job.business))
    trail = trail_totals(lines)
    if credit_lines:
        back = trail_totals(credit_lines)
        trail = TrailTotals(
            net=eur(to_decimal(trail.net) - to_decimal(back.net)),
            member_wage=eur(to_decimal(trail.member_wage) - to_decimal(back.member_wage)),
            employer_costs=eur(to_decimal(trail.employer_costs) - to_decimal(back.employer_costs)),
            fund_share=eur(to_decimal(trail.fund_share) - to_decimal(back.fund_share)),
            operating_share=eur(to_decimal(trail.operating_share) - to_decimal(back.operating_share)),
        )
    return MemberEarnings(
        weeks=sorted(weeks.values(), key=lambda p: p.start, reverse=True),
        months=sorted(months.values(), key=lambda p: p.start, reverse=True),
        trail=trail,
        credit_lines=credit_lines,
        lines=lines,
        expected=expected,
    )


def payroll_lines_for_coop(*, coop: Cooperative, since: dt.date, until: dt.date) -> QuerySet[InvoiceLine]:
    """Billed shifts of a coop's invoices in a period, for the payroll provider, by member and date."""
    return (
        InvoiceLine.objects.select_related("member", "invoice__business")
        .filter(invoice__coop=coop, work_date__gte=since, work_date__lte=until)
        .order_by("member__last_name", "member__first_name", "member_id", "work_date", "pk")
    )


def payroll_credit_lines_for_coop(*, coop: Cooperative, since: dt.date, until: dt.date) -> QuerySet[CreditNoteLine]:
    """Credit note lines taking back wages of shifts worked in the period (negative payroll rows)."""
    return (
        CreditNoteLine.objects.select_related("invoice_line__member", "invoice_line__invoice__business", "credit_note")
        .filter(credit_note__coop=coop, invoice_line__work_date__gte=since, invoice_line__work_date__lte=until)
        .order_by("invoice_line__member_id", "invoice_line__work_date", "pk")
    )


def coops_with_invoice_period_ended(*, today: dt.date) -> list[tuple[Cooperative, dt.date]]:
    """Coops whose invoice period (rule `invoice_period`) ended yesterday, with that period's last day.

    Weekly periods end on Sunday, monthly on the last day of the month; the daily beat task runs the
    invoice run for these the day after.
    """
    from coop.rulebook.selectors import rule_value

    yesterday = today - dt.timedelta(days=1)
    due: list[tuple[Cooperative, dt.date]] = []
    for coop in Cooperative.objects.order_by("pk"):
        try:
            period = rule_value(coop, "invoice_period", on=yesterday)
        except Exception:  # a coop without rules is not billed; it never crashes the beat
            logger.warning("invoice beat: %s has no invoice_period rule on %s", coop.slug, yesterday)
            continue
        if (period == "weekly" and yesterday.weekday() == 6) or (period == "monthly" and today.day == 1):
            due.append((coop, yesterday))
    return due


def prefetch_lines() -> Prefetch:
    return Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
