"""What an invoice and a credit note print, line by line: one shape for both documents.

Both documents are rendered from one template (templates/invoicing/document_pdf.html). Every row
there shows a quantity, a unit price and an amount, and quantity × unit price = amount, to the
cent, on every row:

- an invoice line: the hours worked × the hourly rate;
- a credit note line that takes back whole work (hours × the invoiced rate make exactly the
  credited amount): minus those hours × the same rate;
- any other credit (a price correction, a goodwill amount): minus 1 × the amount. Hours that the
  amount does not stand for (€ 20,00 at € 23,50 an hour is not 0,85 hours of work) are never shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from djmoney.money import Money

from coop.money import eur, to_decimal
from invoicing.models import CreditNoteLine, InvoiceLine


@dataclass(frozen=True)
class DocumentRow:
    """One printed line: `quantity` × `unit_price` = `amount`, exactly."""

    work_date: dt.date
    description: str
    quantity: Decimal
    in_hours: bool  # hours of work; otherwise a count (1 for an amount line)
    unit_price: Money
    vat_percent: Decimal
    amount: Money


def credit_hours_for_amount(*, amount: Decimal, hourly_rate: Money) -> Decimal | None:
    """The hours that `amount` stands for at `hourly_rate`, if it is exactly that many (to 0.01 h); else None."""
    rate = to_decimal(hourly_rate)
    if rate <= 0:
        return None
    hours = amount / rate
    if hours != hours.quantize(Decimal("0.01")) or to_decimal(eur(hours * rate)) != amount:
        return None
    return hours.quantize(Decimal("0.01"))


def invoice_rows(lines: Iterable[InvoiceLine]) -> list[DocumentRow]:
    return [
        DocumentRow(
            work_date=line.work_date,
            description=f"{line.description} · {line.member_first_name}",
            quantity=Decimal(line.hours),
            in_hours=True,
            unit_price=line.hourly_rate,
            vat_percent=Decimal(line.vat_percent),
            amount=line.line_total_net,
        )
        for line in lines
    ]


def credit_note_rows(lines: Iterable[CreditNoteLine]) -> list[DocumentRow]:
    """Credit note lines as negative rows (needs `invoice_line` loaded)."""
    rows = []
    for line in lines:
        original = line.invoice_line
        amount = to_decimal(line.line_total_net)
        hours = Decimal(line.hours)
        whole_work = hours > 0 and to_decimal(eur(hours * to_decimal(original.hourly_rate))) == amount
        rows.append(
            DocumentRow(
                work_date=original.work_date,
                description=f"{line.description} · {original.member_first_name}",
                quantity=-hours if whole_work else Decimal(-1),
                in_hours=whole_work,
                unit_price=original.hourly_rate if whole_work else eur(amount),
                vat_percent=Decimal(line.vat_percent),
                amount=eur(-amount),
            )
        )
    return rows
