"""Reads of matching: the top fair candidates for one shift (the business's "show me candidates")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jobs.models import Shift
from members.models import Member


@dataclass(frozen=True)
class Candidate:
    member: Member
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)


def candidates_suggest(*, shift: Shift, limit: int = 10) -> list[Candidate]:
    """The best `limit` members who may work this shift, best first (ties by member id)."""
    raise NotImplementedError  # being written by the MATCHING helper
