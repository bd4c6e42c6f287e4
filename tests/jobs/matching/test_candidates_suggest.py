"""candidates_suggest: fitting members only, best first, ties by id, never another coop's members."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.matching.selectors import candidates_suggest
from jobs.models import Shift
from members.models import Skill, availability_bit
from tests.jobs.factories import PlannedAssignmentFactory
from tests.jobs.matching.conftest import give_skill, member, monday_next_week, shift_on

pytestmark = pytest.mark.django_db


def test_candidates_are_ordered_by_fair_score(kanaleneiland, job, lunetten, jan):
    day = monday_next_week()
    elsewhere = member(kanaleneiland, "Eva", postcode="3511AB")  # lives outside: no neighbourhood points
    full_week = member(kanaleneiland, "Anna")
    PlannedAssignmentFactory(member=full_week, shift=shift_on(job, day + dt.timedelta(days=2), (8, 0), (16, 0)))
    hungry = member(kanaleneiland, "Bram")
    twin = member(kanaleneiland, "Cas")
    member(kanaleneiland, "Dirk", mask=availability_bit(3, 2))  # Thursday evening only: not a candidate
    shift = shift_on(job, day)

    result = candidates_suggest(shift=shift, limit=10)

    assert [c.member for c in result] == [hungry, twin, full_week, elsewhere]
    assert result[0].score == result[1].score > result[2].score
    assert set(result[0].reasons) == {"neighbourhood", "fairness", "waiting", "continuity", "language"}
    assert jan not in [c.member for c in result]


def test_limit_and_skills(kanaleneiland, job, cleaning):
    job.required_skills.add(cleaning)
    members = [member(kanaleneiland, f"M{i}") for i in range(5)]
    for m in members[:3]:
        give_skill(m, cleaning)
    result = candidates_suggest(shift=shift_on(job, monday_next_week()), limit=2)
    assert [c.member for c in result] == members[:2]


def test_business_preference_moves_a_member_up(kanaleneiland, job):
    first, second = member(kanaleneiland, "Anna"), member(kanaleneiland, "Bram")
    job.preferred_members.add(second)
    result = candidates_suggest(shift=shift_on(job, monday_next_week()))
    assert [c.member for c in result] == [second, first]
    assert result[0].reasons["continuity"] > 0


def test_certificates_count_on_the_shift_day(kanaleneiland, job):
    hygiene = Skill.objects.create(
        slug="food-hygiene-test", name_nl="Hygiëne", name_en="Food hygiene", requires_certificate=True
    )
    job.required_skills.add(hygiene)
    day = monday_next_week()
    valid, expired, uncertified, without = (member(kanaleneiland, n) for n in ("Anna", "Bram", "Cas", "Dirk"))
    give_skill(valid, hygiene, valid_until=day)  # valid up to and including the shift day
    give_skill(expired, hygiene, valid_until=day - dt.timedelta(days=1))
    give_skill(uncertified, hygiene, valid_until=None)
    result = candidates_suggest(shift=shift_on(job, day))
    assert [c.member for c in result] == [valid]
    assert without not in [c.member for c in result]


def test_query_count_does_not_grow_with_members_skills_or_answers(
    kanaleneiland, job, cleaning, django_assert_max_num_queries
):
    job.required_skills.add(cleaning)
    day = monday_next_week()
    members = [member(kanaleneiland, f"M{i}") for i in range(12)]
    for m in members:
        give_skill(m, cleaning)
    job.preferred_members.add(members[3])
    shift = shift_on(job, day)
    shift = Shift.objects.select_related("job__coop").get(pk=shift.pk)
    # The coop's Rulebook (versions, their values, the minimum wage table), members (skills tested in
    # SQL), planned work + answers, the chosen members: the same six for 12 members or 500.
    with django_assert_max_num_queries(6):
        result = candidates_suggest(shift=shift, limit=10)
    assert len(result) == 10
    assert result[0].member == members[3]
