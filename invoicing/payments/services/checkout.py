"""Stripe Checkout: open (or reuse) a session for what is still owed on an invoice."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from invoicing import stripe_gateway
from invoicing.models import CheckoutAttempt
from invoicing.payments.exceptions import PaymentServiceUnavailable
from invoicing.payments.services.cents import cents
from invoicing.payments.services.keys import online_payment_not_set_up, stripe_keys_for
from invoicing.payments.services.settlement import (
    amount_due,
    invoice_lock_or_404,
    invoice_owed,
    refuse_if_not_payable,
    settlement_read,
)

logger = logging.getLogger(__name__)

CHECKOUT_REUSE_HOURS = 23  # Stripe Checkout sessions expire after 24 hours.


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
        invoice = invoice_lock_or_404(invoice_id)
        settlement, _intent_paid = settlement_read(invoice)
        due = amount_due(owed=invoice_owed(invoice), settlement=settlement)
        refuse_if_not_payable(invoice, due)
        keys = stripe_keys_for(invoice.coop)
        if keys is None:
            raise online_payment_not_set_up()
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
