"""Why a member was or was not offered a shift, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from jobs.models import Shift
from members.models import Member


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    ok: bool


def explain_member_shift(*, member: Member, shift: Shift) -> list[Reason]:
    """Every check matching makes for this member and shift, passed (ok) or not."""
    raise NotImplementedError  # being written by the MATCHING helper
