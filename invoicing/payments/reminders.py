"""Payment reminders on the rulebook's `reminder_days` schedule, each step sent once per invoice.

Days count from the due date. A run sends, per overdue invoice, the highest step reached that is
above every step already sent; so an invoice found 35 days overdue gets one reminder (the 30-day
one), not three at once. The `Reminder` row is unique per (invoice, step) and is written in the
same transaction as the decision; the e-mail goes out after commit.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from coop.audit import audit_record
from coop.money import eur
from coop.rulebook.selectors import rule_value
from invoicing.models import Invoice, InvoiceSettlement, Reminder
from invoicing.payments.selectors import invoice_pay_url
from invoicing.payments.services.settlement import amount_due, invoice_lock, invoice_owed, settlement_read

logger = logging.getLogger(__name__)


def invoice_ids_overdue(*, today: dt.date) -> list[int]:
    """Ids of invoices past their due date that are not paid or credited."""
    return list(
        Invoice.objects.filter(due_date__lt=today)
        .exclude(status=Invoice.Status.CREDITED)
        .exclude(settlement__status=InvoiceSettlement.Status.PAID)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reminder_send_for_invoice(*, invoice_id: int, today: dt.date | None = None) -> Reminder | None:
    """Send the reminder step now due for one invoice, if any; returns the new Reminder row."""
    day = today or timezone.localdate()
    with transaction.atomic():
        invoice = invoice_lock(invoice_id)
        if invoice is None or invoice.status == Invoice.Status.CREDITED:
            return None
        settlement, _intent_paid = settlement_read(invoice)
        # Only what was never paid is dunned: an amount open again because we refunded it (or the
        # payer's bank took it back) is a coordinator's case, never a reminder to the business.
        never_paid = eur(
            amount_due(owed=invoice_owed(invoice), settlement=settlement).amount - settlement.amount_refunded.amount
        )
        due = never_paid if never_paid.amount > 0 else eur(0)
        if due.amount <= 0:
            return None
        overdue_days = (day - invoice.due_date).days
        steps = sorted(int(s) for s in rule_value(invoice.coop, "reminder_days", on=day))
        reached = [s for s in steps if s <= overdue_days]
        if not reached:
            return None
        step = reached[-1]
        last_sent = Reminder.objects.filter(invoice=invoice).aggregate(m=Max("step_days"))["m"] or 0
        if step <= last_sent:
            return None
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    coop_id=invoice.coop_id, invoice=invoice, step_days=step, sent_to=invoice.business.billing_email
                )
        except IntegrityError:
            return None  # another run sent this step a moment ago
        audit_record(
            actor=None,
            action="invoice.reminder_sent",
            subject=invoice,
            coop=invoice.coop,
            data={"step_days": step, "amount_due": str(due.amount), "to": reminder.sent_to},
        )
        context = {
            "invoice": invoice,
            "amount_due": due,
            "overdue_days": overdue_days,
            "step": step,
            "pay_url": invoice_pay_url(invoice),
            "coop": invoice.coop,
            "business": invoice.business,
        }
        transaction.on_commit(lambda: _mail(reminder.sent_to, context), robust=True)
    return reminder


def _mail(to: str, context: dict[str, object]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/payments/reminder_subject.txt", context).strip()
        text = render_to_string("emails/payments/reminder_body.txt", context)
        html = render_to_string("emails/payments/reminder_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def reminders_send_due(*, today: dt.date | None = None) -> int:
    """Send every reminder that is due (one transaction per invoice); returns how many were sent."""
    day = today or timezone.localdate()
    sent = 0
    for invoice_id in invoice_ids_overdue(today=day):
        try:
            if reminder_send_for_invoice(invoice_id=invoice_id, today=day) is not None:
                sent += 1
        except Exception:  # one broken invoice must not stop the others' reminders
            logger.exception("Reminder for invoice %s failed", invoice_id)
    return sent
