"""A fund payout: proposed, decided by the board (below its limit), paid in a SEPA batch that passes the schema."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from coop.governance.models import FundPayout, Proposal
from coop.governance.selectors import fund_available, fund_balance
from coop.governance.services import fund_payout_batch_prepare, proposal_close, proposal_create, vote_cast
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.money import eur
from invoicing.models import PayoutBatch
from invoicing.payments.exceptions import PayoutError
from invoicing.payments.payouts import payout_batch_approve, payout_batch_cancel

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parents[1] / "invoicing" / "payments" / "pain.001.001.03.xsd"


@pytest.fixture
def fund(kanaleneiland):
    fund = account_get_or_create(coop=kanaleneiland, code=AccountCode.FUND)
    bank = account_get_or_create(coop=kanaleneiland, code=AccountCode.BANK)
    ledger_post(
        coop=kanaleneiland,
        occurred_on=dt.date(2026, 11, 1),
        description="fund share of invoices",
        legs=[Leg(account=bank, debit=eur("1000.00")), Leg(account=fund, credit=eur("1000.00"))],
    )


@pytest.fixture
def greening(kanaleneiland, fatima, fund, board_member, second_board_member):
    return proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.FUND_PAYOUT,
        title="Plants for the flats",
        summary="Green the entrance of the Marshalllaan flats.",
        payout_amount=eur("400.00"),
        payout_purpose="Plants and pots",
        beneficiary_name="Bewonersgroep Marshalllaan",
        beneficiary_iban="NL91ABNA0417164300",
    )


def _close(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    return proposal_close(proposal_id=proposal.pk)


def test_a_payout_decided_by_the_board_is_paid_by_sepa_and_leaves_the_fund(
    greening, board_member, second_board_member, coordinator, kanaleneiland
):
    assert greening.body == Proposal.Body.BOARD
    assert set(greening.electors.values_list("user_id", flat=True)) == {board_member.pk, second_board_member.pk}
    for person in (board_member, second_board_member):
        vote_cast(proposal=greening, voter=person, choice="for", actor=person)
    assert _close(greening).passed
    payout = FundPayout.objects.get(proposal=greening)
    assert fund_available(kanaleneiland) == eur("600.00")  # promised, not yet paid
    batch = fund_payout_batch_prepare(coop=kanaleneiland, actor=coordinator)
    assert batch.kind == PayoutBatch.Kind.FUND and batch.total == eur("400.00")
    payout.refresh_from_db()
    assert payout.status == FundPayout.Status.IN_BATCH and payout.payout_item.iban == "NL91ABNA0417164300"
    batch = payout_batch_approve(batch_id=batch.pk, actor=second_board_member)
    xml = etree.fromstring(batch.sepa_file.read())
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(xml)
    assert fund_balance(kanaleneiland) == eur("600.00")
    assert fund_available(kanaleneiland) == eur("600.00")
    with pytest.raises(PayoutError):  # nothing left to pay
        fund_payout_batch_prepare(coop=kanaleneiland, actor=coordinator)


def test_a_cancelled_batch_gives_the_payout_back_to_the_next_batch(
    greening, board_member, second_board_member, coordinator, kanaleneiland
):
    for person in (board_member, second_board_member):
        vote_cast(proposal=greening, voter=person, choice="for", actor=person)
    _close(greening)
    first = fund_payout_batch_prepare(coop=kanaleneiland, actor=coordinator)
    payout_batch_cancel(batch_id=first.pk, actor=second_board_member)
    assert fund_available(kanaleneiland) == eur("600.00")
    second = fund_payout_batch_prepare(coop=kanaleneiland, actor=coordinator)
    assert second.pk != first.pk and second.total == eur("400.00")


def test_a_passed_payout_that_no_longer_fits_the_fund_is_rejected(
    greening, board_member, second_board_member, fatima, kanaleneiland
):
    # A second payout promised meanwhile uses most of the fund: the first may not push it below zero.
    other = proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.FUND_PAYOUT,
        title="Party",
        summary="Street party",
        payout_amount=eur("450.00"),
        payout_purpose="Party",
        beneficiary_name="Feestcommissie",
        beneficiary_iban="NL91ABNA0417164300",
    )
    for proposal in (other, greening):
        for person in (board_member, second_board_member):
            vote_cast(proposal=proposal, voter=person, choice="for", actor=person)
    FundPayout.objects.create(coop=kanaleneiland, proposal=other, amount=eur("700.00"))  # promised elsewhere
    tally = _close(greening)
    greening.refresh_from_db()
    assert tally.passed and greening.status == Proposal.Status.REJECTED
    assert not FundPayout.objects.filter(proposal=greening).exists()


def test_only_a_coordinator_prepares_the_fund_batch(greening, board_member, second_board_member, kanaleneiland):
    for person in (board_member, second_board_member):
        vote_cast(proposal=greening, voter=person, choice="for", actor=person)
    _close(greening)
    with pytest.raises(PayoutError):
        fund_payout_batch_prepare(coop=kanaleneiland, actor=board_member)
    assert not PayoutBatch.objects.exists()
    assert FundPayout.objects.get(proposal=greening).status == FundPayout.Status.APPROVED
