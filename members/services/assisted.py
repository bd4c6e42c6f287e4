"""Assisted mode: a coordinator starts and stops acting for a member (the session is the view's job)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.exceptions import MembershipError
from members.models import Member
from members.selectors import AuditContext, member_get_for_assistance


def assisted_mode_start(*, actor: object, member: Member) -> Member:
    """Check the coordinator may act for the member (own coop, consent) and audit the start.

    Raises MembershipError.
    """
    allowed = member_get_for_assistance(user=actor, member_id=member.pk)
    if allowed is None:
        raise MembershipError(_("You can only help members of your coop who gave their consent."), code="no_consent")
    AuditContext(actor=actor, on_behalf_of=allowed.user, consent_note=allowed.assisted_consent_note).record(
        action="member.assisted_started", subject=allowed, coop=allowed.coop
    )
    return allowed


def assisted_mode_stop(*, actor: object, member: Member) -> None:
    """Audit the end of acting for a member."""
    AuditContext(actor=actor, on_behalf_of=member.user, consent_note=member.assisted_consent_note).record(
        action="member.assisted_stopped", subject=member, coop=member.coop
    )
