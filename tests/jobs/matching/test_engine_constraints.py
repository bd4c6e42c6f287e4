"""The engine on small hand-made cases: each hard constraint leaves out the right member."""

from __future__ import annotations

import numpy as np
import pytest

from jobs.matching import engine
from tests.jobs.matching.builders import picks, problem

# Member 0 is the favourite (lives in the neighbourhood, has waited a month, no hours yet); member 1
# is the fallback (lives elsewhere, just worked, half their target done). Each test breaks one thing
# about member 0 and checks the seat goes to member 1.
FAVOURITE = {"home": 0, "waiting": 30, "week_hours": 0}
FALLBACK = {"home": -1, "waiting": 0, "week_hours": 10}


def solve(members, shifts, **kwargs):  # type: ignore[no-untyped-def]
    return engine.solve(problem(members, shifts, **kwargs))


def test_favourite_wins_when_nothing_is_broken():
    assert picks(solve([FAVOURITE, FALLBACK], [{}])) == [(0, 0)]


@pytest.mark.parametrize(
    ("broken", "shift", "extra"),
    [
        ({"active": False}, {}, {}),
        ({"avail": 0b111_111_111_111_111_111_110}, {"day": 0, "daypart": 0}, {}),  # not Monday morning
        ({"skills": 0b01}, {"skills": 0b11}, {}),  # one of two required skills missing
        ({"skills": {0: 0, 1: 0b1}}, {"skills": 0b1, "day": 0}, {}),  # certificate valid only from day 1
        ({"week_hours": 34}, {"start": 540, "end": 780}, {}),  # 34 + 4 > 36
        ({"cap": 100.0, "month_earnings": 50.0}, {"wage": 15.0}, {}),  # 50 + 60 > 100
        ({"local": True}, {"place": 0}, {}),  # job outside own coop's neighbourhood
        ({"home": -1}, {}, {"neighbourhood_only": True}),
        ({"coop": 1, "home": 1}, {}, {"coops": 2}),  # other coop, neighbours not allowed
    ],
    ids=[
        "inactive",
        "not-available",
        "missing-skill",
        "expired-certificate",
        "weekly-cap",
        "earnings-cap",
        "travel",
        "neighbourhood-policy",
        "other-coop",
    ],
)
def test_a_broken_constraint_gives_the_seat_to_the_other_member(broken, shift, extra):
    fallback = dict(FALLBACK)
    fallback["skills"] = shift.get("skills", 0)
    if extra.get("neighbourhood_only"):
        fallback["home"] = 0
    result = solve([{**FAVOURITE, "skills": shift.get("skills", 0), **broken}, fallback], [shift], **extra)
    assert picks(result) == [(0, 1)]


def test_member_of_neighbouring_coop_counts_when_the_rule_allows_it():
    result = solve([{"coop": 1, "home": 1}], [{}], coops=2, allow_neighbours=True)
    assert picks(result) == [(0, 0)]


def test_overlapping_planned_work_excludes_the_member():
    # member 0 already works Monday 11:00-15:00; the shift is 09:00-13:00
    result = solve([FAVOURITE, FALLBACK], [{"day": 0}], busy=[(0, 0, 660, 900)])
    assert picks(result) == [(0, 1)]


def test_planned_work_that_does_not_overlap_is_fine():
    result = solve([FAVOURITE, FALLBACK], [{"day": 0}], busy=[(0, 0, 780, 900)])  # 13:00-15:00
    assert picks(result) == [(0, 0)]


def test_a_member_who_said_no_is_not_asked_again():
    result = solve([FAVOURITE, FALLBACK], [{}], declined={0: [0]})
    assert picks(result) == [(0, 1)]


def test_nobody_fits_leaves_the_seat_unfilled_and_the_round_still_solves():
    result = solve([{"skills": 0}, {"active": False}], [{"skills": 0b1, "seats": 2}, {}])
    assert picks(result) == [(1, 0)]
    assert result.unfilled.tolist() == [2, 0]
    assert result.stats["unfilled"] == 2


def test_weekly_cap_holds_across_two_shifts_of_one_round():
    # 30 hours done, cap 36: one 4-hour shift fits, two do not; both shifts on different days.
    result = solve([{"week_hours": 30}], [{"day": 0}, {"day": 1}])
    assert len(result.picks) == 1
    assert result.stats["unfilled"] == 1


def test_two_shifts_within_the_cap_both_go_to_the_only_member():
    result = solve([{"week_hours": 0}], [{"day": 0}, {"day": 1}])
    assert picks(result) == [(0, 0), (1, 0)]


def test_no_overlap_within_a_round():
    # Two overlapping shifts on Monday (09-13, 11-15), one member: only one of them.
    result = solve([{}], [{"day": 0, "start": 540, "end": 780}, {"day": 0, "start": 660, "end": 900}])
    assert len(result.picks) == 1


def test_same_day_shifts_that_do_not_overlap_can_both_go_to_one_member():
    result = solve([{}], [{"day": 0, "start": 540, "end": 720}, {"day": 0, "daypart": 1, "start": 780, "end": 960}])
    assert picks(result) == [(0, 0), (1, 0)]


def test_one_member_never_gets_two_seats_of_the_same_shift():
    result = solve([{}], [{"seats": 3}])
    assert len(result.picks) == 1
    assert result.unfilled.tolist() == [2]


def test_funnel_counts_members_left_after_each_check():
    p = problem([{"skills": 0b1}, {"skills": 0}, {"active": False, "skills": 0b1}], [{"skills": 0b1}])
    assert dict(engine.funnel(p, 0))["active"] == 2
    assert dict(engine.funnel(p, 0))["skills"] == 1


def test_pair_checks_name_the_failing_constraint():
    p = problem([{"week_hours": 35}], [{}])
    checks = engine.pair_checks(p, 0, 0)
    assert checks["weekly_cap"] is False
    assert all(ok for name, ok in checks.items() if name != "weekly_cap")


def test_block_scores_equal_the_sum_of_pair_components():
    p = problem([FAVOURITE, FALLBACK, {"languages": 0b10}], [{"language": 0b10}], preferred={0: [1]})
    s, m, score = engine.feasible_pairs(p)
    parts = engine.pair_components(p, s, m)
    assert np.allclose(score, sum(parts[name] for name in engine.COMPONENTS))
