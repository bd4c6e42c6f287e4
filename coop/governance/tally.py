"""Counting votes by the defaults of Dutch association law (Book 2 Civil Code), as the rulebook sets them.

- Quorum: who took part (for, against and blank) as a share of the fixed electorate. Exactly at
  the quorum counts as reached.
- Majority: strictly MORE than the pass share of the votes cast FOR or AGAINST. Blank votes and
  abstentions count for the quorum only, never in the majority. A tie therefore rejects (with the
  default of 50 %), and no votes for or against at all rejects.

Integer arithmetic on Decimal percentages: no float, no rounding, so "exactly at" is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Count:
    electorate: int
    votes_for: int
    votes_against: int
    abstentions: int
    quorum_percent: Decimal
    pass_percent: Decimal

    @property
    def turnout(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    @property
    def quorum_met(self) -> bool:
        return self.electorate > 0 and self.turnout * HUNDRED >= self.quorum_percent * self.electorate

    @property
    def majority(self) -> bool:
        cast = self.votes_for + self.votes_against
        return cast > 0 and self.votes_for * HUNDRED > self.pass_percent * cast

    @property
    def passed(self) -> bool:
        return self.quorum_met and self.majority

    @property
    def quorum_needed(self) -> int:
        """How many must take part for the quorum (rounded up: exactly at counts)."""
        needed = self.quorum_percent * self.electorate / HUNDRED
        whole = int(needed)
        return whole if whole == needed else whole + 1
