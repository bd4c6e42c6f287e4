"""Thin tasks: one matching round per coop; the beat entry enqueues one per coop."""

from __future__ import annotations

from celery import shared_task

from coop.models import Cooperative
from jobs.models import MatchingRound


@shared_task
def matching_round_run_task(coop_id: int) -> int:
    """Run one scheduled round for a coop; returns the round id."""
    from jobs.matching.services import matching_round_run

    coop = Cooperative.objects.get(pk=coop_id)
    return matching_round_run(coop=coop, trigger=MatchingRound.Trigger.SCHEDULE).pk


@shared_task
def matching_rounds_enqueue_task() -> int:
    """Enqueue one round per coop (periodic); returns how many were enqueued."""
    coop_ids = list(Cooperative.objects.order_by("pk").values_list("pk", flat=True))
    for coop_id in coop_ids:
        matching_round_run_task.delay(coop_id)
    return len(coop_ids)
