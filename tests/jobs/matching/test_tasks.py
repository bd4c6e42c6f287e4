"""The periodic task enqueues one round per coop; the round task is safe to run twice."""

from __future__ import annotations

import pytest
from django.conf import settings

from jobs.matching.tasks import matching_round_run_task, matching_rounds_enqueue_task
from jobs.models import MatchingRound, Offer
from tests.jobs.matching.conftest import member, monday_next_week, shift_on

pytestmark = pytest.mark.django_db


def test_beat_runs_a_round_for_every_coop(kanaleneiland, lunetten, job):
    member(kanaleneiland, "Anna")
    shift_on(job, monday_next_week())
    assert matching_rounds_enqueue_task() == 2  # eager in tests: the rounds ran
    assert set(MatchingRound.objects.values_list("coop_id", flat=True)) == {kanaleneiland.pk, lunetten.pk}
    assert Offer.objects.count() == 1


def test_round_task_twice_makes_one_offer(kanaleneiland, job):
    member(kanaleneiland, "Anna")
    shift_on(job, monday_next_week())
    matching_round_run_task(kanaleneiland.pk)
    matching_round_run_task(kanaleneiland.pk)
    assert Offer.objects.count() == 1


def test_beat_schedule_has_the_matching_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["matching-rounds"]
    assert entry["task"] == "jobs.matching.tasks.matching_rounds_enqueue_task"
