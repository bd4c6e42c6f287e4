"""Payout batches: wages payable from the books, four eyes, a schema-valid pain.001 file, ledger postings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from lxml import etree

from coop.ledger.models import Account, AccountCode, LedgerLeg, LedgerTransaction
from coop.ledger.selectors import account_balance, trial_balance
from coop.money import eur
from invoicing.models import PayoutBatch, PayoutItem
from invoicing.payments.exceptions import FourEyesViolation, InvalidPayeeIban, PayoutError
from invoicing.payments.payouts import (
    PayoutLine,
    payout_batch_approve,
    payout_batch_cancel,
    payout_batch_mark_sent,
    payout_batch_prepare,
)

pytestmark = pytest.mark.django_db

XSD = Path(__file__).with_name("pain.001.001.03.xsd")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
PERIOD_END = dt.date(2026, 3, 31)


def _wages(member) -> Decimal:  # type: ignore[no-untyped-def]
    account = Account.objects.get(coop=member.coop, code=AccountCode.WAGES_PAYABLE, member_id=member.pk)
    return account_balance(account).amount


def _state() -> tuple[int, int, int]:
    return PayoutBatch.objects.count(), PayoutItem.objects.count(), LedgerTransaction.objects.count()


def test_coordinator_prepares_all_wages_payable_per_member(invoice, fatima, coordinator):
    owed = _wages(fatima)
    assert owed > 0
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    item = batch.items.get()
    assert item.member == fatima
    assert item.amount.amount == owed
    assert item.iban == fatima.iban
    assert batch.total.amount == owed
    assert batch.status == PayoutBatch.Status.PREPARED
    # A second prepare does not claim the same wages again.
    with pytest.raises(PayoutError):
        payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)


def test_preparer_cannot_approve_and_nothing_changes(invoice, coordinator_board):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator_board, period_end=PERIOD_END)
    before = _state()
    with translation.override("en"), pytest.raises(FourEyesViolation, match="another board member"):
        payout_batch_approve(batch_id=batch.pk, actor=coordinator_board)
    assert _state() == before
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PREPARED and not batch.sepa_file


def test_preparer_approving_on_the_page_gets_a_clear_message(client, invoice, coordinator_board):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator_board, period_end=PERIOD_END)
    client.force_login(coordinator_board)
    with translation.override("en"):
        response = client.post(
            reverse("payments:office_payout_action", args=[batch.pk, "approve"]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert "another board member must approve" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PREPARED


def test_board_approval_writes_a_valid_sepa_file_and_posts_wages_to_bank(invoice, fatima, coordinator, board_member):
    owed = _wages(fatima)
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.APPROVED
    assert batch.approved_by == board_member
    xml = batch.sepa_file.read()
    # Parse it back: valid against the ISO schema (our own copy, not sepaxml's), sums and IBANs right.
    assert xmlschema.XMLSchema(str(XSD)).is_valid(xml.decode())
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(xml))
    doc = etree.fromstring(xml)
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "1"
    assert Decimal(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == owed
    assert Decimal(doc.findtext(".//p:PmtInf/p:CtrlSum", namespaces=NS)) == owed
    assert doc.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == invoice.coop.iban
    assert [e.text for e in doc.findall(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS)] == [fatima.iban]
    amounts = [Decimal(e.text) for e in doc.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS)]
    assert sum(amounts) == owed
    assert doc.find(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS).get("Ccy") == "EUR"
    assert _wages(fatima) == 0
    bank = Account.objects.get(coop=invoice.coop, code=AccountCode.BANK, party_key="")
    assert LedgerLeg.objects.filter(account=bank).aggregate(c=Sum("credit"))["c"] == owed
    assert trial_balance(invoice.coop).total.amount == 0


def test_sums_and_ibans_over_several_members(kanaleneiland, bakery, fatima, coordinator, board_member):
    from tests.factories import ActiveMemberFactory, UserFactory
    from tests.invoicing.payments.factories import issued_invoice

    other = ActiveMemberFactory(
        user=UserFactory(email="sanne@example.nl"), coop=kanaleneiland, iban="NL20INGB0001234567"
    )
    issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=dt.date(2026, 3, 2))
    issued_invoice(
        coop=kanaleneiland, business=bakery.business, member=other, day=dt.date(2026, 3, 3), hours_end=dt.time(15, 0)
    )
    expected = {fatima.iban: _wages(fatima), other.iban: _wages(other)}
    batch = payout_batch_prepare(coop=kanaleneiland, actor=coordinator, period_end=PERIOD_END)
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    batch.refresh_from_db()
    doc = etree.fromstring(batch.sepa_file.read())
    found = {
        tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS): Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=NS))
        for tx in doc.findall(".//p:CdtTrfTxInf", namespaces=NS)
    }
    assert found == expected
    assert Decimal(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == sum(expected.values())


def test_invalid_member_iban_refuses_the_batch_and_names_the_member(invoice, fatima, coordinator):
    fatima.iban = "NL02ABNA0123456780"  # checksum wrong
    fatima.save(update_fields=["iban"])
    before = _state()
    with translation.override("en"), pytest.raises(InvalidPayeeIban, match="Fatima El Amrani"):
        payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    assert _state() == before


def test_cancel_before_sent_reverses_the_posting(invoice, fatima, coordinator, board_member):
    owed = _wages(fatima)
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    payout_batch_cancel(batch_id=batch.pk, actor=coordinator)
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.CANCELLED
    assert _wages(fatima) == owed
    # The wages can go into a new batch.
    again = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    assert again.total.amount == owed


def test_sent_batch_cannot_be_cancelled(invoice, coordinator, board_member):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    payout_batch_mark_sent(batch_id=batch.pk, actor=board_member)
    before = _state()
    with pytest.raises(PayoutError):
        payout_batch_cancel(batch_id=batch.pk, actor=coordinator)
    assert _state() == before


def test_only_a_board_member_approves(invoice, coordinator, lunetten_coordinator):
    from tests.factories import staff_user

    other_coordinator = staff_user(invoice.coop, email="kees.coord@example.nl")
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    for user in (other_coordinator, lunetten_coordinator):
        with pytest.raises(PayoutError):
            payout_batch_approve(batch_id=batch.pk, actor=user)
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PREPARED


def test_fund_payout_uses_the_same_machinery(kanaleneiland, coordinator, board_member):
    from coop.ledger.services import Leg, account_get_or_create, ledger_post

    # The fund holds money from earlier margins.
    ledger_post(
        coop=kanaleneiland,
        occurred_on=dt.date(2026, 3, 1),
        description="fund",
        legs=[
            Leg(account_get_or_create(coop=kanaleneiland, code=AccountCode.BANK), debit=eur("500.00")),
            Leg(account_get_or_create(coop=kanaleneiland, code=AccountCode.FUND), credit=eur("500.00")),
        ],
    )
    items = [
        PayoutLine(
            payee_name="Speeltuinvereniging Kanaleneiland",
            iban="NL91ABNA0417164300",
            amount=eur("350.00"),
            description="Voorstel 7: nieuwe schommel",
        )
    ]
    batch = payout_batch_prepare(
        coop=kanaleneiland, actor=coordinator, kind="fund", items=items, period_end=dt.date(2026, 3, 31)
    )
    assert batch.kind == PayoutBatch.Kind.FUND
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    fund = Account.objects.get(coop=kanaleneiland, code=AccountCode.FUND)
    assert account_balance(fund).amount == Decimal("150.00")
    batch.refresh_from_db()
    assert xmlschema.XMLSchema(str(XSD)).is_valid(batch.sepa_file.read().decode())


def test_fund_payout_with_invalid_iban_names_the_payee(kanaleneiland, coordinator):
    items = [
        PayoutLine(payee_name="Buurthuis De Brug", iban="NL00XXXX0000000000", amount=eur("10.00"), description="x")
    ]
    with translation.override("en"), pytest.raises(InvalidPayeeIban, match="Buurthuis De Brug"):
        payout_batch_prepare(
            coop=kanaleneiland, actor=coordinator, kind="fund", items=items, period_end=dt.date(2026, 3, 31)
        )
    assert PayoutBatch.objects.count() == 0


def test_payout_pages_flow_and_download(client, invoice, coordinator, board_member):
    client.force_login(coordinator)
    response = client.post(
        reverse("payments:office_payout_prepare"),
        {"period_start": "2026-03-01", "period_end": "2026-03-31", "execution_date": dt.date.today().isoformat()},
    )
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302
    assert client.get(reverse("payments:office_payout_list")).status_code == 200
    client.force_login(board_member)
    assert client.post(reverse("payments:office_payout_action", args=[batch.pk, "approve"])).status_code == 302
    response = client.get(reverse("payments:office_payout_download", args=[batch.pk]))
    assert response.status_code == 200
    assert b"pain.001.001.03" in b"".join(response.streaming_content)


def test_outsider_and_other_coop_cannot_see_payouts(client, invoice, coordinator, outsider, lunetten_coordinator):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    client.force_login(outsider)
    for name, args in (
        ("office_payout_list", []),
        ("office_payout_prepare", []),
        ("office_payout_detail", [batch.pk]),
        ("office_payout_download", [batch.pk]),
    ):
        assert client.get(reverse(f"payments:{name}", args=args)).status_code == 403
    assert client.post(reverse("payments:office_payout_action", args=[batch.pk, "cancel"])).status_code == 403
    client.force_login(lunetten_coordinator)
    assert client.get(reverse("payments:office_payout_detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("payments:office_payout_action", args=[batch.pk, "cancel"])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PREPARED


def test_payout_line_has_the_members_earnings_statement_attached(client, invoice, fatima, coordinator, outsider):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=PERIOD_END)
    item = batch.items.get()
    url = reverse("payments:office_payout_item_statement", args=[batch.pk, item.pk])
    client.force_login(coordinator)
    assert url in client.get(reverse("payments:office_payout_detail", args=[batch.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_fund_payout_larger_than_the_fund_is_refused(kanaleneiland, coordinator, board_member):
    items = [
        {
            "payee_name": "Buurthuis De Brug",
            "iban": "NL91ABNA0417164300",
            "amount": eur("10.00"),
            "description": "Voorstel 9",
        }
    ]
    batch = payout_batch_prepare(
        coop=kanaleneiland, actor=coordinator, kind="fund", items=items, period_end=dt.date(2026, 3, 31)
    )
    before = _state()
    with pytest.raises(PayoutError):
        payout_batch_approve(batch_id=batch.pk, actor=board_member)
    assert _state() == before
