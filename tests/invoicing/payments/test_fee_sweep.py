"""Stripe fees: an hourly sweep books every fee the payment task could not get; the office lists late ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coop.ledger.selectors import trial_balance
from invoicing.models import Payment
from invoicing.payments.services import checkout_start
from invoicing.payments.tasks import payment_fees_sweep_task

pytestmark = pytest.mark.django_db


def _paid_without_fee(invoice, fake_stripe, post_event, django_capture_on_commit_callbacks) -> Payment:  # type: ignore[no-untyped-def]
    started = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    session = fake_stripe.pay(started.attempt.stripe_session_id, "paid")
    pi = fake_stripe.objects[session["payment_intent"]]
    # The fee task after commit never runs (as if it had given up after its retries).
    with django_capture_on_commit_callbacks(execute=False):
        post_event(invoice.coop, fake_stripe.event_build("payment_intent.succeeded", pi))
    payment = Payment.objects.get()
    assert payment.fee_transaction_id is None
    return payment


def test_sweep_books_a_missing_fee_once(invoice, fake_stripe, post_event, django_capture_on_commit_callbacks):
    payment = _paid_without_fee(invoice, fake_stripe, post_event, django_capture_on_commit_callbacks)
    assert payment_fees_sweep_task.delay().get() == 1
    payment.refresh_from_db()
    assert payment.fee is not None and payment.fee.amount > 0
    assert payment_fees_sweep_task.delay().get() == 0  # nothing left to do
    assert trial_balance(invoice.coop).total.amount == 0


def test_sweep_keeps_trying_while_stripe_is_unreachable(
    invoice, fake_stripe, post_event, django_capture_on_commit_callbacks, settings
):
    payment = _paid_without_fee(invoice, fake_stripe, post_event, django_capture_on_commit_callbacks)
    good = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    assert payment_fees_sweep_task.delay().get() == 0
    payment.refresh_from_db()
    assert payment.fee_transaction_id is None
    settings.STRIPE_API_BASE = good
    assert payment_fees_sweep_task.delay().get() == 1


def test_office_lists_fees_missing_for_more_than_a_day(
    client, invoice, fake_stripe, post_event, django_capture_on_commit_callbacks, coordinator
):
    payment = _paid_without_fee(invoice, fake_stripe, post_event, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    assert client.get(reverse("payments:office_receipts")).context["fee_missing"] == []  # less than a day
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    listed = client.get(reverse("payments:office_receipts")).context["fee_missing"]
    assert [p.pk for p in listed] == [payment.pk]


def test_sweep_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "invoicing.payments.tasks.payment_fees_sweep_task" in tasks
