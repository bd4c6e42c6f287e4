"""Gap-free document numbers: one locked counter row per coop, series and year."""

from __future__ import annotations

from django.db import transaction

from coop.models import Cooperative
from invoicing.models import InvoiceCounter

Series = InvoiceCounter.Series


def document_number_format(*, coop: Cooperative, series: str, year: int, sequence: int) -> str:
    """`KAN-2026-00001` for invoices, `KAN-C2026-00001` for credit notes."""
    marker = "C" if series == Series.CREDIT_NOTE else ""
    return f"{coop.invoice_prefix}-{marker}{year}-{sequence:05d}"


def document_number_next(*, coop: Cooperative, series: str, year: int) -> tuple[int, str]:
    """Take the next number of a series; must run inside the transaction that stores the document.

    The counter row stays locked until that transaction ends: a concurrent issuer waits, and if
    this transaction rolls back the number goes back with it, so the series has no gaps.
    Returns (sequence, formatted number). Raises TransactionManagementError outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("document_number_next must run inside a transaction")
    # get_or_create with select_for_update: two first issuers of a year race on the insert; the
    # loser's savepoint rolls back and it then locks the winner's row.
    counter, _created = InvoiceCounter.objects.select_for_update().get_or_create(coop=coop, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, document_number_format(
        coop=coop, series=series, year=year, sequence=counter.last_number
    )
