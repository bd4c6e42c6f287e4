"""The SEPA file's MsgId is the payout batch's own id, and the file stays valid against ISO 20022."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from invoicing import sepa
from invoicing.models import PayoutBatch
from invoicing.payments.payouts import payout_batch_approve, payout_batch_prepare

pytestmark = pytest.mark.django_db

# Byte for byte the ISO 20022 schema kept in the shared reference folder (sepa/pain.001.001.03.xsd).
XSD = Path(__file__).with_name("pain.001.001.03.xsd")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DEBTOR = sepa.Debtor(name="Wijkcoöperatie Kanaleneiland U.A.", iban="NL91ABNA0417164300", bic="")
TRANSFER = sepa.Transfer(
    name="Fatima El Amrani",
    iban="NL20INGB0001234567",
    bic="",
    amount_cents=12345,
    description="Loon maart 2026",
    end_to_end_id="WK-1-1",
)


def _msg_id(xml: bytes) -> str | None:
    return etree.fromstring(xml).findtext(".//p:GrpHdr/p:MsgId", namespaces=NS)


def _valid(xml: bytes) -> bool:
    return bool(xmlschema.XMLSchema(str(XSD)).is_valid(xml.decode()))


def test_message_id_is_the_one_given_and_the_file_is_valid():
    xml = sepa.credit_transfer_xml(
        debtor=DEBTOR, transfers=[TRANSFER], execution_date=dt.date(2026, 4, 1), message_id="WK-4711"
    )
    assert _msg_id(xml) == "WK-4711"
    assert _valid(xml)


def test_two_files_for_the_same_batch_carry_the_same_message_id():
    files = [
        sepa.credit_transfer_xml(
            debtor=DEBTOR, transfers=[TRANSFER], execution_date=dt.date(2026, 4, 1), message_id="WK-12"
        )
        for _ in range(2)
    ]
    assert {_msg_id(xml) for xml in files} == {"WK-12"}


@pytest.mark.parametrize("message_id", ["", "x" * 36, "WK_12", "WK-12 ", "WK-ü"])
def test_message_id_that_the_schema_or_sepa_refuses_is_an_error(message_id):
    with pytest.raises(sepa.SepaError):
        sepa.credit_transfer_xml(
            debtor=DEBTOR, transfers=[TRANSFER], execution_date=dt.date(2026, 4, 1), message_id=message_id
        )


def test_approved_batch_file_has_the_batch_id_as_message_id(invoice, coordinator, board_member):
    batch = payout_batch_prepare(coop=invoice.coop, actor=coordinator, period_end=dt.date(2026, 3, 31))
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    batch = PayoutBatch.objects.get(pk=batch.pk)
    xml = batch.sepa_file.read()

    assert _msg_id(xml) == f"WK-{batch.pk}" == batch.sepa_message_id
    assert _valid(xml)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(xml))


def test_a_long_coop_slug_does_not_push_the_message_id_past_35_characters(invoice, coordinator, board_member):
    coop = invoice.coop
    coop.slug = "wijkcooperatie-kanaleneiland-en-omstreken-utrecht"
    coop.save(update_fields=["slug"])
    batch = payout_batch_prepare(coop=coop, actor=coordinator, period_end=dt.date(2026, 3, 31))
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    batch = PayoutBatch.objects.get(pk=batch.pk)
    assert batch.status == PayoutBatch.Status.APPROVED
    assert _msg_id(batch.sepa_file.read()) == batch.sepa_message_id == f"WK-{batch.pk}"
