"""Coordinator refunds: through Stripe or recorded by hand; above the board limit a second person approves.

A refund reopens the receivable but is never dunned: reminders ask only for what was never paid.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from coop.ledger.models import AccountCode, LedgerLeg, LedgerTransaction
from coop.ledger.selectors import receivable_for_invoice, trial_balance
from coop.models import AuditEvent
from coop.money import eur
from invoicing.models import Payment, Refund, RefundRequest, Reminder
from invoicing.payments.exceptions import PaymentError
from invoicing.payments.reminders import reminder_send_for_invoice
from invoicing.payments.services import checkout_start, payment_record_manual, refund_decide, refund_request
from tests.invoicing.payments.conftest import WORK_DAY
from tests.invoicing.payments.factories import issued_invoice

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, str]:
    return (
        Refund.objects.count(),
        LedgerTransaction.objects.count(),
        RefundRequest.objects.filter(status=RefundRequest.Status.DONE).count(),
        ";".join(str(p.amount_refunded.amount) for p in Payment.objects.order_by("pk")),
    )


def _stripe_paid(invoice, fake_stripe, post_event) -> Payment:  # type: ignore[no-untyped-def]
    started = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    session = fake_stripe.pay(started.attempt.stripe_session_id, "paid")
    pi = fake_stripe.objects[session["payment_intent"]]
    assert post_event(invoice.coop, fake_stripe.event_build("payment_intent.succeeded", pi)).status_code == 200
    return Payment.objects.get(stripe_payment_intent_id=pi["id"])


def _bank_paid(invoice, coordinator, amount=None) -> Payment:  # type: ignore[no-untyped-def]
    return payment_record_manual(
        invoice_id=invoice.pk,
        amount=amount or invoice.total_gross,
        received_on=invoice.issue_date,
        reference="bank",
        actor=coordinator,
    )


@pytest.fixture
def big_invoice(kanaleneiland, bakery, fatima, coop_keys):  # type: ignore[no-untyped-def]
    """An invoice above the default board limit of EUR 500 (14 hours)."""
    coop_keys(kanaleneiland)
    return issued_invoice(
        coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY, hours_end=dt.time(23, 0)
    )


def test_small_stripe_refund_is_done_at_once_through_the_sdk(invoice, fake_stripe, post_event, coordinator):
    payment = _stripe_paid(invoice, fake_stripe, post_event)
    done = refund_request(
        coop=invoice.coop,
        payment_id=payment.pk,
        amount=eur("20.00"),
        method="stripe",
        reason="Te veel",
        actor=coordinator,
    )
    assert done.status == RefundRequest.Status.DONE
    assert done.stripe_refund_id.startswith("re_")
    charge = fake_stripe.objects[fake_stripe.objects[payment.stripe_payment_intent_id]["latest_charge"]]
    assert charge["amount_refunded"] == 2000
    legs = {
        (leg.account.code, leg.debit is not None)
        for leg in LedgerLeg.objects.filter(transaction=done.refund.ledger_transaction).select_related("account")
    }
    assert legs == {(AccountCode.RECEIVABLE, True), (AccountCode.STRIPE_CLEARING, False)}
    # Stripe then tells us about the refund we made: nothing is booked twice.
    before = _state()
    assert post_event(invoice.coop, fake_stripe.event_build("charge.refunded", charge)).status_code == 200
    assert _state() == before
    assert receivable_for_invoice(invoice) == eur("20.00")
    assert trial_balance(invoice.coop).total.amount == 0


def test_bank_refund_is_recorded_by_hand_against_the_bank(invoice, coordinator):
    payment = _bank_paid(invoice, coordinator)
    done = refund_request(
        coop=invoice.coop,
        payment_id=payment.pk,
        amount=eur("10.00"),
        method="bank",
        reason="Korting",
        actor=coordinator,
    )
    codes = {
        leg.account.code
        for leg in LedgerLeg.objects.filter(transaction=done.refund.ledger_transaction).select_related("account")
    }
    assert codes == {AccountCode.RECEIVABLE, AccountCode.BANK}
    assert trial_balance(invoice.coop).total.amount == 0


def test_refund_above_the_board_limit_waits_for_a_second_person(big_invoice, coordinator, board_member):
    payment = _bank_paid(big_invoice, coordinator)
    assert payment.amount.amount > 500
    before = _state()
    waiting = refund_request(
        coop=big_invoice.coop,
        payment_id=payment.pk,
        amount=payment.amount,
        method="bank",
        reason="Dubbel betaald",
        actor=coordinator,
    )
    assert waiting.status == RefundRequest.Status.WAITING
    assert _state() == before  # nothing booked yet
    with pytest.raises(PaymentError):
        refund_decide(coop=big_invoice.coop, request_id=waiting.pk, approve=True, actor=coordinator)
    assert _state() == before
    done = refund_decide(coop=big_invoice.coop, request_id=waiting.pk, approve=True, actor=board_member)
    assert done.status == RefundRequest.Status.DONE
    assert done.approved_by == board_member
    assert Payment.objects.get().amount_refunded == payment.amount
    assert AuditEvent.objects.filter(action="payments.refund_request_done").count() == 1
    assert trial_balance(big_invoice.coop).total.amount == 0


def test_rejected_refund_books_nothing(big_invoice, coordinator, board_member):
    payment = _bank_paid(big_invoice, coordinator)
    waiting = refund_request(
        coop=big_invoice.coop,
        payment_id=payment.pk,
        amount=payment.amount,
        method="bank",
        reason="x",
        actor=coordinator,
    )
    before = _state()
    rejected = refund_decide(coop=big_invoice.coop, request_id=waiting.pk, approve=False, actor=board_member)
    assert rejected.status == RefundRequest.Status.REJECTED
    assert _state() == before


def test_refunding_more_than_was_paid_is_refused_and_changes_nothing(invoice, coordinator):
    payment = _bank_paid(invoice, coordinator, amount=eur("50.00"))
    before = _state()
    with translation.override("en"), pytest.raises(PaymentError) as exc:
        refund_request(
            coop=invoice.coop, payment_id=payment.pk, amount=eur("50.01"), method="bank", reason="x", actor=coordinator
        )
    assert "can still be refunded" in str(exc.value)
    with pytest.raises(PaymentError):  # a bank payment cannot go back through Stripe
        refund_request(
            coop=invoice.coop, payment_id=payment.pk, amount=eur("5.00"), method="stripe", reason="x", actor=coordinator
        )
    assert _state() == before
    assert RefundRequest.objects.count() == 0


def test_two_waiting_refunds_cannot_together_pass_what_was_paid(big_invoice, coordinator):
    payment = _bank_paid(big_invoice, coordinator)
    refund_request(
        coop=big_invoice.coop,
        payment_id=payment.pk,
        amount=payment.amount,
        method="bank",
        reason="x",
        actor=coordinator,
    )
    with pytest.raises(PaymentError):
        refund_request(
            coop=big_invoice.coop,
            payment_id=payment.pk,
            amount=eur("1.00"),
            method="bank",
            reason="x",
            actor=coordinator,
        )


def test_refunded_amount_is_never_dunned(invoice, coordinator, django_capture_on_commit_callbacks):
    payment = _bank_paid(invoice, coordinator)
    refund_request(
        coop=invoice.coop, payment_id=payment.pk, amount=eur("30.00"), method="bank", reason="x", actor=coordinator
    )
    assert receivable_for_invoice(invoice) == eur("30.00")  # open again in the books
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_send_for_invoice(invoice_id=invoice.pk, today=invoice.due_date + dt.timedelta(days=30)) is None
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_reminder_asks_only_for_the_never_paid_part(invoice, coordinator, django_capture_on_commit_callbacks):
    payment = _bank_paid(invoice, coordinator, amount=eur("100.00"))
    refund_request(
        coop=invoice.coop, payment_id=payment.pk, amount=eur("40.00"), method="bank", reason="x", actor=coordinator
    )
    never_paid = invoice.total_gross.amount - 100
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send_for_invoice(invoice_id=invoice.pk, today=invoice.due_date + dt.timedelta(days=30))
    assert reminder is not None
    audit = AuditEvent.objects.filter(action="invoice.reminder_sent").get()
    assert audit.data["amount_due"] == str(never_paid)


def test_refund_page_four_eyes_through_the_office(client, big_invoice, coordinator, board_member):
    payment = _bank_paid(big_invoice, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("payments:office_refund", args=[payment.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("payments:office_refund", args=[payment.pk]),
        {"amount": str(payment.amount.amount), "method": "bank", "reason": "Dubbel betaald"},
    )
    assert response.status_code == 302
    waiting = RefundRequest.objects.get()
    assert waiting.status == RefundRequest.Status.WAITING
    too_much = client.post(
        reverse("payments:office_refund", args=[payment.pk]), {"amount": "1.00", "method": "bank", "reason": "x"}
    )
    assert too_much.status_code == 400
    client.force_login(board_member)
    listing = client.get(reverse("payments:office_refund_list"))
    assert [r.pk for r in listing.context["waiting"]] == [waiting.pk]
    client.post(reverse("payments:office_refund_decide", args=[waiting.pk, "approve"]))
    assert RefundRequest.objects.get().status == RefundRequest.Status.DONE


def test_outsider_and_board_member_cannot_open_the_refund_page(client, invoice, coordinator, outsider, board_member):
    payment = _bank_paid(invoice, coordinator)
    for user in (outsider, board_member):
        client.force_login(user)
        assert client.get(reverse("payments:office_refund", args=[payment.pk])).status_code == 403


def test_coordinator_who_is_not_board_cannot_approve(client, big_invoice, coordinator, board_member):
    payment = _bank_paid(big_invoice, coordinator)
    waiting = refund_request(
        coop=big_invoice.coop,
        payment_id=payment.pk,
        amount=payment.amount,
        method="bank",
        reason="x",
        actor=board_member,
    )
    client.force_login(coordinator)
    assert client.post(reverse("payments:office_refund_decide", args=[waiting.pk, "approve"])).status_code == 403
    assert RefundRequest.objects.get().status == RefundRequest.Status.WAITING
