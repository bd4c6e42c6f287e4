"""Share money that goes through wages and payout batches: refunds after leaving, and shares paid from wages.

Refunds: the board approved them one by one (`members.services.share_refund_approve`, after the
rulebook's term); a coordinator puts every approved refund into one SEPA batch of kind "shares", and a
DIFFERENT board member approves that batch on the payout page, which writes the pain.001 file and posts
Dr shares refundable (member) / Cr bank. A cancelled batch gives its refunds back to the next batch.

Wage deduction: a member who agreed (and whose coop's rulebook allows it) pays what they still owe on
their share from the wages the coop owes them; the sweep books it before wages are paid out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.ledger.models import Account, AccountCode, LedgerLeg
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.book import Rulebook
from invoicing.models import PayoutBatch, PayoutItem
from invoicing.payments.exceptions import PayoutError
from invoicing.payments.payouts import PayoutLine, payout_batch_prepare
from members.models import MemberShare, SharePayment
from members.selectors import AuditContext
from members.services.shares import share_paid_total, share_payment_record


def share_refunds_to_pay(coop: Cooperative) -> QuerySet[MemberShare]:
    """Approved refunds no live batch pays: not batched yet, or in a batch that was cancelled."""
    cancelled_items = PayoutItem.objects.filter(
        batch__coop=coop, batch__kind=PayoutBatch.Kind.SHARES, batch__status=PayoutBatch.Status.CANCELLED
    ).values("pk")
    return (
        MemberShare.objects.filter(coop=coop)
        .filter(
            Q(status=MemberShare.Status.REFUND_APPROVED)
            | Q(status=MemberShare.Status.IN_BATCH, refund_payout_item_id__in=cancelled_items)
        )
        .select_related("member")
        .order_by("pk")
    )


def share_refund_batch_prepare(*, coop: Cooperative, actor: Any, execution_date: dt.date | None = None) -> PayoutBatch:
    """Put every approved share refund into one SEPA batch (a different board member approves it).

    Raises PayoutError (not a coordinator, nothing approved), InvalidPayeeIban.
    """
    with transaction.atomic():
        shares = list(share_refunds_to_pay(coop).select_for_update(of=("self",)))
        if not shares:
            raise PayoutError(_("No share refund is approved and waiting for payment."))
        lines = [
            PayoutLine(
                payee_name=s.member.full_name,
                iban=s.member.iban,
                amount=eur(s.refund_amount or 0),
                member_id=s.member_id,
                description=(_("Refund of share capital, member %(number)s") % {"number": s.member.member_number})[
                    :140
                ],
            )
            for s in shares
        ]
        batch = payout_batch_prepare(
            coop=coop,
            actor=actor,
            period_end=timezone.localdate(),
            kind=PayoutBatch.Kind.SHARES,
            items=lines,
            execution_date=execution_date,
        )
        by_e2e = {item.end_to_end_id: item for item in batch.items.all()}
        for index, share in enumerate(shares, start=1):
            old = share.status
            share.status = MemberShare.Status.IN_BATCH
            share.refund_payout_item_id = by_e2e[f"WK{batch.pk}-{index}"].pk
            share.save(update_fields=["status", "refund_payout_item_id"])
            audit_record(
                actor=actor,
                action="share.refund_batched",
                subject=share,
                coop=coop,
                data={"old": old, "new": share.status, "batch": batch.pk, "amount": str(share.refund_amount)},
            )
    return batch


def _wages_free_to_deduct(coop: Cooperative, member_id: int) -> Decimal:
    """Wages payable to the member, minus what prepared (not yet approved) wage batches already claim."""
    account = Account.objects.filter(coop=coop, code=AccountCode.WAGES_PAYABLE, member_id=member_id).first()
    if account is None:
        return Decimal(0)
    sums = LedgerLeg.objects.filter(account=account).aggregate(c=Sum("credit"), d=Sum("debit"))
    pending = PayoutItem.objects.filter(
        batch__coop=coop,
        batch__kind=PayoutBatch.Kind.WAGES,
        batch__status=PayoutBatch.Status.PREPARED,
        member_id=member_id,
    ).aggregate(s=Sum("amount"))["s"]
    return Decimal(sums["c"] or 0) - Decimal(sums["d"] or 0) - Decimal(pending or 0)


def share_wages_deduct(*, share_id: int) -> SharePayment | None:
    """Pay what is still owed on one share from the member's wages, as far as they go; None if nothing to do.

    Safe to run twice: the share row is locked and what is still owed is read again under the lock.
    """
    with transaction.atomic():
        share = MemberShare.objects.select_for_update(of=("self",)).select_related("coop", "member").get(pk=share_id)
        if share.status != MemberShare.Status.OWED or share.wage_deduction_agreed_at is None:
            return None
        today = timezone.localdate()
        if not Rulebook.for_coop(share.coop).value("share_wage_deduction_allowed", on=today):
            return None
        owed = Decimal(share.total.amount) - Decimal(share_paid_total(share).amount)
        amount = min(owed, _wages_free_to_deduct(share.coop, share.member_id))
        if amount <= 0:
            return None
        return share_payment_record(
            ctx=AuditContext.system(), share=share, amount=eur(amount), method=SharePayment.Method.WAGES, paid_on=today
        )


def share_ids_for_wage_deduction() -> list[int]:
    """Shares still owed whose member agreed to pay from wages (for the periodic sweep)."""
    return list(
        MemberShare.objects.filter(status=MemberShare.Status.OWED, wage_deduction_agreed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
