"""Writes of matching: run one round for a coop (offers for all open seats at once)."""

from __future__ import annotations

from typing import Any

from coop.models import Cooperative
from jobs.models import MatchingRound


def matching_round_run(*, coop: Cooperative, trigger: str, actor: Any | None = None) -> MatchingRound:
    """Offer all open seats of the coop's open future shifts in one global assignment.

    Raises NoRuleVersion if the coop has no rules in force.
    """
    raise NotImplementedError  # being written by the MATCHING helper
