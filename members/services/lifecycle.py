"""The member status machine: one transition helper, and pause/resume/suspend/leave on top of it.

Pausing, suspension and leaving withdraw the member's pending offers (through the departure hooks,
`members.departures`, which jobs registers); with `cancel_planned=True`, confirmed after the warning,
they also cancel the planned work. Leaving settles the member's shares (`members.services.shares`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.departures import departure_handle
from members.exceptions import MembershipError, TransitionNotAllowedError
from members.models import Member, Role
from members.selectors import AuditContext, coop_ids_for_role


def _member_transition(
    member: Member,
    to: str,
    *,
    ctx: AuditContext,
    action: str,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Member:
    """Move a locked member to `to` if the map allows it; save with update_fields and audit.

    Raises TransitionNotAllowedError.
    """
    old = member.status
    if to not in Member.TRANSITIONS[old]:
        raise TransitionNotAllowedError(
            _("This is not possible now: the membership is %(status)s.") % {"status": member.get_status_display()},
            code="transition",
        )
    member.status = to
    for name, value in (fields or {}).items():
        setattr(member, name, value)
    member.save(update_fields=["status", *(fields or {})])
    ctx.record(action=action, subject=member, coop=member.coop, data={"old": old, "new": to, **(data or {})})
    return member


def _locked(member: Member) -> Member:
    # Lock the row and re-read the status: two coordinators may click at the same moment.
    return Member.objects.select_for_update(of=("self",)).select_related("coop", "user").get(pk=member.pk)


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError(_("Please give a reason."), code="reason")
    return reason


def _step_back(locked: Member, *, ctx: AuditContext, cancel_planned: bool) -> None:
    departure_handle(ctx=ctx, member=locked, cancel_planned=cancel_planned)


def member_pause(*, ctx: AuditContext, member: Member, reason: str = "", cancel_planned: bool = False) -> Member:
    """Pause an active membership: no offers while paused, pending ones withdrawn; planned work cancelled
    when `cancel_planned` (the person confirmed the warning). Raises TransitionNotAllowedError."""
    with transaction.atomic():
        locked = _locked(member)
        _member_transition(
            locked,
            Member.Status.PAUSED,
            ctx=ctx,
            action="member.paused",
            data={"reason": reason.strip(), "planned_work_cancelled": cancel_planned},
        )
        _step_back(locked, ctx=ctx, cancel_planned=cancel_planned)
        return locked


def member_resume(*, ctx: AuditContext, member: Member, reason: str = "") -> Member:
    """Resume a paused membership. Raises TransitionNotAllowedError (e.g. after leaving or while suspended)."""
    with transaction.atomic():
        locked = _locked(member)
        if locked.status != Member.Status.PAUSED:
            # applied -> active is also in the map, but only admission (with a number) may take it;
            # suspended -> active only the board (member_unsuspend).
            raise TransitionNotAllowedError(_("Only a paused membership can start again."), code="not_paused")
        return _member_transition(
            locked, Member.Status.ACTIVE, ctx=ctx, action="member.resumed", data={"reason": reason.strip()}
        )


def member_leave(*, ctx: AuditContext, member: Member, reason: str = "", cancel_planned: bool = False) -> Member:
    """End a membership for good; history is kept, pending offers are withdrawn, planned work cancelled
    when `cancel_planned`, and the shares wait for their refund. Raises TransitionNotAllowedError."""
    from members.services.shares import share_settle_on_leaving

    with transaction.atomic():
        locked = _locked(member)
        _member_transition(
            locked,
            Member.Status.LEFT,
            ctx=ctx,
            action="member.left",
            data={"reason": reason.strip(), "planned_work_cancelled": cancel_planned},
        )
        _step_back(locked, ctx=ctx, cancel_planned=cancel_planned)
        share_settle_on_leaving(ctx=ctx, member=locked, on=timezone.localdate())
        return locked


def _board_only(ctx: AuditContext, member: Member) -> None:
    if member.coop_id not in coop_ids_for_role(ctx.actor, Role.Kind.BOARD):
        raise MembershipError(
            _("Only the board of this coop can suspend a member or lift a suspension."), code="not_board"
        )


def member_suspend(*, ctx: AuditContext, member: Member, reason: str, cancel_planned: bool = False) -> Member:
    """The board suspends an active member (no voting, proposing, proxies or work) with a reason.

    Raises MembershipError (not the board, no reason) or TransitionNotAllowedError.
    """
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _locked(member)
        _board_only(ctx, locked)
        _member_transition(
            locked,
            Member.Status.SUSPENDED,
            ctx=ctx,
            action="member.suspended",
            data={"reason": reason, "planned_work_cancelled": cancel_planned},
            fields={"suspension_reason": reason},
        )
        _step_back(locked, ctx=ctx, cancel_planned=cancel_planned)
        return locked


def member_unsuspend(*, ctx: AuditContext, member: Member, reason: str) -> Member:
    """The board lifts a suspension. Raises MembershipError (not the board, no reason) or TransitionNotAllowedError."""
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _locked(member)
        _board_only(ctx, locked)
        if locked.status != Member.Status.SUSPENDED:
            raise TransitionNotAllowedError(_("This membership is not suspended."), code="not_suspended")
        return _member_transition(
            locked,
            Member.Status.ACTIVE,
            ctx=ctx,
            action="member.unsuspended",
            data={"reason": reason},
            fields={"suspension_reason": ""},
        )
