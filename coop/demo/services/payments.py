"""Seed money that matches no invoice: a business pays its invoice by bank, plus EUR 100 too much.

Through the real services only: two invoices for the demo business (its approved hours, billed in
two runs), then a bank statement import whose line pays the first invoice and EUR 100 more. The
import books the EUR 100 to the suspense account; the office then finds it under "Unallocated
money" and can allocate it to the same business's second invoice. The trial balance stays 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from coop.demo.services.businesses import SeededBusiness
from coop.demo.services.context import SeedContext
from invoicing.payments.bank import bank_statement_import
from invoicing.selectors import hour_entries_unbilled
from invoicing.services.invoices import invoice_issue

OVERPAID_BY = Decimal("100.00")  # the demo's story, not a policy


def payments_seed(ctx: SeedContext, *, businesses: list[SeededBusiness]) -> dict[str, int]:
    """Two invoices and one overpaid bank line for the demo business; returns counts (empty if no work to bill)."""
    seeded = next((b for b in businesses if b.is_demo), None)
    if seeded is None:
        return {}
    coop = ctx.coops[seeded.coop_slugs[0]]
    days = sorted(
        set(
            hour_entries_unbilled(coop=coop, business=seeded.business, until=ctx.today - dt.timedelta(days=1))
            .order_by()
            .values_list("assignment__shift__date", flat=True)
        )
    )
    if len(days) < 2:
        return {}
    coordinator = ctx.staff.get(f"coordinator-{coop.slug}") or ctx.staff["servicedesk"]
    first = invoice_issue(coop=coop, business=seeded.business, until=days[0], actor=coordinator, issue_date=days[0])
    second = invoice_issue(coop=coop, business=seeded.business, until=days[-1], actor=coordinator, issue_date=days[-1])
    paid = first.total_gross.amount + OVERPAID_BY
    statement = io.StringIO()
    writer = csv.writer(statement)
    writer.writerow(["date", "amount", "counterparty", "iban", "description"])
    writer.writerow([second.issue_date.isoformat(), str(paid), str(seeded.business), "", f"Factuur {first.number}"])
    result = bank_statement_import(
        coop=coop, actor=coordinator, filename="demo-afschrift.csv", content=statement.getvalue().encode()
    )
    return {"invoices": 2, "unallocated_receipts": len(result.unallocated)}
