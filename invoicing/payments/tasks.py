"""Thin Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from invoicing import stripe_gateway


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def payment_fee_record_task(self, payment_id: int) -> None:  # type: ignore[no-untyped-def]
    """Fetch Stripe's fee for a payment and post it (retried while Stripe is unreachable)."""
    from invoicing.payments.services import payment_fee_fetch_and_record

    try:
        payment_fee_fetch_and_record(payment_id=payment_id)
    except stripe_gateway.StripeUnavailable as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def invoice_reminders_send_task() -> int:
    """Daily (beat): send the reminders that are due; each (invoice, step) at most once."""
    from invoicing.payments.reminders import reminders_send_due

    return reminders_send_due()


@shared_task
def reminder_send_task(invoice_id: int) -> None:
    """Send the reminder that is due for one invoice, if any."""
    from invoicing.payments.reminders import reminder_send_for_invoice

    reminder_send_for_invoice(invoice_id=invoice_id)


@shared_task
def payment_fees_sweep_task() -> int:
    """Hourly (beat): book every Stripe fee still missing, however long Stripe was unreachable."""
    from invoicing.payments.services import payment_fees_sweep

    return payment_fees_sweep()
