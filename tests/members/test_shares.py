"""The share register: issued at admission, paid by bank or from wages, repaid after leaving through a
payout batch (board decides, four eyes, SEPA pain.001); every step posts the books and they stay balanced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coop.ledger.models import Account, AccountCode, LedgerTransaction
from coop.ledger.selectors import account_balance, trial_balance
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.models import AuditEvent
from coop.money import eur
from coop.rulebook.models import RuleVersion
from invoicing.models import PayoutBatch
from invoicing.payments.exceptions import FourEyesViolation, PayoutError
from invoicing.payments.payouts import payout_batch_approve, payout_batch_cancel
from invoicing.payments.shares import share_refund_batch_prepare, share_wages_deduct
from invoicing.tasks import share_wage_deductions_task
from members.exceptions import MembershipError, ShareError
from members.models import Member, MemberShare, Role, SharePayment
from members.selectors import AuditContext, share_list_for_member, share_register_list
from members.services import (
    member_admit,
    member_leave,
    share_payment_record,
    share_refund_approve,
    share_wage_deduction_agree,
)
from members.services.shares import months_after
from tests.factories import rule_version_decided, staff_user

pytestmark = pytest.mark.django_db

CTX = AuditContext.system()


def _balance(coop, code, member=None):
    account = Account.objects.filter(coop=coop, code=code, member_id=member.pk if member else None).first()
    return account_balance(account).amount if account else Decimal(0)


def _state(coop):
    return (
        list(MemberShare.objects.order_by("pk").values_list("status", "refund_approved_at", "refund_payout_item_id")),
        SharePayment.objects.count(),
        LedgerTransaction.objects.filter(coop=coop).count(),
        PayoutBatch.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def second_board_member(kanaleneiland):
    return staff_user(kanaleneiland, Role.Kind.BOARD, email="mirjam@example.nl", first_name="Mirjam")


@pytest.fixture
def admitted(kanaleneiland, applicant):
    """An applicant admitted today, share owed (the founding rulebook: €25.00, refund 6 months after leaving)."""
    return member_admit(ctx=CTX, member=applicant, share_capital_paid=False)


def _leave_long_ago(member, months=7):
    """Leave, then move the leaving date back so the refund term has passed (the rulebook's 6 months)."""
    member_leave(ctx=CTX, member=member, reason="moving")
    share = member.shares.get()
    left = timezone.localdate() - dt.timedelta(days=31 * months)
    MemberShare.objects.filter(pk=share.pk).update(left_on=left, refund_due_on=months_after(left, 6))
    share.refresh_from_db()
    return share


def test_admission_issues_a_share_and_posts_it_as_owed(kanaleneiland, admitted):
    share = admitted.shares.get()
    assert (share.quantity, share.nominal_value, share.total) == (1, eur("25.00"), eur("25.00"))
    assert share.issued_on == timezone.localdate() and share.status == MemberShare.Status.OWED
    assert _balance(kanaleneiland, AccountCode.SHARES_RECEIVABLE, admitted) == Decimal("25.00")
    assert _balance(kanaleneiland, AccountCode.SHARE_CAPITAL) == Decimal("25.00")
    assert trial_balance(kanaleneiland).total.amount == 0
    assert AuditEvent.objects.filter(action="share.issued", subject_id=str(share.pk)).exists()


def test_paid_at_the_desk_on_admission_books_the_bank(kanaleneiland, applicant):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    share = applicant.shares.get()
    assert share.status == MemberShare.Status.PAID
    assert _balance(kanaleneiland, AccountCode.SHARES_RECEIVABLE, applicant) == 0
    assert _balance(kanaleneiland, AccountCode.BANK) == Decimal("25.00")
    assert trial_balance(kanaleneiland).total.amount == 0


def test_a_coordinator_books_a_bank_payment_in_parts(client, kanaleneiland, coordinator, admitted):
    share = admitted.shares.get()
    client.force_login(coordinator)
    url = reverse("office_share_payment", args=[share.pk])
    client.post(url, {"amount": "10.00", "paid_on": timezone.localdate().isoformat()})
    share.refresh_from_db()
    assert share.status == MemberShare.Status.OWED
    client.post(url, {"amount": "15.00", "paid_on": timezone.localdate().isoformat()})
    share.refresh_from_db()
    assert share.status == MemberShare.Status.PAID
    assert list(share.payments.values_list("method", flat=True)) == ["bank", "bank"]
    assert _balance(kanaleneiland, AccountCode.BANK) == Decimal("25.00")
    assert _balance(kanaleneiland, AccountCode.SHARES_RECEIVABLE, admitted) == 0
    assert trial_balance(kanaleneiland).total.amount == 0


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("30.00", 0, "Only €25.00 is still owed on this share."),
        ("-1.00", 0, "Enter an amount of more than zero."),
        ("10.00", 2, "A payment cannot be in the future."),
    ],
)
def test_a_bad_share_payment_is_refused_and_changes_nothing(kanaleneiland, admitted, amount, paid_on, message):
    share = admitted.shares.get()
    before = _state(kanaleneiland)
    with translation.override("en"), pytest.raises(ShareError) as exc:
        share_payment_record(
            ctx=CTX,
            share=share,
            amount=eur(amount),
            paid_on=timezone.localdate() + dt.timedelta(days=paid_on),
        )
    assert message in exc.value.messages[0].replace("\xa0", " ")
    assert _state(kanaleneiland) == before


def test_a_paid_share_takes_no_more_money(kanaleneiland, applicant):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    before = _state(kanaleneiland)
    with translation.override("en"), pytest.raises(ShareError) as exc:
        share_payment_record(ctx=CTX, share=applicant.shares.get(), amount=eur("1.00"))
    assert exc.value.messages == ["Nothing is owed on this share."]
    assert _state(kanaleneiland) == before


def _wages_owed(coop, member, amount):
    ledger_post(
        coop=coop,
        occurred_on=timezone.localdate(),
        description="wages",
        legs=[
            Leg(account=account_get_or_create(coop=coop, code=AccountCode.OPERATING), debit=eur(amount)),
            Leg(
                account=account_get_or_create(coop=coop, code=AccountCode.WAGES_PAYABLE, member_id=member.pk),
                credit=eur(amount),
            ),
        ],
    )


def test_first_wages_pay_the_share_when_the_member_agrees(kanaleneiland, applicant):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=False, wage_deduction_agreed=True)
    share = applicant.shares.get()
    assert share.wage_deduction_agreed_at is not None
    _wages_owed(kanaleneiland, applicant, "18.00")
    assert share_wage_deductions_task.delay().get() == 1
    share.refresh_from_db()
    assert share.status == MemberShare.Status.OWED  # €18 of €25 paid; the rest from the next wages
    _wages_owed(kanaleneiland, applicant, "40.00")
    share_wages_deduct(share_id=share.pk)
    share.refresh_from_db()
    assert share.status == MemberShare.Status.PAID
    assert [p.amount for p in share.payments.all()] == [eur("18.00"), eur("7.00")]
    assert {p.method for p in share.payments.all()} == {SharePayment.Method.WAGES}
    assert _balance(kanaleneiland, AccountCode.WAGES_PAYABLE, applicant) == Decimal("33.00")
    assert trial_balance(kanaleneiland).total.amount == 0
    assert share_wages_deduct(share_id=share.pk) is None  # twice: nothing more


def test_wages_pay_nothing_without_the_members_consent(kanaleneiland, admitted):
    _wages_owed(kanaleneiland, admitted, "50.00")
    assert share_wages_deduct(share_id=admitted.shares.get().pk) is None
    assert SharePayment.objects.count() == 0


def test_paying_from_wages_is_refused_when_the_rulebook_does_not_allow_it(client, kanaleneiland, admitted):
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=timezone.localdate(),
        changes={"share_wage_deduction_allowed": False},
        source=RuleVersion.Source.VOTE,
    )
    before = _state(kanaleneiland)
    with translation.override("en"), pytest.raises(ShareError) as exc:
        share_wage_deduction_agree(ctx=CTX, member=admitted)
    assert "do not allow paying the share from wages" in exc.value.messages[0]
    assert admitted.shares.get().wage_deduction_agreed_at is None
    assert _state(kanaleneiland) == before


def test_the_member_agrees_on_their_shares_page(client, kanaleneiland, admitted):
    client.force_login(admitted.user)
    page = client.get(reverse("member_shares"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "My shares" in body and "Not paid yet" in body and "€25.00" in body.replace("\xa0", "")
    client.post(reverse("member_shares"))
    assert admitted.shares.get().wage_deduction_agreed_at is not None


def test_leaving_makes_the_paid_share_repayable_and_cancels_an_unpaid_one(kanaleneiland, applicant, fatima):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    member_leave(ctx=CTX, member=applicant, reason="moving")
    share = applicant.shares.get()
    assert share.status == MemberShare.Status.REFUND_DUE and share.refund_amount == eur("25.00")
    assert share.left_on == timezone.localdate()
    assert share.refund_due_on == months_after(timezone.localdate(), 6)
    assert _balance(kanaleneiland, AccountCode.SHARES_REFUNDABLE, applicant) == Decimal("25.00")
    assert _balance(kanaleneiland, AccountCode.SHARE_CAPITAL) == 0

    other = Member.objects.get(pk=fatima.pk)
    other.status = Member.Status.APPLIED
    other.save(update_fields=["status"])
    member_admit(ctx=CTX, member=other, share_capital_paid=False)
    member_leave(ctx=CTX, member=other)
    assert other.shares.get().status == MemberShare.Status.CANCELLED
    assert _balance(kanaleneiland, AccountCode.SHARES_RECEIVABLE, other) == 0
    assert trial_balance(kanaleneiland).total.amount == 0


def test_a_share_refund_before_the_rulebooks_term_is_refused(kanaleneiland, applicant, board_member):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    member_leave(ctx=CTX, member=applicant)
    share = applicant.shares.get()
    before = _state(kanaleneiland)
    with translation.override("en"), pytest.raises(ShareError) as exc:
        share_refund_approve(actor=board_member, share=share)
    assert exc.value.code == "too_early"
    due = months_after(timezone.localdate(), 6).strftime("%d-%m-%Y")
    assert exc.value.messages == [
        f"The rules of this coop allow a refund only from {due}, 6 months after leaving. Try again from that date."
    ]
    assert _state(kanaleneiland) == before


def test_only_the_board_decides_on_a_refund(kanaleneiland, applicant, coordinator):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    share = _leave_long_ago(applicant)
    before = _state(kanaleneiland)
    with pytest.raises(ShareError):
        share_refund_approve(actor=coordinator, share=share)
    assert _state(kanaleneiland) == before


def test_a_member_leaves_and_gets_their_share_back_in_a_payout_batch(
    kanaleneiland, applicant, board_member, second_board_member, coordinator
):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    share = _leave_long_ago(applicant)
    share_refund_approve(actor=board_member, share=share)
    share.refresh_from_db()
    assert share.status == MemberShare.Status.REFUND_APPROVED and share.refund_approved_by == board_member

    batch = share_refund_batch_prepare(coop=kanaleneiland, actor=coordinator)
    assert batch.kind == PayoutBatch.Kind.SHARES and batch.total == eur("25.00")
    item = batch.items.get()
    assert (item.member_id, item.iban) == (applicant.pk, applicant.iban.replace(" ", ""))
    share.refresh_from_db()
    assert share.status == MemberShare.Status.IN_BATCH and share.refund_payout_item_id == item.pk
    assert share_list_for_member(applicant)[0].refunded_on is None

    with pytest.raises(FourEyesViolation):
        payout_batch_approve(batch_id=batch.pk, actor=coordinator)
    payout_batch_approve(batch_id=batch.pk, actor=second_board_member)
    batch.refresh_from_db()
    xml = batch.sepa_file.read().decode()
    assert "pain.001" in xml and '<InstdAmt Ccy="EUR">25.00</InstdAmt>' in xml
    assert _balance(kanaleneiland, AccountCode.SHARES_REFUNDABLE, applicant) == 0
    assert _balance(kanaleneiland, AccountCode.BANK) == 0  # paid in 25, paid back 25
    assert trial_balance(kanaleneiland).total.amount == 0
    row = share_list_for_member(applicant)[0]
    with translation.override("en"):
        assert row.refunded_on == timezone.localdate() and row.status_label == "Refunded"


def test_a_cancelled_refund_batch_gives_the_refund_to_the_next_batch(
    kanaleneiland, applicant, board_member, second_board_member, coordinator
):
    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    share_refund_approve(actor=board_member, share=_leave_long_ago(applicant))
    first = share_refund_batch_prepare(coop=kanaleneiland, actor=coordinator)
    payout_batch_approve(batch_id=first.pk, actor=second_board_member)
    payout_batch_cancel(batch_id=first.pk, actor=coordinator)
    assert share_list_for_member(applicant)[0].refunded_on is None
    second = share_refund_batch_prepare(coop=kanaleneiland, actor=coordinator)
    assert second.items.get().member_id == applicant.pk
    with pytest.raises(PayoutError):
        share_refund_batch_prepare(coop=kanaleneiland, actor=coordinator)  # nothing left to batch
    assert trial_balance(kanaleneiland).total.amount == 0


def test_the_board_sees_the_register_and_downloads_it_as_csv(client, kanaleneiland, board_member, applicant, fatima):
    applicant = member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    client.force_login(board_member)
    page = client.get(reverse("office_share_register"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Share register" in page.content.decode() and applicant.full_name in page.content.decode()
    csv_response = client.get(reverse("office_share_register_csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("member_number;name;quantity;nominal_value;total;issued_on;paid;open;status")
    today = timezone.localdate().isoformat()
    assert f"{applicant.member_number};{applicant.full_name};1;25.00;25.00;{today};25.00;0.00;paid;;;;" in lines


def test_the_register_costs_the_same_queries_for_one_and_for_many(
    django_assert_max_num_queries, kanaleneiland, applicant
):
    from tests.factories import AppliedMemberFactory

    member_admit(ctx=CTX, member=applicant, share_capital_paid=True)
    with django_assert_max_num_queries(3):
        assert len(share_register_list(kanaleneiland)) == 1
    for _ in range(20):
        member_admit(ctx=CTX, member=AppliedMemberFactory(coop=kanaleneiland), share_capital_paid=False)
    with django_assert_max_num_queries(3):
        assert len(share_register_list(kanaleneiland)) == 21


def test_an_outsider_and_a_member_do_not_see_the_register(client, outsider, fatima):
    for user in (outsider, fatima.user):
        client.force_login(user)
        assert client.get(reverse("office_share_register")).status_code == 403
        assert client.get(reverse("office_share_register_csv")).status_code == 403


def test_another_coops_share_is_not_found(client, lunetten_coordinator, kanaleneiland, admitted):
    client.force_login(lunetten_coordinator)
    response = client.post(
        reverse("office_share_payment", args=[admitted.shares.get().pk]),
        {"amount": "25.00", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert SharePayment.objects.count() == 0


def test_only_the_board_suspends_a_member(coordinator, fatima):
    from members.services import member_suspend

    with pytest.raises(MembershipError):
        member_suspend(ctx=AuditContext.for_user(coordinator), member=fatima, reason="x")
