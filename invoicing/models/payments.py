"""Money in (Stripe, bank transfers) and money out (SEPA payout batches), per coop.

Design overview
---------------
Each coop is its own legal body with its own Stripe account: `StripeAccount` keeps its keys and
webhook secret ENCRYPTED (Fernet, key from settings.FIELD_ENCRYPTION_KEY) with only a short hint
("…4242") in clear. No row, or empty keys, means the local fake Stripe with test keys.

Money in:
- `CheckoutAttempt`: one try to open a Stripe Checkout session for an invoice. Its idempotency key
  is derived from the invoice and the attempt number; it is written (pending) and committed BEFORE
  Stripe is called, then marked open or failed. A failed attempt never blocks a retry (the retry is
  attempt n+1 with a new key; Stripe replays a 500 for a reused key).
- `WebhookEvent`: each Stripe event id once per coop (unique constraint), with what we did with it.
- `Payment`: money received for an invoice, by Stripe (at most ONE per payment intent: unique
  `stripe_payment_intent_id`) or by bank transfer (at most one per bank statement line).
  `Refund` and `Dispute` take money back; `PaymentAnomaly` is what a coordinator must look at
  (amount or currency mismatch, unknown invoice, a dispute).
- `InvoiceSettlement`: the payment side of one invoice (amount paid net of refunds, status
  open / partly paid / paid / refunded), kept by the payment services under a lock on the invoice
  row; "overdue" is derived from the due date. The issued invoice itself stays immutable.
- `BankStatementImport` / `BankStatementLine`: an imported bank CSV; a file (by hash) and a line
  (by fingerprint) are imported once per coop, so importing the same CSV twice posts nothing twice.
- `Reminder`: one row per (invoice, schedule step) = that reminder was sent; unique.

Money out:
- `PayoutBatch` (kind wages or fund) with `PayoutItem`s: prepared by a coordinator, approved by a
  DIFFERENT board member (a check constraint backs the four-eyes rule), which writes the SEPA
  pain.001 file and posts the ledger; cancelled (and the posting reversed) only before it is sent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.files import private_storage
from coop.models import Cooperative
from members.models import Business, Member


def _money(verbose_name: Any, **kwargs: Any) -> MoneyField:
    return MoneyField(verbose_name, max_digits=12, decimal_places=2, default_currency="EUR", **kwargs)


class StripeAccount(models.Model):
    coop = models.OneToOneField(Cooperative, on_delete=models.PROTECT, related_name="stripe_account")
    publishable_key_encrypted = models.TextField(blank=True, editable=False)
    secret_key_encrypted = models.TextField(blank=True, editable=False)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    publishable_key_hint = models.CharField(_("publishable key"), max_length=8, blank=True, editable=False)
    secret_key_hint = models.CharField(_("secret key"), max_length=8, blank=True, editable=False)
    webhook_secret_hint = models.CharField(_("webhook secret"), max_length=8, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stripe account")
        verbose_name_plural = _("Stripe accounts")

    def __str__(self) -> str:
        return f"Stripe {self.coop}"

    @property
    def is_live(self) -> bool:
        return bool(self.secret_key_encrypted and self.webhook_secret_encrypted)


class InvoiceSettlement(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    invoice = models.OneToOneField("invoicing.Invoice", on_delete=models.PROTECT, related_name="settlement")
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    amount_paid = _money(_("paid (net of refunds)"))
    amount_refunded = _money(_("refunded"))
    status = models.CharField(_("payment status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invoice payment status")
        verbose_name_plural = _("invoice payment statuses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "partly_paid", "paid", "refunded"]),
                name="invoice_settlement_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0, amount_refunded__gte=0), name="invoice_settlement_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.status}"


class CheckoutAttempt(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being created")
        OPEN = "open", _("Waiting for payment")
        FAILED = "failed", _("Could not be created")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="checkout_attempts")
    attempt = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    amount = _money(_("amount"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stripe_session_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("online payment attempt")
        verbose_name_plural = _("online payment attempts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "attempt"], name="checkout_attempt_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "open", "failed", "completed", "expired"]),
                name="checkout_attempt_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}#{self.attempt} {self.status}"


class WebhookEvent(models.Model):
    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        ANOMALY = "anomaly", _("Needs a coordinator")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    stripe_event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    stripe_created = models.BigIntegerField(default=0)
    payload = models.JSONField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED)
    note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "stripe_event_id"], name="webhook_event_once_per_coop"),
        ]

    def __str__(self) -> str:
        return f"{self.stripe_event_id} {self.event_type}"


class BankStatementImport(models.Model):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=200)
    line_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["coop", "sha256"], name="bank_import_file_once")]

    def __str__(self) -> str:
        return self.filename


class BankStatementLine(models.Model):
    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched to an invoice")
        UNMATCHED = "unmatched", _("Not matched")
        OUTGOING = "outgoing", _("Outgoing (ignored)")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(BankStatementImport, on_delete=models.PROTECT, related_name="lines")
    line_number = models.PositiveIntegerField()
    booked_on = models.DateField(_("date"))
    amount = _money(_("amount"))
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["booked_on", "line_number"]
        constraints = [models.UniqueConstraint(fields=["coop", "fingerprint"], name="bank_line_once")]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.counterparty}"


class Payment(models.Model):
    class Method(models.TextChoices):
        STRIPE = "stripe", _("Online (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        UNALLOCATED = "unallocated", _("From unallocated money")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=15, choices=Method.choices)
    amount = _money(_("amount"))
    amount_refunded = _money(_("refunded"), default=0)
    fee = _money(_("Stripe fee"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    bank_line = models.OneToOneField(
        BankStatementLine, on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    ledger_transaction = models.ForeignKey("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    fee_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0, amount_refunded__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=["stripe", "bank_transfer", "unallocated"]), name="payment_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} for {self.invoice_id}"


class Refund(models.Model):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = _money(_("amount"))
    refunded_total_after = _money(_("refunded in total after this"))
    stripe_charge_id = models.CharField(max_length=120, blank=True)
    ledger_transaction = models.ForeignKey("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(fields=["payment", "refunded_total_after"], name="refund_step_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"-{self.amount} on {self.payment_id}"


class RefundRequest(models.Model):
    """A coordinator's refund of (part of) a payment: through Stripe, or a bank refund recorded by hand.

    Up to the rulebook's board limit it is done at once (status done). Above it, it waits for a
    second person, a board member other than the one who asked (four eyes, backed by a check
    constraint); approving does it, rejecting closes it.
    """

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Back through Stripe")
        BANK = "bank", _("Bank transfer (already made by hand)")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a second person")
        DONE = "done", _("Refunded")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.WAITING: {Status.DONE, Status.REJECTED},
        Status.DONE: set(),
        Status.REJECTED: set(),
    }

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_requests")
    amount = _money(_("amount"))
    method = models.CharField(_("how"), max_length=6, choices=Method.choices)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="request")
    stripe_refund_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_request_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["waiting", "done", "rejected"]), name="refund_request_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=["stripe", "bank"]), name="refund_request_method_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("requested_by")),
                name="refund_request_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.payment_id} ({self.status})"


class Dispute(models.Model):
    """A payment the payer contested at their bank (Stripe's charge.dispute.*).

    A dispute may arrive before its payment: it is stored without invoice and linked as soon as the
    payment is recorded or the event comes again. Stripe decides it: lost posts a reversal of the
    disputed amount, won posts nothing.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Disputed")
        WON = "won", _("Dispute won")
        LOST = "lost", _("Dispute lost")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.OPEN: {Status.WON, Status.LOST},
        Status.WON: set(),
        Status.LOST: set(),
    }

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    stripe_dispute_id = models.CharField(max_length=120, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=120, blank=True)
    amount = _money(_("amount"))
    reason = models.CharField(max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "won", "lost"]), name="dispute_status_valid"),
        ]

    def __str__(self) -> str:
        return self.stripe_dispute_id


class UnallocatedReceipt(models.Model):
    """Money that came in but matches no invoice: booked at once to the suspense account.

    An overpayment, a second payment of a paid invoice, a payment of the total from before a credit
    note, or an unknown reference in a bank import. `amount_resolved` is what coordinators have since
    allocated, refunded or written to income (each a `ReceiptResolution`); it never passes `amount`.
    """

    class Origin(models.TextChoices):
        OVERPAYMENT = "overpayment", _("Paid more than owed")
        ALREADY_PAID = "already_paid", _("Invoice already paid or credited")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs from what was asked")
        UNKNOWN_REFERENCE = "unknown_reference", _("No invoice found")

    class Channel(models.TextChoices):
        STRIPE = "stripe", _("Online (Stripe)")
        BANK = "bank", _("Bank")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    origin = models.CharField(_("why"), max_length=20, choices=Origin.choices)
    channel = models.CharField(_("received by"), max_length=6, choices=Channel.choices)
    amount = _money(_("amount"))
    amount_resolved = _money(_("resolved"), default=0)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    source = models.CharField(max_length=120, help_text=_("Stripe payment or bank line."))
    stripe_payment_intent_id = models.CharField(max_length=120, blank=True)
    ledger_transaction = models.ForeignKey("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unallocated receipt")
        verbose_name_plural = _("unallocated receipts")
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "source"], name="unallocated_receipt_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="unallocated_receipt_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_resolved__gte=0, amount_resolved__lte=models.F("amount")),
                name="unallocated_receipt_resolved_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.origin})"

    @property
    def amount_open(self) -> Any:
        return self.amount - self.amount_resolved


class ReceiptResolution(models.Model):
    """One step that resolves (part of) an unallocated receipt; append-only, with its ledger posting."""

    class Kind(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated to an invoice")
        REFUNDED = "refunded", _("Refunded")
        WRITTEN_OFF = "written_off", _("Written to income")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey(UnallocatedReceipt, on_delete=models.PROTECT, related_name="resolutions")
    kind = models.CharField(_("what was done"), max_length=12, choices=Kind.choices)
    amount = _money(_("amount"))
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    stripe_refund_id = models.CharField(max_length=120, blank=True)
    ledger_transaction = models.ForeignKey("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resolution of unallocated money")
        verbose_name_plural = _("resolutions of unallocated money")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="receipt_resolution_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["allocated", "refunded", "written_off"]),
                name="receipt_resolution_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="allocated") | models.Q(invoice__isnull=False, payment__isnull=False),
                name="receipt_allocation_names_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} of {self.receipt_id}"


class PaymentAnomaly(models.Model):
    class Kind(models.TextChoices):
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount does not match")
        CURRENCY = "currency", _("Not in euros")
        UNKNOWN_INVOICE = "unknown_invoice", _("Invoice not found")
        NOT_PAYABLE = "not_payable", _("Invoice was already paid or credited")
        DISPUTE = "dispute", _("Payment disputed")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=120, help_text=_("Stripe event or bank line."))
    description = models.CharField(_("description"), max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment anomaly")
        verbose_name_plural = _("payment anomalies")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "kind", "source"], name="payment_anomaly_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.source}"


class Reminder(models.Model):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="reminders")
    step_days = models.PositiveSmallIntegerField(_("days overdue"))
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["invoice", "step_days"]
        constraints = [models.UniqueConstraint(fields=["invoice", "step_days"], name="reminder_once_per_step")]

    def __str__(self) -> str:
        return f"{self.invoice_id} +{self.step_days}d"


class PayoutBatch(models.Model):
    class Kind(models.TextChoices):
        WAGES = "wages", _("Wages")
        FUND = "fund", _("Neighbourhood fund")
        SHARES = "shares", _("Share refunds")

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Waiting for approval")
        APPROVED = "approved", _("Approved, file ready")
        SENT = "sent", _("Sent to the bank")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PREPARED: {Status.APPROVED, Status.CANCELLED},
        Status.APPROVED: {Status.SENT, Status.CANCELLED},
        Status.SENT: set(),
        Status.CANCELLED: set(),
    }

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="payout_batches")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.WAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARED)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"))
    execution_date = models.DateField(_("pay on"))
    total = _money(_("total"))
    item_count = models.PositiveIntegerField(default=0)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sepa_file = models.FileField(upload_to="payouts/", storage=private_storage, blank=True, max_length=200)
    sepa_message_id = models.CharField(max_length=35, blank=True)
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["prepared", "approved", "sent", "cancelled"]),
                name="payout_batch_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["wages", "fund", "shares"]), name="payout_batch_kind_valid"
            ),
            # Four eyes, held by the database too: whoever prepared a batch never approves it.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("prepared_by")),
                name="payout_batch_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_end} ({self.get_status_display()})"


class PayoutItem(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="items")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    payee_name = models.CharField(_("payee"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    amount = _money(_("amount"))
    description = models.CharField(_("description"), max_length=140)
    end_to_end_id = models.CharField(max_length=35)
    earnings_statement_url = models.CharField(_("earnings statement"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        ordering = ["batch", "payee_name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_item_amount_positive"),
            models.UniqueConstraint(fields=["batch", "end_to_end_id"], name="payout_item_e2e_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name}: {self.amount}"


__all__ = [
    "BankStatementImport",
    "BankStatementLine",
    "CheckoutAttempt",
    "Dispute",
    "InvoiceSettlement",
    "Payment",
    "PaymentAnomaly",
    "PayoutBatch",
    "PayoutItem",
    "ReceiptResolution",
    "Refund",
    "RefundRequest",
    "Reminder",
    "StripeAccount",
    "UnallocatedReceipt",
    "WebhookEvent",
]
