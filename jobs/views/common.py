"""What every jobs page needs: who is acting (a member, or a coordinator on their behalf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from members.models import Member
from members.selectors import member_for_user


@dataclass(frozen=True)
class Acting:
    member: Member
    actor: Any
    on_behalf_of: Any
    consent_note: str

    @property
    def assisted(self) -> bool:
        return self.on_behalf_of is not None


def acting_member(request: HttpRequest) -> Acting:
    """The member whose portal this is: the assisted member (coordinator acting for them) or the user's own.

    Raises PermissionDenied if the user is neither a member nor assisting one.
    """
    assisted: Member | None = getattr(request, "assisted_member", None)
    if assisted is not None:
        return Acting(
            member=assisted,
            actor=request.user,
            on_behalf_of=assisted.user,
            consent_note=assisted.assisted_consent_note or "assisted mode",
        )
    member = member_for_user(request.user)
    if member is None:
        raise PermissionDenied
    return Acting(member=member, actor=request.user, on_behalf_of=None, consent_note="")


def error_messages(exc: ValidationError) -> list[str]:
    """The flat list of translated messages in a ValidationError."""
    return [str(m) for m in exc.messages]
