"""The demo's share register: a share for every admitted member, paid or still owed, and refunds after leaving.

The history is written in bulk (one posting per kind per coop, legs per member), so the books match the
register: shares issued (receivable / share capital), paid by bank, and, for members who left, repayable
or written off. One member who left long enough ago has a refund the board already approved, so the
demo can show "a member leaves and gets their shares back in a payout batch" with one click.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coop.demo.services.context import SeedContext
from coop.demo.services.members import Resident
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, account_get_or_create, account_get_or_create_many, ledger_post
from coop.models import Cooperative
from coop.money import eur
from members.models import Member, MemberShare, SharePayment
from members.services import share_refund_approve
from members.services.shares import months_after

ADMITTED = (Member.Status.ACTIVE, Member.Status.PAUSED, Member.Status.LEFT)


def shares_seed(ctx: SeedContext, residents: list[Resident]) -> int:
    """Write the share register and its postings; approve one refund per coop. Returns the shares written."""
    written = 0
    for slug, coop in ctx.coops.items():
        ours = [r for r in residents if r.coop_slug == slug and r.member.status in ADMITTED]
        written += _coop_shares_seed(ctx, coop, slug, ours)
    return written


def _coop_shares_seed(ctx: SeedContext, coop: Cooperative, slug: str, residents: list[Resident]) -> int:
    nominal = eur(ctx.rules[slug]["membership_share_capital"])
    term = int(ctx.rules[slug]["share_refund_term_months"])
    if nominal.amount <= 0 or not residents:
        return 0
    ready_by = ctx.today - dt.timedelta(days=31 * term + 7)
    # The member whose refund is ready: left (paid up) long enough ago for the rulebook's term.
    ready = next(
        (
            r
            for r in sorted(residents, key=lambda r: r.member.member_number or 0)
            if r.member.status == Member.Status.LEFT
            and r.member.decided_at is not None
            and r.member.decided_at.date() < ready_by - dt.timedelta(days=30)
        ),
        None,
    )
    if ready is not None:
        ready.share_paid = True  # they paid when they joined, so there is something to give back
    shares: list[MemberShare] = []
    for r in residents:
        m = r.member
        issued = m.decided_at.date() if m.decided_at else ctx.founded_on
        share = MemberShare(coop=coop, member=m, quantity=1, issued_on=issued, status=MemberShare.Status.OWED)
        # Money fields are set as attributes: django-stubs types a MoneyField's __init__ argument as a Decimal.
        share.nominal_value = nominal
        share.total = nominal
        if r.share_paid:
            share.status = MemberShare.Status.PAID
        if m.status == Member.Status.LEFT:
            if r is ready:
                left = ready_by
            else:
                start = max(issued + dt.timedelta(days=20), ctx.today - dt.timedelta(days=150))
                left = start + dt.timedelta(days=ctx.rng.randint(0, max(0, (ctx.today - start).days - 5)))
            share.left_on = left
            if r.share_paid:
                share.status = MemberShare.Status.REFUND_DUE
                share.refund_amount = nominal
                share.refund_due_on = months_after(left, term)
            else:
                share.status = MemberShare.Status.CANCELLED
        shares.append(share)
    MemberShare.objects.bulk_create(shares)

    paid = [s for s, r in zip(shares, residents, strict=True) if r.share_paid]
    SharePayment.objects.bulk_create(
        [
            SharePayment(
                share=s, amount=nominal, method=SharePayment.Method.BANK, paid_on=s.issued_on + dt.timedelta(days=3)
            )
            for s in paid
        ]
    )
    _postings_seed(ctx, coop, shares, nominal)
    if ready is not None:
        share = next(s for s in shares if s.member_id == ready.member.pk)
        share_refund_approve(actor=ctx.staff[f"board1-{slug}"], share=share, on=ctx.today)
    return len(shares)


def _postings_seed(ctx: SeedContext, coop: Cooperative, shares: list[MemberShare], nominal: object) -> None:
    """Summed postings of the register's history (legs per member), so every balance matches the register."""
    wanted: list[tuple[str, int | None, int | None, str]] = []
    for s in shares:
        wanted.append((AccountCode.SHARES_RECEIVABLE, None, s.member_id, s.member.full_name))
        if s.refund_amount:
            wanted.append((AccountCode.SHARES_REFUNDABLE, None, s.member_id, s.member.full_name))
    accounts = account_get_or_create_many(coop=coop, wanted=wanted)
    capital = account_get_or_create(coop=coop, code=AccountCode.SHARE_CAPITAL)
    bank = account_get_or_create(coop=coop, code=AccountCode.BANK)
    amount = eur(nominal)  # type: ignore[arg-type]

    def receivable(s: MemberShare) -> Leg:
        return Leg(account=accounts[(AccountCode.SHARES_RECEIVABLE, None, s.member_id)], credit=amount)

    def post(description: str, legs: list[Leg], key: str, occurred_on: dt.date) -> None:
        if len(legs) > 1:
            ledger_post(
                coop=coop,
                occurred_on=occurred_on,
                description=description,
                legs=legs,
                idempotency_key=f"demo-shares-{key}:{coop.pk}",
            )

    total = eur(Decimal(len(shares)) * amount.amount)
    first = min(s.issued_on for s in shares)
    post(
        "Aandelen uitgegeven bij toelating (demo, samengeteld)",
        [
            *[Leg(account=accounts[(AccountCode.SHARES_RECEIVABLE, None, s.member_id)], debit=amount) for s in shares],
            Leg(account=capital, credit=total),
        ],
        "issued",
        first,
    )
    paid = [s for s in shares if s.status in (MemberShare.Status.PAID, MemberShare.Status.REFUND_DUE)]
    if paid:
        post(
            "Aandelen betaald per bank (demo, samengeteld)",
            [Leg(account=bank, debit=eur(Decimal(len(paid)) * amount.amount)), *[receivable(s) for s in paid]],
            "paid",
            max(s.issued_on for s in paid) + dt.timedelta(days=3),
        )
    left = [s for s in shares if s.left_on is not None]
    if left:
        legs = [Leg(account=capital, debit=eur(Decimal(len(left)) * amount.amount))]
        for s in left:
            if s.refund_amount:
                legs.append(Leg(account=accounts[(AccountCode.SHARES_REFUNDABLE, None, s.member_id)], credit=amount))
            else:
                legs.append(receivable(s))
        post(
            "Aandelen van vertrokken leden: terug te betalen of vervallen (demo, samengeteld)",
            legs,
            "left",
            max(s.left_on for s in left if s.left_on is not None),
        )
