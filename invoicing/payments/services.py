"""Writes about money coming in: Stripe keys, Checkout, payments, refunds, disputes, anomalies.

Every write that touches an invoice's payments first locks the INVOICE row (select_for_update)
and re-reads what was paid under that lock: two webhook workers delivering the same payment,
or a webhook racing a coordinator's manual entry, serialize there. The unique constraint on
`Payment.stripe_payment_intent_id` and the ledger's idempotency keys are the last guards.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode, LedgerTransaction
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.models import Cooperative
from coop.money import eur, zero
from invoicing import stripe_gateway
from invoicing.models import (
    CheckoutAttempt,
    CreditNote,
    Invoice,
    InvoiceSettlement,
    Payment,
    PaymentAnomaly,
    Refund,
    StripeAccount,
)
from invoicing.payments.dates import payment_date_problem
from invoicing.payments.encryption import secret_decrypt, secret_encrypt, secret_hint
from invoicing.payments.exceptions import (
    AmountMismatch,
    InvoiceNotPayable,
    OnlinePaymentNotSetUp,
    PaymentError,
    PaymentServiceUnavailable,
)

logger = logging.getLogger(__name__)

CHECKOUT_REUSE_HOURS = 23  # Stripe Checkout sessions expire after 24 hours.


def cents(amount: Money) -> int:
    return int((Decimal(amount.amount) * 100).to_integral_value())


def from_cents(value: int) -> Money:
    return eur(Decimal(value) / 100)


# --- Stripe keys ---------------------------------------------------------------------------------
def stripe_keys_for(coop: Cooperative) -> stripe_gateway.StripeKeys | None:
    """The coop's own keys (decrypted), or None: a coop without keys has no online payment.

    There is no fallback: no secret is ever derived from anything in the source. In development the
    demo seed stores random test keys for the demo coops (see coop/demo/services/stripe_keys.py).
    """
    try:
        account: StripeAccount | None = coop.stripe_account  # the webhook view loads it with the coop
    except StripeAccount.DoesNotExist:
        account = None
    if account is None or not account.is_live:
        return None
    return stripe_gateway.StripeKeys(
        secret_key=secret_decrypt(account.secret_key_encrypted),
        webhook_secret=secret_decrypt(account.webhook_secret_encrypted),
        api_base=getattr(settings, "STRIPE_API_BASE", "") or None,
    )


def _online_payment_not_set_up() -> OnlinePaymentNotSetUp:
    return OnlinePaymentNotSetUp(
        _("Online payment is not set up for this cooperative. Please pay by bank transfer. Nothing was charged.")
    )


def stripe_account_set(
    *, coop: Cooperative, actor: Any, publishable_key: str = "", secret_key: str = "", webhook_secret: str = ""
) -> StripeAccount:
    """Store a coop's Stripe keys encrypted; an empty field keeps what was stored. Returns the account.

    The secret key and the webhook signing secret only work together (one starts payments, the
    other verifies what Stripe reports back), so the account may never end up with one of the two
    alone. Raises PaymentError for keys that are not Stripe keys, or for half a pair.
    """
    checks = (
        (publishable_key, ("pk_live_", "pk_test_"), _("A publishable key starts with pk_live_ or pk_test_.")),
        (
            secret_key,
            ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
            _("A secret key starts with sk_live_, sk_test_, rk_live_ or rk_test_."),
        ),
        (webhook_secret, ("whsec_",), _("A webhook signing secret starts with whsec_.")),
    )
    for value, prefixes, message in checks:
        if value and not value.startswith(prefixes):
            raise PaymentError(message)
    with transaction.atomic():
        # A refusal below raises inside this transaction, so a row just created here is rolled back too.
        account, _created = StripeAccount.objects.select_for_update().get_or_create(coop=coop)
        has_secret_key = bool(secret_key) or bool(account.secret_key_encrypted)
        has_webhook_secret = bool(webhook_secret) or bool(account.webhook_secret_encrypted)
        if has_secret_key != has_webhook_secret:
            raise PaymentError(
                _(
                    "Enter the secret key and the webhook signing secret together: online payment needs both. "
                    "Nothing was saved."
                )
            )
        changed = []
        for field, value in (
            ("publishable_key", publishable_key),
            ("secret_key", secret_key),
            ("webhook_secret", webhook_secret),
        ):
            if value:
                setattr(account, f"{field}_encrypted", secret_encrypt(value.strip()))
                setattr(account, f"{field}_hint", secret_hint(value.strip()))
                changed.append(field)
        account.updated_by = actor
        account.save()
        # Never the secrets themselves, not even in the audit trail: only which ones changed.
        audit_record(
            actor=actor, action="payments.stripe_keys_set", subject=account, coop=coop, data={"changed": changed}
        )
    return account


# --- what is owed ----------------------------------------------------------------------------------
def invoice_credited_total(invoice: Invoice) -> Money:
    if invoice.status == Invoice.Status.ISSUED:
        return zero()  # crediting moves an invoice out of "issued": nothing credited, no query needed
    total = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total_gross"))["s"]
    return eur(total or 0)


def _settlement_locked(invoice: Invoice) -> InvoiceSettlement:
    # Only ever called with the invoice row locked, so nobody else can create it meanwhile:
    # a plain create, no get_or_create savepoint dance.
    settlement = InvoiceSettlement.objects.filter(invoice=invoice).first()
    if settlement is None:
        settlement = InvoiceSettlement.objects.create(
            invoice=invoice, coop_id=invoice.coop_id, amount_paid=zero(), amount_refunded=zero()
        )
    return settlement


def _owed(invoice: Invoice) -> Decimal:
    """The invoice total less what credit notes took back (cached on the locked instance)."""
    cached: Decimal | None = getattr(invoice, "_owed_cache", None)
    if cached is None:
        cached = Decimal(invoice.total_gross.amount) - Decimal(invoice_credited_total(invoice).amount)
        invoice._owed_cache = cached  # type: ignore[attr-defined]
    return cached


def _amount_due(invoice: Invoice, settlement: InvoiceSettlement) -> Money:
    return eur(max(_owed(invoice) - Decimal(settlement.amount_paid.amount), Decimal(0)))


def _settlement_refresh(invoice: Invoice, settlement: InvoiceSettlement, *, on: dt.date | None) -> tuple[str, str]:
    """Recompute paid / refunded / status from the payments (under the invoice lock); returns (old, new)."""
    totals = Payment.objects.filter(invoice=invoice).aggregate(paid=Sum("amount"), refunded=Sum("amount_refunded"))
    return _settlement_apply(
        invoice, settlement, paid=Decimal(totals["paid"] or 0), refunded=Decimal(totals["refunded"] or 0), on=on
    )


def _settlement_apply(
    invoice: Invoice, settlement: InvoiceSettlement, *, paid: Decimal, refunded: Decimal, on: dt.date | None
) -> tuple[str, str]:
    """Store paid / refunded / status from the payments' totals (under the invoice lock); returns (old, new).

    An unsaved `settlement` (the invoice's first payment) is inserted, a stored one updated: one query.
    """
    net = paid - refunded
    owed = _owed(invoice)
    if owed > 0 and net >= owed:
        status = InvoiceSettlement.Status.PAID
    elif net > 0:
        status = InvoiceSettlement.Status.PARTLY_PAID
    elif refunded > 0:
        status = InvoiceSettlement.Status.REFUNDED
    else:
        status = InvoiceSettlement.Status.OPEN
    old = settlement.status
    settlement.amount_paid = eur(net)
    settlement.amount_refunded = eur(refunded)
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


def _lock_invoice(invoice_id: int, *, coop_id: int | None = None) -> Invoice:
    qs = Invoice.objects.select_for_update().select_related("coop", "business")
    return qs.get(pk=invoice_id) if coop_id is None else qs.get(pk=invoice_id, coop_id=coop_id)


_account_cache: dict[tuple[int, str, int | None], Any] = {}


def _account(
    coop: Cooperative,
    code: str,
    *,
    business_id: int | None = None,
    name: str = "",
    name_of: Callable[[], str] | None = None,
) -> Any:
    """A ledger account; existing accounts are cached per process (accounts are append-only, never deleted).

    `name_of` gives the name lazily: only needed when the account is opened (e.g. str(invoice.business)).
    """
    from coop.ledger.models import Account, party_key_for

    key = (coop.pk, code, business_id)
    account = _account_cache.get(key)
    if account is None:
        account = Account.objects.filter(coop=coop, code=code, party_key=party_key_for(business_id, None)).first()
        if account is None:
            account = account_get_or_create(
                coop=coop, code=code, business_id=business_id, name=name_of() if name_of is not None else name
            )
        # Cached only once this transaction commits: a row created (or first seen) in a transaction
        # that rolls back must never be reused.
        found = account
        transaction.on_commit(lambda: _account_cache.setdefault(key, found))
    return account


def _refuse_if_not_payable(invoice: Invoice, due: Money) -> None:
    if invoice.status == Invoice.Status.CREDITED:
        raise InvoiceNotPayable(
            _("Invoice %(number)s has been credited; nothing is owed.") % {"number": invoice.number}
        )
    if due.amount <= 0:
        raise InvoiceNotPayable(_("Invoice %(number)s has already been paid.") % {"number": invoice.number})


# --- Checkout ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckoutStart:
    attempt: CheckoutAttempt
    url: str


def checkout_start(
    *, invoice_id: int, actor: Any | None, success_url: str, cancel_url: str, locale: str = "nl"
) -> CheckoutStart:
    """Open (or reuse) a Stripe Checkout session for what is still owed on an invoice.

    Never inside a database transaction: the attempt is recorded and committed, Stripe is called,
    and the result is recorded. Raises InvoiceNotPayable, OnlinePaymentNotSetUp, PaymentServiceUnavailable.
    """
    with transaction.atomic():
        invoice = _lock_invoice(invoice_id)
        settlement = _settlement_locked(invoice)
        due = _amount_due(invoice, settlement)
        _refuse_if_not_payable(invoice, due)
        keys = stripe_keys_for(invoice.coop)
        if keys is None:
            raise _online_payment_not_set_up()
        recent = timezone.now() - dt.timedelta(hours=CHECKOUT_REUSE_HOURS)
        reusable = (
            CheckoutAttempt.objects.filter(
                invoice=invoice,
                amount=due,
                created_at__gte=recent,
                status__in=[CheckoutAttempt.Status.OPEN, CheckoutAttempt.Status.PENDING],
            )
            .order_by("-attempt")
            .first()
        )
        if reusable is not None and reusable.status == CheckoutAttempt.Status.OPEN and reusable.checkout_url:
            return CheckoutStart(attempt=reusable, url=reusable.checkout_url)
        if reusable is None:
            number = (CheckoutAttempt.objects.filter(invoice=invoice).aggregate(m=Max("attempt"))["m"] or 0) + 1
            # A PENDING attempt (a crash between commit and the Stripe call) is retried with its own
            # key: Stripe returns the session it may already have made instead of a second one.
            reusable = CheckoutAttempt.objects.create(
                coop_id=invoice.coop_id,
                invoice=invoice,
                attempt=number,
                amount=due,
                idempotency_key=f"wijkwerk-invoice-{invoice.pk}-checkout-{number}",
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(
                actor=actor,
                action="payments.checkout_requested",
                subject=invoice,
                coop=invoice.coop,
                data={"attempt": number, "amount": str(due.amount)},
            )
    attempt = reusable
    methods = list(getattr(settings, "STRIPE_PAYMENT_METHODS", ["ideal", "card", "sepa_debit"]))
    metadata = {
        "invoice_id": str(invoice.pk),
        "invoice_number": invoice.number,
        "coop": invoice.coop.slug,
        "attempt_id": str(attempt.pk),
    }
    try:
        session = stripe_gateway.checkout_session_create(
            keys=keys,
            amount_cents=cents(attempt.amount),
            currency="eur",
            description=_("Invoice %(number)s") % {"number": invoice.number},
            payment_methods=methods,
            success_url=success_url,
            cancel_url=cancel_url,
            metadata=metadata,
            client_reference_id=str(invoice.pk),
            customer_email=invoice.business.billing_email,
            locale=locale,
            idempotency_key=attempt.idempotency_key,
        )
    except stripe_gateway.StripeUnavailable as exc:
        with transaction.atomic():
            CheckoutAttempt.objects.filter(pk=attempt.pk).update(
                status=CheckoutAttempt.Status.FAILED, error=str(exc)[:300], updated_at=timezone.now()
            )
        logger.warning("Stripe checkout for invoice %s failed: %s", invoice.pk, exc)
        raise PaymentServiceUnavailable(
            _("Online payment is not available right now. Nothing was charged. Please try again in a few minutes.")
        ) from exc
    with transaction.atomic():
        CheckoutAttempt.objects.filter(pk=attempt.pk).update(
            status=CheckoutAttempt.Status.OPEN,
            stripe_session_id=session.id,
            checkout_url=session.url,
            updated_at=timezone.now(),
        )
    attempt.refresh_from_db()
    return CheckoutStart(attempt=attempt, url=session.url)


# --- recording payments ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment | None
    created: bool
    note: str = ""


def anomaly_record(
    *,
    coop: Cooperative,
    kind: str,
    source: str,
    description: str,
    invoice: Invoice | None = None,
    data: dict[str, Any] | None = None,
) -> PaymentAnomaly:
    """Record something a coordinator must look at (once per kind and source). Returns it."""
    with transaction.atomic():
        anomaly, created = PaymentAnomaly.objects.get_or_create(
            coop=coop,
            kind=kind,
            source=source[:120],
            defaults={"invoice": invoice, "description": description[:300], "data": data or {}},
        )
        if created:
            audit_record(
                actor=None,
                action="payments.anomaly_recorded",
                subject=anomaly,
                coop=coop,
                data={"kind": kind, "source": source, "invoice": invoice.number if invoice else None},
            )
    return anomaly


def anomaly_resolve(*, anomaly: PaymentAnomaly, actor: Any, note: str) -> PaymentAnomaly:
    """Mark an anomaly handled, with what the coordinator did."""
    with transaction.atomic():
        locked = PaymentAnomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.resolved_at is None:
            locked.resolved_at = timezone.now()
            locked.resolved_by = actor
            locked.resolution_note = note[:300]
            locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
            audit_record(
                actor=actor,
                action="payments.anomaly_resolved",
                subject=locked,
                coop=locked.coop,
                data={"note": note[:300]},
            )
    return locked


def _post_payment(
    *,
    invoice: Invoice,
    amount: Money,
    debit_code: str,
    on: dt.date,
    key: str,
    actor: Any | None,
    description: str,
    key_locked: bool = False,
) -> LedgerTransaction:
    # Called with the invoice row locked. `key_locked`: the key can only ever be posted for this
    # invoice (a payment intent belongs to one invoice), so that lock already serializes it.
    coop = invoice.coop
    debit_account = _account(coop, debit_code)
    receivable = _account(
        coop, AccountCode.RECEIVABLE, business_id=invoice.business_id, name_of=lambda: str(invoice.business)
    )
    return ledger_post(
        coop=coop,
        occurred_on=on,
        description=description,
        legs=[Leg(account=debit_account, debit=amount), Leg(account=receivable, credit=amount)],
        actor=actor,
        reference=invoice,
        idempotency_key=key,
        key_locked=key_locked,
    )


# The two reads of a Stripe payment, written out: every webhook that records a payment runs them,
# and the ORM spent ~2 ms per payment building them (the database needs ~0.1 ms). Manager.raw()
# still turns the rows into model instances through the fields' own converters.
# 1. The lock, with only the columns a payment needs (no JSON snapshots, no PDF path).
_INVOICE_LOCK_SQL = (
    "SELECT id, coop_id, business_id, number, status, total_gross, total_gross_currency"
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


def _invoice_lock_for_payment(invoice_id: int, *, coop_id: int | None) -> Invoice | None:
    sql, params = _INVOICE_LOCK_SQL, [invoice_id]
    if coop_id is not None:
        sql, params = f"{sql} AND coop_id = %s", [invoice_id, coop_id]
    if connection.features.has_select_for_update:  # SQLite: the IMMEDIATE transaction locks the database
        sql = f"{sql} FOR UPDATE"
    return next(iter(Invoice.objects.raw(sql, params)), None)


def _settlement_after_lock(invoice: Invoice, *, payment_intent_id: str) -> tuple[InvoiceSettlement, bool]:
    """(the invoice's settlement, unsaved if it has none yet; whether the payment intent is paid already)."""
    row = next(iter(InvoiceSettlement.objects.raw(_SETTLEMENT_AFTER_LOCK_SQL, [payment_intent_id, invoice.pk])))
    intent_paid = bool(row.intent_paid)  # type: ignore[attr-defined]
    if row.pk is None:
        # The invoice's first payment: inserted with its totals (no payments without a settlement).
        return InvoiceSettlement(
            invoice=invoice, coop_id=invoice.coop_id, amount_paid=zero(), amount_refunded=zero()
        ), intent_paid
    row.invoice = invoice
    return row, intent_paid


def payment_record_stripe(
    *,
    invoice_id: int,
    payment_intent_id: str,
    amount_cents: int,
    currency: str,
    received_on: dt.date,
    expected_cents: int | None,
    source: str,
    coop_id: int | None = None,
    coop: Cooperative | None = None,
) -> PaymentOutcome:
    """Record one Stripe payment for an invoice: at most once per payment intent.

    A currency other than EUR, an amount other than the one asked (`expected_cents`, from the
    Checkout attempt) or more than is owed becomes an anomaly and posts nothing.
    An invoice that does not exist (or belongs to another coop than `coop_id` / `coop`) gives the
    outcome note "unknown_invoice" and changes nothing. Pass `coop` when you have it (saves a query).
    """
    if coop is not None:
        coop_id = coop.pk
    # savepoint=False: inside the webhook's transaction a failure here must roll back everything anyway.
    with transaction.atomic(savepoint=False):
        # The lock: two deliveries of the same payment (or a webhook and a coordinator) serialize here.
        invoice = _invoice_lock_for_payment(invoice_id, coop_id=coop_id)
        if invoice is None:
            return PaymentOutcome(None, False, "unknown_invoice")
        if coop is not None:
            invoice.coop = coop
        settlement, intent_paid = _settlement_after_lock(invoice, payment_intent_id=payment_intent_id)
        if intent_paid:
            return PaymentOutcome(
                Payment.objects.filter(stripe_payment_intent_id=payment_intent_id).first(), False, "duplicate"
            )
        due = _amount_due(invoice, settlement)
        problem: tuple[str, str] | None = None
        if currency.lower() != "eur":
            problem = (
                PaymentAnomaly.Kind.CURRENCY,
                _("Payment %(pi)s is in %(cur)s, not euros.") % {"pi": payment_intent_id, "cur": currency.upper()},
            )
        elif expected_cents is not None and amount_cents != expected_cents:
            problem = (
                PaymentAnomaly.Kind.AMOUNT_MISMATCH,
                _("Payment %(pi)s is %(got)s, but %(asked)s was asked.")
                % {"pi": payment_intent_id, "got": from_cents(amount_cents), "asked": from_cents(expected_cents)},
            )
        elif invoice.status == Invoice.Status.CREDITED or due.amount <= 0:
            problem = (
                PaymentAnomaly.Kind.NOT_PAYABLE,
                _("Payment %(pi)s arrived for invoice %(number)s, which is already paid or credited.")
                % {"pi": payment_intent_id, "number": invoice.number},
            )
        elif amount_cents <= 0 or amount_cents > cents(due):
            problem = (
                PaymentAnomaly.Kind.AMOUNT_MISMATCH,
                _("Payment %(pi)s is %(got)s, but %(due)s is owed.")
                % {"pi": payment_intent_id, "got": from_cents(amount_cents), "due": due},
            )
        if problem is not None:
            anomaly_record(
                coop=invoice.coop,
                kind=problem[0],
                source=source,
                description=problem[1],
                invoice=invoice,
                data={"payment_intent": payment_intent_id, "amount_cents": amount_cents, "currency": currency},
            )
            return PaymentOutcome(None, False, problem[0])
        amount = from_cents(amount_cents)
        txn = _post_payment(
            invoice=invoice,
            amount=amount,
            debit_code=AccountCode.STRIPE_CLEARING,
            on=received_on,
            key=f"stripe-payment:{payment_intent_id}",
            actor=None,
            description=_("Online payment %(pi)s for invoice %(number)s")
            % {"pi": payment_intent_id, "number": invoice.number},
            key_locked=True,
        )
        payment = Payment.objects.create(
            coop_id=invoice.coop_id,
            invoice=invoice,
            method=Payment.Method.STRIPE,
            amount=amount,
            received_on=received_on,
            reference=payment_intent_id,
            stripe_payment_intent_id=payment_intent_id,
            ledger_transaction=txn,
        )
        # The settlement as read after the lock plus this payment (every payment, refund and
        # settlement change happens under this lock, so it is the payments' total): no SUM query.
        old, new = _settlement_apply(
            invoice,
            settlement,
            paid=Decimal(settlement.amount_paid.amount) + Decimal(settlement.amount_refunded.amount) + amount.amount,
            refunded=Decimal(settlement.amount_refunded.amount),
            on=received_on,
        )
        if expected_cents is not None:
            CheckoutAttempt.objects.filter(invoice=invoice, status=CheckoutAttempt.Status.OPEN).update(
                status=CheckoutAttempt.Status.COMPLETED, updated_at=timezone.now()
            )
        audit_record(
            actor=None,
            action="payments.payment_recorded",
            subject=payment,
            coop=invoice.coop,
            data={
                "invoice": invoice.number,
                "amount": str(amount.amount),
                "method": "stripe",
                "payment_intent": payment_intent_id,
                "status": {"old": old, "new": new},
            },
        )
        # robust: a broker hiccup after commit must not turn an already recorded payment into a 500.
        transaction.on_commit(lambda: _enqueue_fee(payment.pk), robust=True)
    return PaymentOutcome(payment, True)


def _enqueue_fee(payment_id: int) -> None:
    from invoicing.payments.tasks import payment_fee_record_task

    payment_fee_record_task.delay(payment_id)


def payment_record_manual(
    *,
    invoice_id: int,
    amount: Money,
    received_on: dt.date,
    reference: str,
    actor: Any,
    bank_line_id: int | None = None,
) -> Payment:
    """A coordinator records a bank transfer for an invoice (part or all of what is owed).

    Raises InvoiceNotPayable, AmountMismatch, PaymentError (a date before the invoice or in the future).
    """
    if str(amount.currency) != "EUR":
        raise AmountMismatch(_("Only payments in euros can be recorded."))
    if amount.amount <= 0:
        raise AmountMismatch(_("The amount must be more than zero."))
    with transaction.atomic():
        invoice = _lock_invoice(invoice_id)
        date_problem = payment_date_problem(received_on=received_on, issue_date=invoice.issue_date)
        if date_problem:
            raise PaymentError(date_problem)
        settlement = _settlement_locked(invoice)
        due = _amount_due(invoice, settlement)
        _refuse_if_not_payable(invoice, due)
        if amount.amount > due.amount:
            raise AmountMismatch(
                _("%(amount)s is more than the %(due)s still owed on invoice %(number)s.")
                % {"amount": amount, "due": due, "number": invoice.number}
            )
        key = f"bank-line:{bank_line_id}" if bank_line_id else None
        # Without a bank line, each manual entry is its own posting (the form is the guard).
        payment = Payment(
            coop_id=invoice.coop_id,
            invoice=invoice,
            method=Payment.Method.BANK_TRANSFER,
            amount=eur(amount),
            received_on=received_on,
            reference=reference[:200],
            bank_line_id=bank_line_id,
            recorded_by=actor,
        )
        payment.ledger_transaction = _post_payment(
            invoice=invoice,
            amount=eur(amount),
            debit_code=AccountCode.BANK,
            on=received_on,
            key=key or "",
            actor=actor,
            description=_("Bank transfer for invoice %(number)s: %(ref)s")
            % {"number": invoice.number, "ref": reference[:100]},
        )
        payment.save()
        old, new = _settlement_refresh(invoice, settlement, on=received_on)
        audit_record(
            actor=actor,
            action="payments.payment_recorded",
            subject=payment,
            coop=invoice.coop,
            data={
                "invoice": invoice.number,
                "amount": str(amount.amount),
                "method": "bank_transfer",
                "reference": reference[:200],
                "status": {"old": old, "new": new},
            },
        )
    return payment


def payment_fee_record(*, payment_id: int, fee_cents: int) -> Payment:
    """Post Stripe's fee on a payment: Dr fees (expense) / Cr Stripe clearing; once per payment."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice", "coop").get(pk=payment_id)
        if payment.fee_transaction_id is not None or fee_cents <= 0:
            return payment
        fee = from_cents(fee_cents)
        coop = payment.coop
        txn = ledger_post(
            coop=coop,
            occurred_on=payment.received_on,
            description=_("Stripe fee on %(pi)s") % {"pi": payment.stripe_payment_intent_id},
            legs=[
                Leg(account=_account(coop, AccountCode.FEES), debit=fee),
                Leg(account=_account(coop, AccountCode.STRIPE_CLEARING), credit=fee),
            ],
            reference=payment.invoice,
            idempotency_key=f"stripe-fee:{payment.stripe_payment_intent_id}",
        )
        payment.fee = fee
        payment.fee_transaction = txn
        payment.save(update_fields=["fee", "fee_transaction"])
        audit_record(
            actor=None, action="payments.fee_recorded", subject=payment, coop=coop, data={"fee": str(fee.amount)}
        )
    return payment


def payment_fee_fetch_and_record(*, payment_id: int) -> Payment:
    """Ask Stripe for the fee of a payment (outside any transaction) and post it. Raises StripeUnavailable."""
    payment = Payment.objects.select_related("coop").get(pk=payment_id)
    if payment.fee_transaction_id is not None or not payment.stripe_payment_intent_id:
        return payment
    keys = stripe_keys_for(payment.coop)
    if keys is None:  # the coop removed its keys since: the fee stays unknown until a coordinator books it
        return payment
    fee = stripe_gateway.payment_fee_cents(keys=keys, payment_intent_id=payment.stripe_payment_intent_id)
    if fee is None:
        return payment
    return payment_fee_record(payment_id=payment_id, fee_cents=fee)


def refund_record_stripe(
    *, invoice_id: int, payment_intent_id: str, refunded_total_cents: int, charge_id: str, on: dt.date
) -> Refund | None:
    """Take back what Stripe refunded on a payment (the charge's running total); older totals are no-ops.

    Posts Dr receivable / Cr Stripe clearing for the new part only. Returns the new refund or None.
    """
    with transaction.atomic():
        invoice = _lock_invoice(invoice_id)
        payment = Payment.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent_id).first()
        if payment is None:
            return None
        target = min(from_cents(refunded_total_cents).amount, payment.amount.amount)
        delta = Decimal(target) - Decimal(payment.amount_refunded.amount)
        if delta <= 0:
            return None
        amount = eur(delta)
        coop = invoice.coop
        txn = ledger_post(
            coop=coop,
            occurred_on=on,
            description=_("Refund on %(pi)s for invoice %(number)s")
            % {"pi": payment_intent_id, "number": invoice.number},
            legs=[
                Leg(
                    account=_account(
                        coop, AccountCode.RECEIVABLE, business_id=invoice.business_id, name=str(invoice.business)
                    ),
                    debit=amount,
                ),
                Leg(account=_account(coop, AccountCode.STRIPE_CLEARING), credit=amount),
            ],
            reference=invoice,
            idempotency_key=f"stripe-refund:{payment_intent_id}:{cents(eur(target))}",
        )
        refund = Refund.objects.create(
            coop=coop,
            payment=payment,
            amount=amount,
            refunded_total_after=eur(target),
            stripe_charge_id=charge_id,
            ledger_transaction=txn,
        )
        payment.amount_refunded = eur(target)
        payment.save(update_fields=["amount_refunded"])
        old, new = _settlement_refresh(invoice, _settlement_locked(invoice), on=on)
        audit_record(
            actor=None,
            action="payments.refund_recorded",
            subject=payment,
            coop=coop,
            data={"amount": str(amount.amount), "refunded_total": str(target), "status": {"old": old, "new": new}},
        )
    return refund


def payment_method_labels() -> list[str]:
    """How the configured Stripe payment methods are named on the pay page."""
    from django.utils.translation import gettext_lazy

    names = {
        "ideal": gettext_lazy("iDEAL | Wero"),
        "card": gettext_lazy("Card"),
        "sepa_debit": gettext_lazy("SEPA Direct Debit"),
        "bancontact": "Bancontact",
    }
    return [str(names.get(m, m)) for m in getattr(settings, "STRIPE_PAYMENT_METHODS", [])]
