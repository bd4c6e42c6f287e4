"""Money that matches no invoice: booked to suspense at once, then allocated, refunded or written to income."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from coop.ledger.models import Account, AccountCode, LedgerTransaction
from coop.ledger.selectors import account_balance, trial_balance
from coop.money import eur
from invoicing.models import InvoiceSettlement, Payment, PaymentAnomaly, ReceiptResolution, UnallocatedReceipt
from invoicing.payments.bank import bank_statement_import
from invoicing.payments.exceptions import PaymentError
from invoicing.payments.services import receipt_allocate, receipt_refund, receipt_write_off
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.factories import cents, issued_invoice

pytestmark = pytest.mark.django_db

NEXT_WORK_DAY = dt.date(2026, 3, 9)


def _state() -> tuple[int, int, int, str, int]:
    receipts = ";".join(f"{r.pk}:{r.amount_resolved.amount}" for r in UnallocatedReceipt.objects.order_by("pk"))
    return (
        Payment.objects.count(),
        LedgerTransaction.objects.count(),
        ReceiptResolution.objects.count(),
        receipts,
        InvoiceSettlement.objects.filter(status=InvoiceSettlement.Status.PAID).count(),
    )


def _suspense(coop) -> Decimal:  # type: ignore[no-untyped-def]
    account = Account.objects.filter(coop=coop, code=AccountCode.UNALLOCATED_RECEIPTS).first()
    return Decimal(0) if account is None else Decimal(account_balance(account).amount)


def _overpay_csv(invoice, extra: Decimal) -> bytes:  # type: ignore[no-untyped-def]
    return (
        "date,amount,counterparty,iban,description\n"
        f"2026-03-20,{invoice.total_gross.amount + extra},Bakkerij,NL91ABNA0417164300,Factuur {invoice.number}\n"
    ).encode()


@pytest.fixture
def overpaid(invoice, coordinator):  # type: ignore[no-untyped-def]
    """The bakery paid its invoice plus EUR 100 by bank; the EUR 100 sits in suspense."""
    result = bank_statement_import(
        coop=invoice.coop, actor=coordinator, filename="mar.csv", content=_overpay_csv(invoice, Decimal("100.00"))
    )
    return result.unallocated[0]


@pytest.fixture
def next_invoice(invoice, bakery, fatima):  # type: ignore[no-untyped-def]
    return issued_invoice(coop=invoice.coop, business=bakery.business, member=fatima, day=NEXT_WORK_DAY)


def test_overpaid_bank_line_pays_the_invoice_and_books_the_rest_to_suspense(invoice, overpaid):
    assert overpaid.amount == eur("100.00")
    assert overpaid.business == invoice.business
    assert overpaid.origin == UnallocatedReceipt.Origin.OVERPAYMENT
    assert InvoiceSettlement.objects.get(invoice=invoice).status == InvoiceSettlement.Status.PAID
    assert _suspense(invoice.coop) == Decimal("100.00")
    assert trial_balance(invoice.coop).total.amount == 0


def test_unknown_reference_in_a_bank_import_is_booked_to_suspense(invoice, coordinator):
    content = b"date,amount,counterparty,iban,description\n2026-03-21,45.00,Onbekend,NL20INGB0001234567,Gift\n"
    result = bank_statement_import(coop=invoice.coop, actor=coordinator, filename="x.csv", content=content)
    receipt = result.unallocated[0]
    assert receipt.origin == UnallocatedReceipt.Origin.UNKNOWN_REFERENCE
    assert receipt.business is None
    assert _suspense(invoice.coop) == Decimal("45.00")
    assert trial_balance(invoice.coop).total.amount == 0


def test_stripe_payment_of_a_credited_invoice_reaches_the_books_in_suspense(invoice, post_event):
    from invoicing.services.credit_notes import credit_note_create

    credit_note_create(invoice=invoice, reason="Dubbel gefactureerd", actor=None)
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    ev = se.event("payment_intent.succeeded", pi)
    assert post_event(invoice.coop, ev).status_code == 200
    assert post_event(invoice.coop, ev).status_code == 200  # redelivered: still booked once
    receipt = UnallocatedReceipt.objects.get()
    assert receipt.channel == UnallocatedReceipt.Channel.STRIPE
    assert receipt.origin == UnallocatedReceipt.Origin.ALREADY_PAID
    assert receipt.amount == invoice.total_gross
    clearing = Account.objects.get(coop=invoice.coop, code=AccountCode.STRIPE_CLEARING)
    assert account_balance(clearing) == invoice.total_gross  # what Stripe holds
    assert trial_balance(invoice.coop).total.amount == 0


def test_second_stripe_payment_of_a_paid_invoice_is_booked_once(invoice, post_event):
    first = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    post_event(invoice.coop, se.event("payment_intent.succeeded", first))
    second = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    ev = se.event("payment_intent.succeeded", second)
    post_event(invoice.coop, ev)
    post_event(invoice.coop, se.event("payment_intent.succeeded", second))  # Stripe retries, new event id
    assert UnallocatedReceipt.objects.get().amount == invoice.total_gross
    assert Payment.objects.count() == 1
    assert trial_balance(invoice.coop).total.amount == 0


def test_allocating_to_the_same_business_next_invoice_pays_it(overpaid, next_invoice, coordinator):
    resolution = receipt_allocate(
        coop=overpaid.coop, receipt_id=overpaid.pk, invoice_id=next_invoice.pk, amount=eur("100.00"), actor=coordinator
    )
    assert resolution.payment.method == Payment.Method.UNALLOCATED
    settlement = InvoiceSettlement.objects.get(invoice=next_invoice)
    assert settlement.amount_paid == eur("100.00")
    assert settlement.status == InvoiceSettlement.Status.PARTLY_PAID
    assert _suspense(overpaid.coop) == 0
    overpaid.refresh_from_db()
    assert overpaid.amount_resolved == overpaid.amount
    assert trial_balance(overpaid.coop).total.amount == 0


def test_write_off_and_refund_by_bank_each_post_and_audit(overpaid, coordinator):
    from coop.models import AuditEvent

    receipt_write_off(
        coop=overpaid.coop, receipt_id=overpaid.pk, amount=eur("30.00"), reason="Fooi voor de buurt", actor=coordinator
    )
    receipt_refund(
        coop=overpaid.coop, receipt_id=overpaid.pk, amount=eur("70.00"), reason="Teruggestort", actor=coordinator
    )
    assert _suspense(overpaid.coop) == 0
    operating = Account.objects.get(coop=overpaid.coop, code=AccountCode.OPERATING)
    assert Decimal(account_balance(operating).amount) >= Decimal("30.00")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"payments.receipt_written_off", "payments.receipt_refunded"} <= actions
    assert trial_balance(overpaid.coop).total.amount == 0


def test_refunding_stripe_money_goes_through_the_sdk(invoice, post_event, fake_stripe, coordinator):
    from invoicing.payments.services import checkout_start, payment_record_manual

    started = checkout_start(invoice_id=invoice.pk, actor=None, success_url="http://t/ok", cancel_url="http://t/no")
    # The business pays by bank as well, before it completes the online payment: paid twice.
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=invoice.total_gross,
        received_on=invoice.issue_date,
        reference="bank",
        actor=coordinator,
    )
    session = fake_stripe.pay(started.attempt.stripe_session_id, "paid")
    pi = fake_stripe.objects[session["payment_intent"]]
    assert post_event(invoice.coop, fake_stripe.event_build("payment_intent.succeeded", pi)).status_code == 200
    receipt = UnallocatedReceipt.objects.get()
    assert receipt.channel == UnallocatedReceipt.Channel.STRIPE
    resolution = receipt_refund(
        coop=invoice.coop, receipt_id=receipt.pk, amount=receipt.amount, reason="Twee keer betaald", actor=coordinator
    )
    assert resolution.stripe_refund_id.startswith("re_")
    charge = fake_stripe.objects[pi["latest_charge"]]
    assert charge["amount_refunded"] == cents(invoice)
    clearing = Account.objects.get(coop=invoice.coop, code=AccountCode.STRIPE_CLEARING)
    assert account_balance(clearing).amount == 0  # Stripe holds nothing any more
    # Stripe then tells us about that refund: nothing is booked again, no payment appears.
    before, anomalies = _state(), PaymentAnomaly.objects.count()
    response = post_event(invoice.coop, fake_stripe.event_build("charge.refunded", charge))
    assert response.content == b"ignored"
    assert (_state(), PaymentAnomaly.objects.count()) == (before, anomalies)
    assert account_balance(clearing).amount == 0
    assert trial_balance(invoice.coop).total.amount == 0


# --- bad input: a translated message, nothing changed -----------------------------------------------
def test_allocating_more_than_is_unallocated_is_refused(overpaid, next_invoice, coordinator):
    before = _state()
    with translation.override("en"), pytest.raises(PaymentError) as exc:
        receipt_allocate(
            coop=overpaid.coop,
            receipt_id=overpaid.pk,
            invoice_id=next_invoice.pk,
            amount=eur("100.01"),
            actor=coordinator,
        )
    assert "still unallocated" in str(exc.value)
    assert _state() == before


def test_allocating_to_another_business_invoice_is_refused(overpaid, kanaleneiland, fatima, coordinator):
    from tests.factories import UserFactory, business_with_contact

    other, _contact = business_with_contact(kanaleneiland, UserFactory(email="x@fietsen.example.nl"))
    other_invoice = issued_invoice(coop=kanaleneiland, business=other, member=fatima, day=NEXT_WORK_DAY)
    before = _state()
    with translation.override("nl"), pytest.raises(PaymentError) as exc:
        receipt_allocate(
            coop=overpaid.coop,
            receipt_id=overpaid.pk,
            invoice_id=other_invoice.pk,
            amount=eur("10.00"),
            actor=coordinator,
        )
    assert other_invoice.number in str(exc.value)
    assert _state() == before


def test_allocating_to_another_coops_invoice_is_refused(overpaid, lunetten_invoice, coordinator):
    before = _state()
    with pytest.raises(PaymentError):
        receipt_allocate(
            coop=overpaid.coop,
            receipt_id=overpaid.pk,
            invoice_id=lunetten_invoice.pk,
            amount=eur("10.00"),
            actor=coordinator,
        )
    assert _state() == before


def test_allocating_the_same_money_twice_is_refused(overpaid, next_invoice, coordinator):
    receipt_allocate(
        coop=overpaid.coop, receipt_id=overpaid.pk, invoice_id=next_invoice.pk, amount=eur("100.00"), actor=coordinator
    )
    before = _state()
    with translation.override("en"), pytest.raises(PaymentError) as exc:
        receipt_allocate(
            coop=overpaid.coop,
            receipt_id=overpaid.pk,
            invoice_id=next_invoice.pk,
            amount=eur("100.00"),
            actor=coordinator,
        )
    assert "already been allocated" in str(exc.value)
    assert _state() == before


def test_writing_off_without_a_reason_or_refunding_too_much_is_refused(overpaid, coordinator):
    before = _state()
    with pytest.raises(PaymentError):
        receipt_write_off(
            coop=overpaid.coop, receipt_id=overpaid.pk, amount=eur("10.00"), reason=" ", actor=coordinator
        )
    with pytest.raises(PaymentError):
        receipt_refund(coop=overpaid.coop, receipt_id=overpaid.pk, amount=eur("100.01"), reason="x", actor=coordinator)
    assert _state() == before


# --- the office pages -------------------------------------------------------------------------------
def test_office_story_overpay_list_allocate_with_trial_balance_zero_throughout(
    client, invoice, next_invoice, coordinator
):
    """Done-when of issue 10: a business overpays by EUR 100; the office allocates it to its next invoice."""
    coop = invoice.coop
    client.force_login(coordinator)
    assert trial_balance(coop).total.amount == 0
    upload = SimpleUploadedFile("mar.csv", _overpay_csv(invoice, Decimal("100.00")), content_type="text/csv")
    response = client.post(reverse("payments:office_bank_import"), {"file": upload})
    assert response.status_code == 200
    assert [r.amount for r in response.context["result"].unallocated] == [eur("100.00")]
    # The office menu links there, and so does the import's "place it now".
    assert response.content.decode().count(f'href="{reverse("payments:office_receipts")}"') == 2
    assert trial_balance(coop).total.amount == 0

    response = client.get(reverse("payments:office_receipts"))
    assert response.status_code == 200
    receipt = UnallocatedReceipt.objects.get()
    page = response.content.decode()
    assert str(invoice.business) in page
    assert reverse("payments:office_receipt_detail", args=[receipt.pk]) in page

    detail = client.get(reverse("payments:office_receipt_detail", args=[receipt.pk]))
    assert next_invoice.number in detail.content.decode()
    assert invoice.number not in [c for c, _l in detail.context["allocate_form"].fields["invoice"].choices]
    response = client.post(
        reverse("payments:office_receipt_detail", args=[receipt.pk]),
        {"action": "allocate", "allocate-invoice": next_invoice.pk, "allocate-amount": "100.00"},
    )
    assert response.status_code == 302
    assert trial_balance(coop).total.amount == 0
    assert _suspense(coop) == 0
    assert InvoiceSettlement.objects.get(invoice=next_invoice).amount_paid == eur("100.00")
    assert UnallocatedReceipt.objects.get().amount_resolved == eur("100.00")
    assert receipt.pk not in [r.pk for r in client.get(reverse("payments:office_receipts")).context["receipts"]]


def test_office_allocation_of_too_much_shows_the_error_and_changes_nothing(client, overpaid, next_invoice, coordinator):
    client.force_login(coordinator)
    before = _state()
    with translation.override("nl"):
        response = client.post(
            reverse("payments:office_receipt_detail", args=[overpaid.pk]),
            {"action": "allocate", "allocate-invoice": next_invoice.pk, "allocate-amount": "150.00"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert response.status_code == 400
    assert _state() == before


def test_outsider_and_board_member_cannot_see_unallocated_money(client, overpaid, outsider, board_member):
    for user in (outsider, board_member):
        client.force_login(user)
        assert client.get(reverse("payments:office_receipts")).status_code == 403
        assert client.get(reverse("payments:office_receipt_detail", args=[overpaid.pk])).status_code == 403


def test_other_coops_coordinator_gets_404_for_a_receipt(client, overpaid, lunetten_coordinator):
    client.force_login(lunetten_coordinator)
    assert client.get(reverse("payments:office_receipt_detail", args=[overpaid.pk])).status_code == 404


def _unknown_lines(count: int, start: int) -> bytes:
    rows = [f"2026-03-21,{n + 1}.00,Buurman {n},,Gift {n}" for n in range(start, start + count)]
    return ("date,amount,counterparty,iban,description\n" + "\n".join(rows) + "\n").encode()


def test_unallocated_money_page_costs_the_same_queries_for_1_and_50_rows(client, invoice, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    bank_statement_import(coop=invoice.coop, actor=coordinator, filename="a.csv", content=_unknown_lines(1, 0))
    client.get(reverse("payments:office_receipts"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse("payments:office_receipts")).context["receipts"]) == 1
    bank_statement_import(coop=invoice.coop, actor=coordinator, filename="b.csv", content=_unknown_lines(49, 1))
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(reverse("payments:office_receipts")).context["receipts"]) == 50
    assert len(fifty) == len(one)
