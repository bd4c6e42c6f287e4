"""Reminders for overdue invoices on the rulebook's schedule, each step sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from coop.money import eur
from invoicing.models import Reminder
from invoicing.payments.reminders import reminders_send_due
from invoicing.payments.services import payment_record_manual
from invoicing.payments.tasks import invoice_reminders_send_task

pytestmark = pytest.mark.django_db


def _day(invoice, overdue_days: int) -> dt.date:  # type: ignore[no-untyped-def]
    return invoice.due_date + dt.timedelta(days=overdue_days)


def test_reminders_follow_the_rulebook_schedule_and_each_is_sent_once(invoice, django_capture_on_commit_callbacks):
    # Default rulebook: reminder_days = [7, 14, 30].
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(today=_day(invoice, 3)) == 0
        assert reminders_send_due(today=_day(invoice, 7)) == 1
        assert reminders_send_due(today=_day(invoice, 8)) == 0
        assert reminders_send_due(today=_day(invoice, 14)) == 1
        assert reminders_send_due(today=_day(invoice, 14)) == 0
    assert list(Reminder.objects.values_list("step_days", flat=True)) == [7, 14]
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == [invoice.business.billing_email]
    assert invoice.number in mail.outbox[0].subject
    assert "/payments/pay/" in mail.outbox[0].body


def test_late_start_sends_only_the_latest_step(invoice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(today=_day(invoice, 40)) == 1
        assert reminders_send_due(today=_day(invoice, 41)) == 0
    assert list(Reminder.objects.values_list("step_days", flat=True)) == [30]
    assert len(mail.outbox) == 1


def test_paid_invoice_gets_no_reminder(invoice, coordinator):
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=invoice.total_gross,
        received_on=invoice.issue_date,
        reference="x",
        actor=coordinator,
    )
    assert reminders_send_due(today=_day(invoice, 30)) == 0
    assert Reminder.objects.count() == 0


def test_partly_paid_invoice_is_reminded_of_the_rest(invoice, coordinator, django_capture_on_commit_callbacks):
    payment_record_manual(
        invoice_id=invoice.pk, amount=eur("10.00"), received_on=invoice.issue_date, reference="x", actor=coordinator
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(today=_day(invoice, 7)) == 1
    rest = f"{invoice.total_gross.amount - 10:.2f}".replace(".", ",")
    assert rest in mail.outbox[0].body  # what is still owed, not the total


def test_the_rulebook_schedule_is_used(invoice):
    from tests.factories import rule_version_decided

    rule_version_decided(
        coop=invoice.coop,
        effective_from=invoice.due_date,
        changes={"reminder_days": [3]},
        source="general_meeting",
        note="sneller herinneren",
    )
    assert reminders_send_due(today=_day(invoice, 3)) == 1
    assert list(Reminder.objects.values_list("step_days", flat=True)) == [3]


def test_beat_runs_the_reminder_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["payments-reminders"]
    assert entry["task"] == invoice_reminders_send_task.name
