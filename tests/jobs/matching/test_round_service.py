"""matching_round_run on the database: the right offers, the rule version, no duplicates."""

from __future__ import annotations

import pytest

from coop.models import AuditEvent
from jobs.matching.services import matching_round_run
from jobs.models import MatchingRound, Offer
from tests.jobs.matching.conftest import member, monday_next_week, shift_on

pytestmark = pytest.mark.django_db


def test_round_offers_each_open_seat_to_a_fitting_member_and_records_the_rule_version(
    kanaleneiland, job, coordinator, cleaning, django_capture_on_commit_callbacks
):
    job.required_skills.add(cleaning)
    day = monday_next_week()
    anna = member(kanaleneiland, "Anna")
    bram = member(kanaleneiland, "Bram")
    from tests.jobs.matching.conftest import give_skill

    give_skill(anna, cleaning)
    shift = shift_on(job, day, seats=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        round_ = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.MANUAL, actor=coordinator)

    offers = list(Offer.objects.filter(round=round_))
    assert [(o.shift_id, o.member_id, o.status) for o in offers] == [(shift.pk, anna.pk, Offer.Status.PENDING)]
    assert bram.pk not in {o.member_id for o in offers}
    assert round_.rule_version == kanaleneiland.rule_versions.get()
    assert (round_.open_seats, round_.offers_made, round_.unfilled_seats) == (2, 1, 1)
    assert round_.stats["unfilled"][0]["shift"] == shift.pk
    assert dict(round_.stats["unfilled"][0]["funnel"])["skills"] == 1
    assert offers[0].reasons["rule_version"] == round_.rule_version.number
    assert offers[0].expires_at > round_.started_at
    assert AuditEvent.objects.filter(action="matching.round_run", subject_id=str(round_.pk)).exists()
    assert callbacks, "offer e-mails are queued after commit"


def test_running_twice_makes_no_duplicate_offers(kanaleneiland, job):
    member(kanaleneiland, "Anna")
    member(kanaleneiland, "Bram")
    shift_on(job, monday_next_week(), seats=1)

    first = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.SCHEDULE)
    second = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.SCHEDULE)

    assert first.offers_made == 1
    assert (second.open_seats, second.offers_made) == (0, 0)
    assert Offer.objects.filter(status=Offer.Status.PENDING).count() == 1
