"""Reads about payments and payouts, scoped to a coop (or to the businesses a contact acts for)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from coop.models import Cooperative
from coop.money import eur
from invoicing.models import (
    BankStatementLine,
    CreditNote,
    Dispute,
    Invoice,
    InvoiceSettlement,
    Payment,
    PaymentAnomaly,
    PayoutBatch,
    PayoutItem,
    RefundRequest,
    StripeAccount,
    UnallocatedReceipt,
)
from members.models import Business

PAY_LINK_SALT = "wijkwerk.payments.invoice-pay"
PAY_LINK_MAX_AGE = 400 * 24 * 3600  # an invoice e-mail stays usable for more than a year

STATUS_LABELS = {
    "open": _("Open"),
    "partly_paid": _("Partly paid"),
    "paid": _("Paid"),
    "refunded": _("Refunded"),
    "overdue": _("Overdue"),
    "credited": _("Credited"),
}


# --- pay links -----------------------------------------------------------------------------------
def invoice_pay_token(invoice: Invoice) -> str:
    """A signed token for the invoice's pay page, so a business can pay straight from the e-mail."""
    return signing.dumps({"i": invoice.pk, "c": invoice.coop_id}, salt=PAY_LINK_SALT)


def invoice_pay_url(invoice: Invoice) -> str:
    """The absolute pay link for e-mails (the invoice e-mail and reminders)."""
    path = reverse("payments:invoice_pay_link", kwargs={"token": invoice_pay_token(invoice)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def invoice_get_by_pay_token(token: str) -> Invoice | None:
    try:
        data = signing.loads(token, salt=PAY_LINK_SALT, max_age=PAY_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Invoice.objects.select_related("coop", "business").filter(pk=data.get("i"), coop_id=data.get("c")).first()


# --- invoice payment status ------------------------------------------------------------------------
@dataclass(frozen=True)
class InvoicePaymentSummary:
    invoice: Invoice
    status: str
    total: Money
    credited: Money
    paid: Money
    refunded: Money
    due: Money
    payments: list[Payment]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_payable(self) -> bool:
        return self.status not in ("paid", "credited") and self.due.amount > 0


def _status(invoice: Invoice, settlement: InvoiceSettlement | None, credited: Decimal, today: dt.date) -> str:
    if invoice.status == Invoice.Status.CREDITED:
        return "credited"
    state = settlement.status if settlement is not None else InvoiceSettlement.Status.OPEN
    owed = Decimal(invoice.total_gross.amount) - credited
    paid = Decimal(settlement.amount_paid.amount) if settlement is not None else Decimal(0)
    if state == InvoiceSettlement.Status.PAID or (owed <= paid and paid > 0):
        return "paid"
    if invoice.due_date < today and state in ("open", "partly_paid", "refunded"):
        return "overdue"
    return str(state)


def invoice_payment_summary(invoice: Invoice, *, today: dt.date) -> InvoicePaymentSummary:
    """Everything the pay page and the office show about one invoice's payments."""
    settlement = InvoiceSettlement.objects.filter(invoice=invoice).first()
    credited = Decimal(CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"] or 0)
    paid = Decimal(settlement.amount_paid.amount) if settlement else Decimal(0)
    owed = Decimal(invoice.total_gross.amount) - credited
    return InvoicePaymentSummary(
        invoice=invoice,
        status=_status(invoice, settlement, credited, today),
        total=invoice.total_gross,
        credited=eur(credited),
        paid=eur(paid),
        refunded=settlement.amount_refunded if settlement else eur(0),
        due=eur(max(owed - paid, Decimal(0))) if invoice.status != Invoice.Status.CREDITED else eur(0),
        payments=list(Payment.objects.filter(invoice=invoice).order_by("received_on", "id")),
    )


def invoice_payment_status_map(invoices: list[Invoice], *, today: dt.date) -> dict[int, str]:
    """Payment status per invoice for a list page: two queries whatever the number of invoices."""
    ids = [i.pk for i in invoices]
    settlements = {s.invoice_id: s for s in InvoiceSettlement.objects.filter(invoice_id__in=ids)}
    credited = dict(
        CreditNote.objects.filter(invoice_id__in=ids)
        .values("invoice_id")
        .annotate(s=Sum("total_gross"))
        .values_list("invoice_id", "s")
    )
    return {i.pk: _status(i, settlements.get(i.pk), Decimal(credited.get(i.pk) or 0), today) for i in invoices}


def invoice_rows_with_payment_status(invoices: Iterable[Invoice], *, today: dt.date) -> list[tuple[Invoice, str]]:
    """(invoice, payment status label) for a list page: open / partly paid / paid / overdue / ..."""
    invoices = list(invoices)
    statuses = invoice_payment_status_map(invoices, today=today)
    return [(invoice, str(STATUS_LABELS[statuses[invoice.pk]])) for invoice in invoices]


def invoice_list_for_contact_payments(*, business_ids: set[int], limit: int = 200) -> list[Invoice]:
    """Invoices of the businesses a contact acts for, newest first, with coop and business loaded."""
    return list(
        Invoice.objects.filter(business_id__in=list(business_ids))
        .select_related("coop", "business")
        .order_by("-issue_date", "-sequence")[:limit]
    )


# --- office lists ------------------------------------------------------------------------------------
def anomaly_list_open(*, coop: Cooperative) -> QuerySet[PaymentAnomaly]:
    return PaymentAnomaly.objects.filter(coop=coop, resolved_at__isnull=True).select_related("invoice")


def anomaly_get_for_coop(*, coop: Cooperative, anomaly_id: int) -> PaymentAnomaly | None:
    return PaymentAnomaly.objects.filter(coop=coop, pk=anomaly_id).first()


def payment_list_recent(*, coop: Cooperative, limit: int = 50) -> list[Payment]:
    return list(
        Payment.objects.filter(coop=coop)
        .select_related("invoice", "invoice__business", "recorded_by")
        .order_by("-received_on", "-id")[:limit]
    )


def bank_line_list_unmatched(*, coop: Cooperative, limit: int = 200) -> list[BankStatementLine]:
    return list(
        BankStatementLine.objects.filter(coop=coop, status=BankStatementLine.Status.UNMATCHED)
        .select_related("invoice", "statement")
        .order_by("-booked_on", "-id")[:limit]
    )


def receipt_list_open(*, coop: Cooperative, limit: int = 200) -> list[UnallocatedReceipt]:
    """Unallocated money with something still open, oldest first, with business and invoice loaded."""
    return list(
        UnallocatedReceipt.objects.filter(coop=coop, amount_resolved__lt=F("amount"))
        .select_related("business", "invoice")
        .order_by("received_on", "id")[:limit]
    )


def receipt_get_for_coop(*, coop: Cooperative, receipt_id: int) -> UnallocatedReceipt | None:
    return (
        UnallocatedReceipt.objects.filter(coop=coop, pk=receipt_id)
        .select_related("business", "invoice")
        .prefetch_related("resolutions__invoice", "resolutions__actor")
        .first()
    )


@dataclass(frozen=True)
class AllocationTarget:
    invoice: Invoice
    due: Money


def receipt_allocation_targets(*, receipt: UnallocatedReceipt, limit: int = 50) -> list[AllocationTarget]:
    """Issued invoices that money of this receipt may pay: same business (any, if unknown), something owed."""
    invoices = Invoice.objects.filter(coop_id=receipt.coop_id, status=Invoice.Status.ISSUED).exclude(
        settlement__status=InvoiceSettlement.Status.PAID
    )
    if receipt.business_id is not None:
        invoices = invoices.filter(business_id=receipt.business_id)
    rows = list(invoices.select_related("business").order_by("issue_date", "sequence")[:limit])
    settlements = {s.invoice_id: s for s in InvoiceSettlement.objects.filter(invoice__in=rows)}
    targets = []
    for invoice in rows:
        settlement = settlements.get(invoice.pk)
        paid = Decimal(settlement.amount_paid.amount) if settlement is not None else Decimal(0)
        due = Decimal(invoice.total_gross.amount) - paid
        if due > 0:
            targets.append(AllocationTarget(invoice=invoice, due=eur(due)))
    return targets


def payment_ids_fee_missing(*, limit: int = 1000) -> list[int]:
    """Stripe payments of every coop whose fee is not booked yet, oldest first."""
    return list(
        Payment.objects.filter(method=Payment.Method.STRIPE, fee_transaction__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def payment_list_fee_missing(*, coop: Cooperative, older_than: dt.datetime, limit: int = 200) -> list[Payment]:
    """Stripe payments recorded before `older_than` whose fee is still not booked."""
    return list(
        Payment.objects.filter(
            coop=coop, method=Payment.Method.STRIPE, fee_transaction__isnull=True, created_at__lt=older_than
        )
        .select_related("invoice", "invoice__business")
        .order_by("created_at", "id")[:limit]
    )


def payment_get_for_coop(*, coop: Cooperative, payment_id: int) -> Payment | None:
    return (
        Payment.objects.filter(coop=coop, pk=payment_id)
        .select_related("invoice", "invoice__business")
        .prefetch_related("refund_requests__requested_by", "refund_requests__approved_by")
        .first()
    )


def refund_request_list_waiting(*, coop: Cooperative, limit: int = 100) -> list[RefundRequest]:
    return list(
        RefundRequest.objects.filter(coop=coop, status=RefundRequest.Status.WAITING)
        .select_related("payment", "payment__invoice", "payment__invoice__business", "requested_by")
        .order_by("created_at", "id")[:limit]
    )


def dispute_list_for_invoice(*, invoice: Invoice) -> list[Dispute]:
    """The disputes of an invoice's payments, newest first."""
    return list(Dispute.objects.filter(invoice=invoice).order_by("-created_at", "-id"))


def invoice_get_for_coop(*, coop: Cooperative, invoice_id: int) -> Invoice | None:
    return Invoice.objects.select_related("coop", "business").filter(coop=coop, pk=invoice_id).first()


def stripe_account_get(*, coop: Cooperative) -> StripeAccount | None:
    return StripeAccount.objects.filter(coop=coop).select_related("updated_by").first()


def online_payment_enabled(*, coop: Cooperative) -> bool:
    """Whether the coop's invoices can be paid online: it stored both a secret key and a webhook secret."""
    return (
        StripeAccount.objects.filter(coop=coop).exclude(secret_key_encrypted="").exclude(webhook_secret_encrypted="")
    ).exists()


def payout_batch_list(*, coop: Cooperative) -> list[PayoutBatch]:
    return list(
        PayoutBatch.objects.filter(coop=coop)
        .select_related("prepared_by", "approved_by")
        .order_by("-prepared_at", "-id")[:200]
    )


def payout_batch_get_for_coop(*, coop: Cooperative, batch_id: int) -> PayoutBatch | None:
    return (
        PayoutBatch.objects.filter(coop=coop, pk=batch_id)
        .select_related("prepared_by", "approved_by", "coop")
        .prefetch_related(Prefetch("items", queryset=PayoutItem.objects.select_related("member").order_by("id")))
        .first()
    )


# --- days sales outstanding ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BusinessDso:
    business_id: int
    business_name: str
    invoiced: Money
    outstanding: Money
    overdue: Money
    dso_days: Decimal | None
    average_days_to_pay: Decimal | None


def dso_per_business(*, coop: Cooperative, today: dt.date, window_days: int = 90) -> list[BusinessDso]:
    """Days sales outstanding per business: outstanding now / invoiced in the window x window days.

    Also the average days from invoice date to full payment of the invoices paid in the window.
    A fixed number of queries for any number of businesses.
    """
    since = today - dt.timedelta(days=window_days)
    invoices = list(
        Invoice.objects.filter(coop=coop)
        .exclude(status=Invoice.Status.CREDITED)
        .filter(Q(issue_date__gte=since) | ~Q(settlement__status=InvoiceSettlement.Status.PAID))
    )
    ids = [i.pk for i in invoices]
    settlements = {s.invoice_id: s for s in InvoiceSettlement.objects.filter(invoice_id__in=ids)}
    credited = dict(
        CreditNote.objects.filter(invoice_id__in=ids)
        .values("invoice_id")
        .annotate(s=Sum("total_gross"))
        .values_list("invoice_id", "s")
    )
    names: dict[int, str] = {}
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    outstanding: dict[int, Decimal] = defaultdict(Decimal)
    overdue: dict[int, Decimal] = defaultdict(Decimal)
    pay_days: dict[int, list[int]] = defaultdict(list)
    for business in Business.objects.filter(pk__in={i.business_id for i in invoices}):
        names[business.pk] = str(business)
    for invoice in invoices:
        owed = Decimal(invoice.total_gross.amount) - Decimal(credited.get(invoice.pk) or 0)
        settlement = settlements.get(invoice.pk)
        paid = Decimal(settlement.amount_paid.amount) if settlement else Decimal(0)
        open_amount = max(owed - paid, Decimal(0))
        if invoice.issue_date >= since:
            invoiced[invoice.business_id] += owed
        outstanding[invoice.business_id] += open_amount
        if invoice.due_date < today:
            overdue[invoice.business_id] += open_amount
        if settlement and settlement.paid_on and invoice.issue_date >= since:
            pay_days[invoice.business_id].append((settlement.paid_on - invoice.issue_date).days)
    rows = []
    for business_id in sorted(names, key=lambda b: names[b].lower()):
        sales = invoiced[business_id]
        dso = (outstanding[business_id] / sales * window_days).quantize(Decimal("0.1")) if sales > 0 else None
        days = pay_days[business_id]
        rows.append(
            BusinessDso(
                business_id=business_id,
                business_name=names[business_id],
                invoiced=eur(sales),
                outstanding=eur(outstanding[business_id]),
                overdue=eur(overdue[business_id]),
                dso_days=dso,
                average_days_to_pay=(Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
            )
        )
    return rows


# --- integrity ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentIntegrity:
    """What must never happen. A balanced ledger is not enough: a payment booked twice also balances."""

    double_credited: list[str]  # invoices whose receivable went below zero, or paid more than owed
    intents_paid_twice: list[str]  # Stripe payment intents with more than one payment
    not_total_or_zero: list[str]  # invoices with a receivable other than their total or zero

    @property
    def ok(self) -> bool:
        return not self.double_credited and not self.intents_paid_twice


def payment_integrity_check(*, coop: Cooperative | None = None) -> PaymentIntegrity:
    """Check every invoice's receivable and every payment intent, in a fixed number of queries."""
    from coop.ledger.models import AccountCode, LedgerLeg, ledger_reference

    scope = Invoice.objects.all() if coop is None else Invoice.objects.filter(coop=coop)
    invoices = list(scope.only("pk", "number", "total_gross", "total_gross_currency"))
    legs = LedgerLeg.objects.filter(account__code=AccountCode.RECEIVABLE)
    if coop is not None:
        legs = legs.filter(account__coop=coop)
    sums = {
        row["transaction__reference"]: Decimal(row["d"] or 0) - Decimal(row["c"] or 0)
        for row in legs.values("transaction__reference").annotate(d=Sum("debit"), c=Sum("credit"))
    }
    credited = dict(
        CreditNote.objects.values("invoice_id").annotate(s=Sum("total_gross")).values_list("invoice_id", "s")
    )
    paid = dict(Payment.objects.values("invoice_id").annotate(s=Sum("amount")).values_list("invoice_id", "s"))
    refunded = dict(
        Payment.objects.values("invoice_id").annotate(s=Sum("amount_refunded")).values_list("invoice_id", "s")
    )
    double, odd = [], []
    for invoice in invoices:
        owed = Decimal(invoice.total_gross.amount) - Decimal(credited.get(invoice.pk) or 0)
        receivable = sums.get(ledger_reference(invoice), Decimal(0))
        net_paid = Decimal(paid.get(invoice.pk) or 0) - Decimal(refunded.get(invoice.pk) or 0)
        if receivable < 0 or net_paid > owed or receivable != owed - net_paid:
            double.append(invoice.number)
        if receivable not in (owed, Decimal(0)):
            odd.append(invoice.number)
    payments = Payment.objects.filter(method=Payment.Method.STRIPE)
    if coop is not None:
        payments = payments.filter(coop=coop)
    twice = list(
        payments.values("reference").annotate(n=Count("id")).filter(n__gt=1).values_list("reference", flat=True)
    )
    return PaymentIntegrity(double_credited=double, intents_paid_twice=twice, not_total_or_zero=odd)
