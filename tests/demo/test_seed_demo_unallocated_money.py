"""The demo's unallocated money (issue 10): a business overpaid by EUR 100; the office allocates it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from coop.demo.services import DemoSeedResult
from coop.ledger.models import Account, AccountCode
from coop.ledger.selectors import account_balance, trial_balance
from coop.models import Cooperative
from invoicing.models import Invoice, InvoiceSettlement, UnallocatedReceipt
from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_overpayment_is_seen_and_allocated_to_the_next_invoice_in_the_office(
    seeded: DemoSeedResult, client
) -> None:
    coop = Cooperative.objects.get(slug="kanaleneiland")
    assert trial_balance(coop).total.amount == 0
    receipt = UnallocatedReceipt.objects.get(coop=coop)
    assert receipt.amount.amount == Decimal("100.00")
    assert InvoiceSettlement.objects.get(invoice=receipt.invoice).status == InvoiceSettlement.Status.PAID
    next_invoice = Invoice.objects.filter(coop=coop, business=receipt.business).exclude(pk=receipt.invoice_id).get()

    client.force_login(User.objects.get(email="coordinator@kanaleneiland.example.org"))
    listing = client.get(reverse("payments:office_receipts"))
    assert listing.status_code == 200
    assert [r.pk for r in listing.context["receipts"]] == [receipt.pk]
    response = client.post(
        reverse("payments:office_receipt_detail", args=[receipt.pk]),
        {"action": "allocate", "allocate-invoice": next_invoice.pk, "allocate-amount": "100.00"},
    )
    assert response.status_code == 302
    assert trial_balance(coop).total.amount == 0
    suspense = Account.objects.get(coop=coop, code=AccountCode.UNALLOCATED_RECEIPTS)
    assert account_balance(suspense).amount == 0
    assert InvoiceSettlement.objects.get(invoice=next_invoice).amount_paid.amount == Decimal("100.00")
    assert client.get(reverse("payments:office_receipts")).context["receipts"] == []
