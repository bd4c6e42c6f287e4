"""Payout batches: wages (from the ledger's wages payable) and fund payouts, paid by SEPA file.

prepare (coordinator) -> approve (a DIFFERENT board member: writes the pain.001 file and posts
Dr wages payable / fund, Cr bank) -> sent. Cancel is possible until the batch is marked sent and
reverses the posting; after that a correction is a new batch.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import Account, AccountCode, LedgerLeg
from coop.ledger.services import Leg, account_get_or_create, ledger_post, ledger_reverse
from coop.models import Cooperative
from coop.money import eur
from invoicing import sepa
from invoicing.models import PayoutBatch, PayoutItem
from invoicing.payments.dates import payout_date_problem
from invoicing.payments.exceptions import FourEyesViolation, InvalidPayeeIban, PayoutError
from members.models import Member, Role
from members.selectors import coop_ids_for_role


@dataclass(frozen=True)
class PayoutLine:
    """One payee of a batch, before it is stored (used for fund payouts decided by vote)."""

    payee_name: str
    iban: str
    amount: Money
    description: str
    bic: str = ""
    member_id: int | None = None


def _wage_lines(coop: Cooperative, period_end: dt.date) -> list[PayoutLine]:
    # Per member: wages accrued up to the period end, minus everything already paid out (any date),
    # minus what sits in batches prepared but not yet approved (not posted yet).
    accounts = Account.objects.filter(coop=coop, code=AccountCode.WAGES_PAYABLE, member_id__isnull=False)
    # A reversed posting and its reversal cancel out (a cancelled batch, a credit note's reversal):
    # leave both out, so a reversal dated after the period still gives the wages back.
    legs = LedgerLeg.objects.filter(
        account__in=accounts, transaction__reverses__isnull=True, transaction__reversed_by__isnull=True
    )
    credits = dict(
        legs.filter(credit__isnull=False, transaction__occurred_on__lte=period_end)
        .values_list("account__member_id")
        .annotate(s=Sum("credit"))
        .values_list("account__member_id", "s")
    )
    debits = dict(
        legs.filter(debit__isnull=False)
        .values_list("account__member_id")
        .annotate(s=Sum("debit"))
        .values_list("account__member_id", "s")
    )
    pending = dict(
        PayoutItem.objects.filter(
            batch__coop=coop,
            batch__status=PayoutBatch.Status.PREPARED,
            batch__kind=PayoutBatch.Kind.WAGES,
            member__isnull=False,
        )
        .values_list("member_id")
        .annotate(s=Sum("amount"))
        .values_list("member_id", "s")
    )
    members = Member.objects.in_bulk([m for m in credits if m is not None])
    lines = []
    for member_id, credit in sorted(credits.items()):
        due = Decimal(credit or 0) - Decimal(debits.get(member_id) or 0) - Decimal(pending.get(member_id) or 0)
        member = members.get(member_id)
        if due <= 0 or member is None:
            continue
        lines.append(
            PayoutLine(
                payee_name=member.full_name,
                iban=member.iban,
                amount=eur(due),
                member_id=member.pk,
                description=_("Wages until %(day)s") % {"day": period_end.isoformat()},
            )
        )
    return lines


def _validated_iban(line: PayoutLine) -> str:
    try:
        return sepa.iban_normalize(line.iban)
    except sepa.SepaError as exc:
        raise InvalidPayeeIban(
            _("The IBAN of %(name)s (%(iban)s) is not valid: %(error)s. Correct it and prepare the batch again.")
            % {"name": line.payee_name, "iban": line.iban, "error": exc}
        ) from exc


def payout_batch_prepare(
    *,
    coop: Cooperative,
    actor: Any,
    period_end: dt.date,
    period_start: dt.date | None = None,
    kind: str = PayoutBatch.Kind.WAGES,
    items: list[PayoutLine] | list[dict[str, Any]] | None = None,
    execution_date: dt.date | None = None,
) -> PayoutBatch:
    """Prepare a batch: all wages payable up to `period_end` per member, or the given fund `items`.

    Raises PayoutError (not a coordinator, nothing to pay, a pay date in the past or too far ahead),
    InvalidPayeeIban (names the payee).
    """
    if coop.pk not in coop_ids_for_role(actor, Role.Kind.COORDINATOR):
        raise PayoutError(_("Only a coordinator of this coop can prepare a payout batch."))
    if kind not in PayoutBatch.Kind.values:
        raise PayoutError(_("Unknown payout kind."))
    if kind != PayoutBatch.Kind.WAGES and not items:
        raise PayoutError(_("A fund payout needs at least one payee."))
    problem = payout_date_problem(execution_date=execution_date) if execution_date else ""
    if problem:
        raise PayoutError(problem)
    with transaction.atomic():
        # One preparer at a time per coop, so two batches never claim the same wages.
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        lines = (
            [i if isinstance(i, PayoutLine) else PayoutLine(**i) for i in items]
            if kind != PayoutBatch.Kind.WAGES and items
            else _wage_lines(coop, period_end)
        )
        if not lines:
            raise PayoutError(_("There is nothing to pay out for this period."))
        for line in lines:
            if line.amount.amount <= 0 or str(line.amount.currency) != "EUR":
                raise PayoutError(
                    _("Every payout must be a positive amount in euros (%(name)s).") % {"name": line.payee_name}
                )
            _validated_iban(line)
        total = eur(sum((Decimal(line.amount.amount) for line in lines), Decimal(0)))
        batch = PayoutBatch.objects.create(
            coop=coop,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            execution_date=execution_date or timezone.localdate() + dt.timedelta(days=1),
            total=total,
            item_count=len(lines),
            prepared_by=actor,
        )
        PayoutItem.objects.bulk_create(
            [
                PayoutItem(
                    batch=batch,
                    member_id=line.member_id,
                    payee_name=line.payee_name[:140],
                    iban=_validated_iban(line),
                    bic=line.bic,
                    amount=eur(line.amount),
                    description=line.description[:140],
                    end_to_end_id=f"WK{batch.pk}-{i}",
                )
                for i, line in enumerate(lines, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action="payout.prepared",
            subject=batch,
            coop=coop,
            data={"kind": kind, "total": str(total.amount), "items": len(lines), "period_end": period_end.isoformat()},
        )
    return batch


def _transition(batch: PayoutBatch, new: str, actor: Any, fields: list[str], data: dict[str, Any]) -> None:
    if new not in PayoutBatch.TRANSITIONS[batch.status]:
        raise PayoutError(
            _("A batch that is %(status)s cannot be changed this way.") % {"status": batch.get_status_display()}
        )
    old = batch.status
    batch.status = new
    batch.save(update_fields=["status", *fields])
    audit_record(
        actor=actor, action=f"payout.{new}", subject=batch, coop=batch.coop, data={"old": old, "new": new, **data}
    )


def _lock(batch_id: int) -> PayoutBatch:
    return PayoutBatch.objects.select_for_update(of=("self",)).select_related("coop").get(pk=batch_id)


def payout_batch_approve(*, batch_id: int, actor: Any) -> PayoutBatch:
    """Approve a prepared batch (four eyes), write its SEPA file and post the ledger.

    Raises FourEyesViolation (the preparer), PayoutError (not a board member, wrong status, wages
    no longer payable), InvalidPayeeIban.
    """
    with transaction.atomic():
        batch = _lock(batch_id)
        coop = batch.coop
        if batch.prepared_by_id == getattr(actor, "pk", None):
            raise FourEyesViolation(_("You prepared this batch, so another board member must approve it (four eyes)."))
        if coop.pk not in coop_ids_for_role(actor, Role.Kind.BOARD):
            raise PayoutError(_("Only a board member of this coop can approve a payout batch."))
        if batch.status != PayoutBatch.Status.PREPARED:
            raise PayoutError(_("Only a batch waiting for approval can be approved."))
        items = list(batch.items.select_related("member").order_by("id"))
        for item in items:
            _validated_iban(PayoutLine(item.payee_name, item.iban, item.amount, item.description))
        bank = account_get_or_create(coop=coop, code=AccountCode.BANK)
        legs: list[Leg] = []
        for item in items:
            if batch.kind == PayoutBatch.Kind.WAGES:
                account = account_get_or_create(
                    coop=coop, code=AccountCode.WAGES_PAYABLE, member_id=item.member_id, name=item.payee_name
                )
                balance = LedgerLeg.objects.filter(account=account).aggregate(
                    c=Sum("credit", filter=Q(credit__isnull=False)), d=Sum("debit", filter=Q(debit__isnull=False))
                )
                payable = Decimal(balance["c"] or 0) - Decimal(balance["d"] or 0)
                if Decimal(item.amount.amount) > payable:
                    raise PayoutError(
                        _(
                            "%(name)s is owed %(payable)s in wages now, less than the %(amount)s in this batch. "
                            "Cancel it and prepare a new one."
                        )
                        % {"name": item.payee_name, "payable": eur(payable), "amount": item.amount}
                    )
            elif batch.kind == PayoutBatch.Kind.SHARES:  # share refunds: invoicing.payments.shares
                account = account_get_or_create(coop=coop, code=AccountCode.SHARES_REFUNDABLE, member_id=item.member_id)
            else:
                account = account_get_or_create(coop=coop, code=AccountCode.FUND)
            legs.append(Leg(account=account, debit=item.amount))
        if batch.kind == PayoutBatch.Kind.FUND:
            fund = account_get_or_create(coop=coop, code=AccountCode.FUND)
            fund_legs = LedgerLeg.objects.filter(account=fund).aggregate(c=Sum("credit"), d=Sum("debit"))
            available = Decimal(fund_legs["c"] or 0) - Decimal(fund_legs["d"] or 0)
            if Decimal(batch.total.amount) > available:
                raise PayoutError(
                    _("The neighbourhood fund holds %(available)s, less than the %(total)s in this batch.")
                    % {"available": eur(available), "total": batch.total}
                )
        legs.append(Leg(account=bank, credit=batch.total))
        try:
            xml = sepa.credit_transfer_xml(
                debtor=sepa.Debtor(name=coop.legal_name, iban=coop.iban, bic=coop.bic),
                transfers=[
                    sepa.Transfer(
                        name=i.payee_name,
                        iban=i.iban,
                        bic=i.bic,
                        amount_cents=int(Decimal(i.amount.amount) * 100),
                        description=i.description,
                        end_to_end_id=i.end_to_end_id,
                    )
                    for i in items
                ],
                execution_date=batch.execution_date,
                message_id=f"WK-{batch.pk}",
            )
        except sepa.SepaError as exc:
            raise PayoutError(_("The SEPA file could not be made: %(error)s") % {"error": exc}) from exc
        txn = ledger_post(
            coop=coop,
            occurred_on=timezone.localdate(),
            description=_("Payout batch %(id)s (%(kind)s)") % {"id": batch.pk, "kind": batch.get_kind_display()},
            legs=legs,
            actor=actor,
            source=batch,
            idempotency_key=f"payout-batch:{batch.pk}",
        )
        match = re.search(rb"<MsgId>([^<]+)</MsgId>", xml)
        batch.sepa_message_id = match.group(1).decode() if match else ""
        batch.sepa_file.save(f"sepa-{coop.slug}-{batch.pk}.xml", ContentFile(xml), save=False)
        batch.ledger_transaction = txn
        batch.approved_by = actor
        batch.approved_at = timezone.now()
        _transition(
            batch,
            PayoutBatch.Status.APPROVED,
            actor,
            ["approved_by", "approved_at", "sepa_file", "sepa_message_id", "ledger_transaction"],
            {"total": str(batch.total.amount), "message_id": batch.sepa_message_id},
        )
    return batch


def payout_batch_cancel(*, batch_id: int, actor: Any) -> PayoutBatch:
    """Cancel a batch that was not sent yet; an approved batch's posting is reversed. Raises PayoutError."""
    with transaction.atomic():
        batch = _lock(batch_id)
        if batch.coop_id not in coop_ids_for_role(actor, Role.Kind.COORDINATOR, Role.Kind.BOARD):
            raise PayoutError(_("Only a coordinator or board member of this coop can cancel a batch."))
        if batch.status == PayoutBatch.Status.SENT:
            raise PayoutError(_("This batch was sent to the bank; correct it with a new batch."))
        if batch.ledger_transaction is not None:
            ledger_reverse(
                transaction=batch.ledger_transaction,
                actor=actor,
                description=_("Cancelled payout batch %(id)s") % {"id": batch.pk},
            )
        batch.cancelled_at = timezone.now()
        _transition(batch, PayoutBatch.Status.CANCELLED, actor, ["cancelled_at"], {})
    return batch


def payout_batch_mark_sent(*, batch_id: int, actor: Any) -> PayoutBatch:
    """Record that the SEPA file went to the bank; from now on the batch is final. Raises PayoutError."""
    with transaction.atomic():
        batch = _lock(batch_id)
        if batch.coop_id not in coop_ids_for_role(actor, Role.Kind.COORDINATOR, Role.Kind.BOARD):
            raise PayoutError(_("Only a coordinator or board member of this coop can do this."))
        batch.sent_at = timezone.now()
        _transition(batch, PayoutBatch.Status.SENT, actor, ["sent_at"], {})
    return batch
