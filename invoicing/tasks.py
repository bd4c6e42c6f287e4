"""Thin Celery tasks: ids in, one service call, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invoice_pdf_render_task(invoice_id: int) -> None:
    from invoicing.services.invoices import invoice_pdf_render

    invoice_pdf_render(invoice_id=invoice_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invoice_email_task(invoice_id: int) -> None:
    from invoicing.services.invoices import invoice_email

    invoice_email(invoice_id=invoice_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def credit_note_pdf_render_task(credit_note_id: int) -> None:
    from invoicing.services.credit_notes import credit_note_pdf_render

    credit_note_pdf_render(credit_note_id=credit_note_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def credit_note_email_task(credit_note_id: int) -> None:
    from invoicing.services.credit_notes import credit_note_email

    credit_note_email(credit_note_id=credit_note_id)


@shared_task(acks_late=True)
def invoice_run_task(coop_id: int, until: str) -> int:
    from coop.models import Cooperative
    from invoicing.services.invoices import invoice_run

    coop = Cooperative.objects.get(pk=coop_id)
    return len(invoice_run(coop=coop, until=dt.date.fromisoformat(until)))


@shared_task
def invoice_runs_due_task() -> int:
    """Daily (beat): one invoice run per coop whose invoice period ended yesterday."""
    from invoicing.selectors import coops_with_invoice_period_ended

    due = coops_with_invoice_period_ended(today=timezone.localdate())
    for coop, until in due:
        invoice_run_task.delay(coop.pk, until.isoformat())
    return len(due)


@shared_task
def share_wage_deductions_task() -> int:
    """Daily (beat): pay owed shares from wages where the member agreed; one transaction per share."""
    from invoicing.payments.shares import share_ids_for_wage_deduction, share_wages_deduct

    return sum(1 for share_id in share_ids_for_wage_deduction() if share_wages_deduct(share_id=share_id) is not None)
