"""Two rounds of one coop at the same moment: the per-coop lock makes the second see the first's offers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from jobs.matching.services import matching_round_run
from jobs.models import MatchingRound, Offer
from tests.jobs.matching.conftest import member, monday_next_week, shift_on

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL advisory locks and real threads"),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_rounds_offer_each_seat_once(kanaleneiland, job):
    for name in ("Anna", "Bram", "Cas"):
        member(kanaleneiland, name)
    shift_on(job, monday_next_week(), seats=2)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.SCHEDULE)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert Offer.objects.filter(status=Offer.Status.PENDING).count() == 2
    assert sorted(MatchingRound.objects.values_list("offers_made", flat=True)) == [0, 2]
