"""The member status machine: one transition helper, and pause/resume/leave on top of it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from members.exceptions import MembershipError, TransitionNotAllowedError
from members.models import Member
from members.selectors import AuditContext


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


def member_pause(*, ctx: AuditContext, member: Member, reason: str = "") -> Member:
    """Pause an active membership (no offers while paused). Raises TransitionNotAllowedError."""
    with transaction.atomic():
        locked = _locked(member)
        return _member_transition(
            locked, Member.Status.PAUSED, ctx=ctx, action="member.paused", data={"reason": reason.strip()}
        )


def member_resume(*, ctx: AuditContext, member: Member, reason: str = "") -> Member:
    """Resume a paused membership. Raises TransitionNotAllowedError (e.g. after leaving)."""
    with transaction.atomic():
        locked = _locked(member)
        if locked.status != Member.Status.PAUSED:
            # applied -> active is also in the map, but only admission (with a number) may take it.
            raise TransitionNotAllowedError(_("Only a paused membership can start again."), code="not_paused")
        return _member_transition(
            locked, Member.Status.ACTIVE, ctx=ctx, action="member.resumed", data={"reason": reason.strip()}
        )


def member_leave(*, ctx: AuditContext, member: Member, reason: str = "") -> Member:
    """End a membership for good; history is kept. Raises TransitionNotAllowedError."""
    with transaction.atomic():
        locked = _locked(member)
        return _member_transition(
            locked, Member.Status.LEFT, ctx=ctx, action="member.left", data={"reason": reason.strip()}
        )
