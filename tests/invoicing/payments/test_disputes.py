"""Disputes: linked to the invoice even when told before the payment; lost posts a reversal, won posts nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coop.ledger.models import AccountCode, LedgerLeg, LedgerTransaction
from coop.ledger.selectors import receivable_for_invoice, trial_balance
from coop.models import AuditEvent
from invoicing.models import Dispute, InvoiceSettlement, Payment
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.factories import cents

pytestmark = pytest.mark.django_db


def _pi(invoice):  # type: ignore[no-untyped-def]
    return se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))


def _closed(dispute: dict, status: str) -> dict:  # type: ignore[type-arg]
    return se.event("charge.dispute.closed", {**dispute, "status": status})


def test_dispute_before_its_payment_is_linked_when_the_payment_arrives(invoice, post_event):
    pi = _pi(invoice)
    dispute = se.dispute(amount=cents(invoice), pi_id=pi["id"])
    assert post_event(invoice.coop, se.event("charge.dispute.created", dispute)).status_code == 200
    assert Dispute.objects.get().invoice is None
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    row = Dispute.objects.get()
    assert row.invoice == invoice
    assert row.status == Dispute.Status.OPEN
    assert AuditEvent.objects.filter(action="payments.dispute_linked").count() == 1


def test_dispute_told_again_after_the_payment_is_linked_once(invoice, post_event):
    pi = _pi(invoice)
    dispute = se.dispute(amount=cents(invoice), pi_id=pi["id"])
    post_event(invoice.coop, se.event("charge.dispute.created", dispute))
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    post_event(invoice.coop, se.event("charge.dispute.updated", dispute))
    assert Dispute.objects.count() == 1
    assert Dispute.objects.get().invoice == invoice
    assert AuditEvent.objects.filter(action="payments.dispute_linked").count() == 1


def test_lost_dispute_posts_a_reversal_and_reopens_the_invoice(invoice, post_event):
    pi = _pi(invoice)
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    dispute = se.dispute(amount=cents(invoice), pi_id=pi["id"])
    post_event(invoice.coop, se.event("charge.dispute.created", dispute))
    before = LedgerTransaction.objects.count()
    assert post_event(invoice.coop, _closed(dispute, "lost")).status_code == 200
    assert post_event(invoice.coop, _closed(dispute, "lost")).status_code == 200  # a new event id, same news
    row = Dispute.objects.get()
    assert row.status == Dispute.Status.LOST
    assert LedgerTransaction.objects.count() == before + 1
    legs = {
        (leg.account.code, leg.debit is not None)
        for leg in LedgerLeg.objects.filter(transaction=row.ledger_transaction).select_related("account")
    }
    assert legs == {(AccountCode.RECEIVABLE, True), (AccountCode.STRIPE_CLEARING, False)}
    assert receivable_for_invoice(invoice) == invoice.total_gross
    assert InvoiceSettlement.objects.get(invoice=invoice).status == InvoiceSettlement.Status.REFUNDED
    assert Payment.objects.get().amount_refunded == invoice.total_gross
    assert AuditEvent.objects.filter(action="payments.dispute_lost").count() == 1
    assert trial_balance(invoice.coop).total.amount == 0


def test_won_dispute_posts_nothing_and_leaves_an_audit_row(invoice, post_event):
    pi = _pi(invoice)
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    dispute = se.dispute(amount=cents(invoice), pi_id=pi["id"])
    post_event(invoice.coop, se.event("charge.dispute.created", dispute))
    before = LedgerTransaction.objects.count()
    post_event(invoice.coop, _closed(dispute, "won"))
    assert Dispute.objects.get().status == Dispute.Status.WON
    assert LedgerTransaction.objects.count() == before
    assert InvoiceSettlement.objects.get(invoice=invoice).status == InvoiceSettlement.Status.PAID
    assert AuditEvent.objects.filter(action="payments.dispute_won").count() == 1


def test_a_won_dispute_cannot_be_lost_afterwards(invoice, post_event):
    pi = _pi(invoice)
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    dispute = se.dispute(amount=cents(invoice), pi_id=pi["id"])
    post_event(invoice.coop, se.event("charge.dispute.created", dispute))
    post_event(invoice.coop, _closed(dispute, "won"))
    before = LedgerTransaction.objects.count()
    post_event(invoice.coop, _closed(dispute, "lost"))
    assert Dispute.objects.get().status == Dispute.Status.WON
    assert LedgerTransaction.objects.count() == before


def test_invoice_pages_show_disputed_and_the_amount(client, invoice, post_event, coordinator):
    pi = _pi(invoice)
    post_event(invoice.coop, se.event("payment_intent.succeeded", pi))
    post_event(invoice.coop, se.event("charge.dispute.created", se.dispute(amount=1234, pi_id=pi["id"])))
    client.force_login(coordinator)
    for url in (
        reverse("office_invoice_detail", args=[invoice.pk]),
        reverse("payments:office_payment_record", args=[invoice.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Disputed" in page
        assert "12,34" in page or "12.34" in page
