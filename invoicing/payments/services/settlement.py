"""The payment side of one invoice: the one lock path and the one settlement writer.

Every write that changes what was paid on an invoice (a payment, a refund, a lost dispute, an
allocation of unallocated money) runs `invoice_lock` first and then `settlement_read`, and stores
the result through `settlement_write`. The race this serializes: two webhook workers delivering
the same payment, or a webhook racing a coordinator's manual entry, both reading "nothing paid
yet". Because every change happens under this one lock, the settlement read after it is the
payments' running total: the writer adds the change to it instead of summing the payments again.

The two reads are written-out SQL through `Manager.raw()` (field converters still apply): every
webhook that records a payment runs them, and building them with the ORM cost ~2 ms per payment
against ~0.1 ms in the database (docs/decisions/020, addendum on webhook throughput).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.money import eur, zero
from invoicing.models import CreditNote, Invoice, InvoiceSettlement
from invoicing.payments.exceptions import InvoiceNotPayable

# 1. The lock, with only the columns the payment services need (no JSON snapshots, no PDF path);
# the rest of the row (and the coop and business) load on first use.
_INVOICE_LOCK_SQL = (
    "SELECT id, coop_id, business_id, number, status, issue_date, due_date, total_gross, total_gross_currency"
    " FROM invoicing_invoice WHERE id = %s"
)
# 2. After the lock, in a new statement (a FOR UPDATE that had to wait still sees the other tables
# as they were when it started): the settlement, if any, and whether the intent is paid already.
_SETTLEMENT_AFTER_LOCK_SQL = (
    "SELECT s.id, s.invoice_id, s.coop_id, s.amount_paid, s.amount_paid_currency, s.amount_refunded,"
    " s.amount_refunded_currency, s.status, s.paid_on, s.updated_at,"
    " EXISTS (SELECT 1 FROM invoicing_payment WHERE stripe_payment_intent_id = %s) AS intent_paid"
    " FROM invoicing_invoice i LEFT JOIN invoicing_invoicesettlement s ON s.invoice_id = i.id"
    " WHERE i.id = %s"
)


def invoice_lock(invoice_id: int, *, coop_id: int | None = None) -> Invoice | None:
    """Lock one invoice row (scoped to `coop_id` when given); None if there is no such invoice."""
    sql, params = _INVOICE_LOCK_SQL, [invoice_id]
    if coop_id is not None:
        sql, params = f"{sql} AND coop_id = %s", [invoice_id, coop_id]
    if connection.features.has_select_for_update:  # SQLite: the IMMEDIATE transaction locks the database
        sql = f"{sql} FOR UPDATE"
    return next(iter(Invoice.objects.raw(sql, params)), None)


def invoice_lock_or_404(invoice_id: int, *, coop_id: int | None = None) -> Invoice:
    """`invoice_lock` for callers that already know the invoice exists. Raises Invoice.DoesNotExist."""
    invoice = invoice_lock(invoice_id, coop_id=coop_id)
    if invoice is None:
        raise Invoice.DoesNotExist(invoice_id)
    return invoice


def settlement_read(invoice: Invoice, *, payment_intent_id: str | None = None) -> tuple[InvoiceSettlement, bool]:
    """(the locked invoice's settlement, unsaved if it has none yet; whether the payment intent is paid)."""
    row = next(iter(InvoiceSettlement.objects.raw(_SETTLEMENT_AFTER_LOCK_SQL, [payment_intent_id, invoice.pk])))
    intent_paid = bool(row.intent_paid)  # type: ignore[attr-defined]
    if row.pk is None:
        return InvoiceSettlement(
            invoice=invoice,
            coop_id=invoice.coop_id,
            amount_paid=zero(),
            amount_refunded=zero(),
        ), intent_paid
    row.invoice = invoice
    return row, intent_paid


def invoice_credited_total(invoice: Invoice) -> Money:
    if invoice.status == Invoice.Status.ISSUED:
        return zero()  # crediting moves an invoice out of "issued": nothing credited, no query needed
    total = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"]
    return eur(total or 0)


def invoice_owed(invoice: Invoice) -> Money:
    """The invoice total less what credit notes took back."""
    return eur(Decimal(invoice.total_gross.amount) - Decimal(invoice_credited_total(invoice).amount))


def amount_due(*, owed: Money, settlement: InvoiceSettlement) -> Money:
    return eur(max(Decimal(owed.amount) - Decimal(settlement.amount_paid.amount), Decimal(0)))


def refuse_if_not_payable(invoice: Invoice, due: Money) -> None:
    if invoice.status == Invoice.Status.CREDITED:
        raise InvoiceNotPayable(
            _("Invoice %(number)s has been credited; nothing is owed.") % {"number": invoice.number}
        )
    if due.amount <= 0:
        raise InvoiceNotPayable(_("Invoice %(number)s has already been paid.") % {"number": invoice.number})


def settlement_write(
    invoice: Invoice,
    settlement: InvoiceSettlement,
    *,
    owed: Money,
    paid: Money | None = None,
    refunded: Money | None = None,
    on: dt.date | None,
) -> tuple[str, str]:
    """Add money paid and/or taken back to the locked invoice's settlement and store it; returns (old, new) status.

    An unsaved `settlement` (the invoice's first payment) is inserted, a stored one updated: one query.
    """
    gross_paid = Decimal(settlement.amount_paid.amount) + Decimal(settlement.amount_refunded.amount)
    gross_paid += Decimal(paid.amount) if paid is not None else Decimal(0)
    total_refunded = Decimal(settlement.amount_refunded.amount)
    total_refunded += Decimal(refunded.amount) if refunded is not None else Decimal(0)
    net = gross_paid - total_refunded
    owed_amount = Decimal(owed.amount)
    if owed_amount > 0 and net >= owed_amount:
        status = InvoiceSettlement.Status.PAID
    elif net > 0:
        status = InvoiceSettlement.Status.PARTLY_PAID
    elif total_refunded > 0:
        status = InvoiceSettlement.Status.REFUNDED
    else:
        status = InvoiceSettlement.Status.OPEN
    old = settlement.status
    settlement.amount_paid = eur(net)
    settlement.amount_refunded = eur(total_refunded)
    settlement.status = status
    if status == InvoiceSettlement.Status.PAID and settlement.paid_on is None:
        settlement.paid_on = on or timezone.localdate()
    elif status != InvoiceSettlement.Status.PAID:
        settlement.paid_on = None
    if settlement.pk is None:
        settlement.save(force_insert=True)
    else:
        settlement.save(
            update_fields=[
                "amount_paid",
                "amount_paid_currency",
                "amount_refunded",
                "amount_refunded_currency",
                "status",
                "paid_on",
                "updated_at",
            ]
        )
    # The status change is audited by the caller, in the same row as the money change that caused it.
    return str(old), str(status)
