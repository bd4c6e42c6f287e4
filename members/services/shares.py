"""The share register: issue at admission, pay in (bank or wages), settle on leaving, approve a refund.

Each step posts the books (accounts in `coop.ledger.models.AccountCode`):
- issue:        Dr shares receivable (member)  / Cr share capital
- paid by bank: Dr bank                        / Cr shares receivable (member)
- from wages:   Dr wages payable (member)      / Cr shares receivable (member)
- leaving:      Dr share capital / Cr shares refundable (member) for what was paid in, and
                Dr share capital / Cr shares receivable (member) for what never was (written off)
- refund:       Dr shares refundable (member)  / Cr bank, when the board approves the payout batch
                (`invoicing.payments.shares` puts approved refunds into a share-refund batch).
The nominal value, whether wages may pay a share, and the term before a refund come from the rulebook.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.ledger.models import AccountCode, LedgerTransaction
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.templatetags.money import format_money
from members.exceptions import ShareError
from members.models import Member, MemberShare, Role, SharePayment
from members.selectors import AuditContext, coop_ids_for_role


def _share_transition(
    share: MemberShare, to: str, *, ctx: AuditContext, action: str, fields: list[str], data: dict[str, Any]
) -> None:
    old = share.status
    if to not in MemberShare.TRANSITIONS[old]:
        raise ShareError(
            _("This is not possible now: the share is %(status)s.") % {"status": share.get_status_display()},
            code="share_status",
        )
    share.status = to
    share.save(update_fields=["status", *fields])
    ctx.record(action=action, subject=share, coop=share.coop, data={"old": old, "new": to, **data})


def _receivable(coop: Cooperative, member: Member) -> Any:
    return account_get_or_create(
        coop=coop, code=AccountCode.SHARES_RECEIVABLE, member_id=member.pk, name=member.full_name
    )


def share_paid_total(share: MemberShare) -> Money:
    """What was paid in for this share so far."""
    return eur(share.payments.aggregate(s=Sum("amount"))["s"] or 0)


def share_issue(*, ctx: AuditContext, member: Member, on: dt.date, book: Rulebook | None = None) -> MemberShare:
    """Issue the admission share at the rulebook's value of `on`, posted as owed (in the caller's transaction)."""
    coop = member.coop
    book = book or Rulebook.for_coop(coop)
    nominal = eur(book.value("membership_share_capital", on=on))
    share = MemberShare.objects.create(
        coop=coop,
        member=member,
        quantity=1,
        nominal_value=nominal,
        total=nominal,
        issued_on=on,
        status=MemberShare.Status.OWED if nominal.amount > 0 else MemberShare.Status.PAID,
    )
    if nominal.amount > 0:
        ledger_post(
            coop=coop,
            occurred_on=on,
            description=_("Share capital of %(name)s") % {"name": member.full_name},
            legs=[
                Leg(account=_receivable(coop, member), debit=nominal),
                Leg(account=account_get_or_create(coop=coop, code=AccountCode.SHARE_CAPITAL), credit=nominal),
            ],
            actor=ctx.actor,
            source=share,
            idempotency_key=f"share-issued:{share.pk}",
        )
    ctx.record(
        action="share.issued",
        subject=share,
        coop=coop,
        data={"member": member.pk, "quantity": 1, "nominal_value": str(nominal.amount)},
    )
    return share


def _locked_share(share_id: int) -> MemberShare:
    return MemberShare.objects.select_for_update(of=("self",)).select_related("coop", "member").get(pk=share_id)


def share_payment_record(
    *,
    ctx: AuditContext,
    share: MemberShare,
    amount: Money,
    method: str = SharePayment.Method.BANK,
    paid_on: dt.date | None = None,
) -> SharePayment:
    """Book money paid in for a share (a coordinator records a bank transfer; the wage sweep its deductions).

    Raises ShareError (not owed, not a positive amount, more than is still owed, a date in the future).
    """
    paid_on = paid_on or timezone.localdate()
    if method not in SharePayment.Method.values:
        raise ShareError(_("Choose how the share was paid."), code="method")
    if paid_on > timezone.localdate():
        raise ShareError(_("A payment cannot be in the future."), code="future")
    amount = eur(amount)
    if amount.amount <= 0:
        raise ShareError(_("Enter an amount of more than zero."), code="amount")
    with transaction.atomic():
        # Lock the share: a bank payment and a wage deduction at the same moment must not both take the rest.
        locked = _locked_share(share.pk)
        if locked.status != MemberShare.Status.OWED:
            raise ShareError(_("Nothing is owed on this share."), code="not_owed")
        open_amount = eur(locked.total.amount - share_paid_total(locked).amount)
        if amount.amount > open_amount.amount:
            raise ShareError(
                _("Only %(open)s is still owed on this share.") % {"open": format_money(open_amount)}, code="too_much"
            )
        coop, member = locked.coop, locked.member
        if method == SharePayment.Method.BANK:
            debit_account = account_get_or_create(coop=coop, code=AccountCode.BANK)
            description = _("Share capital paid by %(name)s") % {"name": member.full_name}
        else:
            debit_account = account_get_or_create(
                coop=coop, code=AccountCode.WAGES_PAYABLE, member_id=member.pk, name=member.full_name
            )
            description = _("Share capital of %(name)s, from wages") % {"name": member.full_name}
        # The share row is locked, so the count is stable: the n-th payment of a share has one posting.
        number = locked.payments.count() + 1
        txn: LedgerTransaction = ledger_post(
            coop=coop,
            occurred_on=paid_on,
            description=description,
            legs=[Leg(account=debit_account, debit=amount), Leg(account=_receivable(coop, member), credit=amount)],
            actor=ctx.actor,
            source=locked,
            idempotency_key=f"share-payment:{locked.pk}:{number}",
        )
        payment = SharePayment.objects.create(
            share=locked, amount=amount, method=method, paid_on=paid_on, recorded_by=ctx.actor, ledger_transaction=txn
        )
        ctx.record(
            action="share.payment_recorded",
            subject=locked,
            coop=coop,
            data={"amount": str(amount.amount), "method": method, "paid_on": paid_on.isoformat()},
        )
        if amount.amount == open_amount.amount:
            _share_transition(locked, MemberShare.Status.PAID, ctx=ctx, action="share.paid", fields=[], data={})
    return payment


def share_wage_deduction_agree(*, ctx: AuditContext, member: Member) -> MemberShare:
    """The member agrees that their first wages pay what they still owe on their share.

    Raises ShareError (the rulebook does not allow it, nothing owed).
    """
    with transaction.atomic():
        share = (
            MemberShare.objects.select_for_update(of=("self",))
            .select_related("coop", "member")
            .filter(member=member, status=MemberShare.Status.OWED)
            .order_by("pk")
            .first()
        )
        if share is None:
            raise ShareError(_("You owe nothing on your shares."), code="not_owed")
        if not Rulebook.for_coop(share.coop).value("share_wage_deduction_allowed", on=timezone.localdate()):
            raise ShareError(
                _("The rules of this coop do not allow paying the share from wages. Pay it by bank transfer."),
                code="not_allowed",
            )
        if share.wage_deduction_agreed_at is None:
            share.wage_deduction_agreed_at = timezone.now()
            share.save(update_fields=["wage_deduction_agreed_at"])
            ctx.record(action="share.wage_deduction_agreed", subject=share, coop=share.coop, data={})
    return share


def share_settle_on_leaving(*, ctx: AuditContext, member: Member, on: dt.date) -> list[MemberShare]:
    """A member left (inside the caller's transaction): paid shares wait for a refund, unpaid ones are cancelled."""
    coop = member.coop
    book = Rulebook.for_coop(coop)
    term = book.value("share_refund_term_months", on=on)
    settled = []
    shares = (
        MemberShare.objects.select_for_update(of=("self",))
        .select_related("coop", "member")
        .filter(member=member, status__in=[MemberShare.Status.OWED, MemberShare.Status.PAID])
        .order_by("pk")
    )
    capital = account_get_or_create(coop=coop, code=AccountCode.SHARE_CAPITAL)
    for share in shares:
        paid = share_paid_total(share)
        unpaid = eur(share.total.amount - paid.amount)
        if unpaid.amount > 0:
            ledger_post(
                coop=coop,
                occurred_on=on,
                description=_("Unpaid share capital of %(name)s, written off on leaving") % {"name": member.full_name},
                legs=[Leg(account=capital, debit=unpaid), Leg(account=_receivable(coop, member), credit=unpaid)],
                actor=ctx.actor,
                source=share,
                idempotency_key=f"share-unpaid-cancelled:{share.pk}",
            )
        share.left_on = on
        if paid.amount > 0:
            refundable = account_get_or_create(
                coop=coop, code=AccountCode.SHARES_REFUNDABLE, member_id=member.pk, name=member.full_name
            )
            ledger_post(
                coop=coop,
                occurred_on=on,
                description=_("Share capital to repay to %(name)s") % {"name": member.full_name},
                legs=[Leg(account=capital, debit=paid), Leg(account=refundable, credit=paid)],
                actor=ctx.actor,
                source=share,
                idempotency_key=f"share-refund-due:{share.pk}",
            )
            share.refund_amount = paid
            share.refund_due_on = months_after(on, term)
            _share_transition(
                share,
                MemberShare.Status.REFUND_DUE,
                ctx=ctx,
                action="share.refund_due",
                fields=["left_on", "refund_amount", "refund_due_on"],
                data={
                    "refund": str(paid.amount),
                    "refund_due_on": share.refund_due_on.isoformat(),
                    "term_months": term,
                },
            )
        else:
            _share_transition(
                share, MemberShare.Status.CANCELLED, ctx=ctx, action="share.cancelled", fields=["left_on"], data={}
            )
        settled.append(share)
    return settled


def share_refund_approve(*, actor: Any, share: MemberShare, on: dt.date | None = None) -> MemberShare:
    """The board decides to repay a share, once the rulebook's term after leaving has passed.

    Raises ShareError (not a board member of this coop, not waiting for a refund, before the term).
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked_share(share.pk)
        if locked.coop_id not in coop_ids_for_role(actor, Role.Kind.BOARD):
            raise ShareError(_("Only the board of this coop decides on a share refund."), code="not_board")
        if locked.status != MemberShare.Status.REFUND_DUE:
            raise ShareError(
                _("This share is not waiting for a refund: it is %(status)s.")
                % {"status": locked.get_status_display()},
                code="share_status",
            )
        assert locked.refund_due_on is not None
        if on < locked.refund_due_on:
            raise ShareError(
                _(
                    "The rules of this coop allow a refund only from %(date)s, %(months)s months after leaving. "
                    "Try again from that date."
                )
                % {
                    "date": locked.refund_due_on.strftime("%d-%m-%Y"),
                    "months": _months_between(locked.left_on, locked.refund_due_on),
                },
                code="too_early",
            )
        locked.refund_approved_by = actor
        locked.refund_approved_at = timezone.now()
        _share_transition(
            locked,
            MemberShare.Status.REFUND_APPROVED,
            ctx=AuditContext.for_user(actor),
            action="share.refund_approved",
            fields=["refund_approved_by", "refund_approved_at"],
            data={"refund": str(locked.refund_amount.amount if locked.refund_amount else Decimal(0))},
        )
    return locked


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of a shorter month: 31 August + 6 months = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months_between(start: dt.date | None, end: dt.date) -> int:
    if start is None:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month
