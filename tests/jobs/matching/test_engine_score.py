"""The engine's score and assignment: weights decide, fairness holds, results are deterministic and optimal."""

from __future__ import annotations

import numpy as np
import pytest

from bench.matching import fairness_shares, generate
from jobs.matching import engine
from tests.jobs.matching.builders import WEIGHTS, picks, problem

RESIDENT = {"home": 0, "week_hours": 10, "waiting": 0}  # lives here, half of 20 hours done
HUNGRY = {"home": -1, "week_hours": 0, "waiting": 0}  # lives elsewhere, no hours yet


def test_weights_change_the_winner():
    members = [RESIDENT, HUNGRY]
    # neighbourhood 3 vs fairness 4 * (1.0 - 0.5): the resident wins by default ...
    assert picks(engine.solve(problem(members, [{}]))) == [(0, 0)]
    # ... and loses when members vote fairness up.
    heavy_fairness = {**WEIGHTS, "fairness": 10.0}
    assert picks(engine.solve(problem(members, [{}], weights=heavy_fairness))) == [(0, 1)]


def test_business_asking_for_a_member_back_counts():
    twins = [{"home": 0}, {"home": 0}]
    assert picks(engine.solve(problem(twins, [{}]))) == [(0, 0)]  # tie: lowest id
    assert picks(engine.solve(problem(twins, [{}], preferred={0: [1]}))) == [(0, 1)]


def test_language_fit_counts():
    members = [{"languages": 0b01}, {"languages": 0b11}]
    assert picks(engine.solve(problem(members, [{"language": 0b10}]))) == [(0, 1)]


def test_waiting_time_counts():
    members = [{"waiting": 1}, {"waiting": 20}]
    assert picks(engine.solve(problem(members, [{}]))) == [(0, 1)]


def test_global_assignment_beats_taking_the_best_member_for_the_first_shift():
    # Member 0 is best everywhere but only member 0 can do shift 1 (skill); a shift-by-shift greedy
    # would give member 0 shift 0 and leave shift 1 empty (member 0 is busy Monday morning once).
    members = [{"skills": 0b1, "home": 0, "waiting": 30}, {"skills": 0}]
    shifts = [{"day": 0}, {"day": 0, "skills": 0b1}]
    assert picks(engine.solve(problem(members, shifts))) == [(0, 1), (1, 0)]


def test_same_data_same_result():
    base = generate(members=400, jobs=60, seed=7)
    first = engine.solve(base.copy())
    second = engine.solve(base.copy())
    assert [(p.shift, p.member, p.score) for p in first.picks] == [(p.shift, p.member, p.score) for p in second.picks]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_exact_solver_matches_brute_force_linear_program_on_small_instances(seed):
    """Phase one (one seat per member) against scipy's dense linear_sum_assignment on the full graph."""
    from scipy.optimize import linear_sum_assignment

    p = generate(members=60, jobs=15, seed=seed)
    s, m, score = engine.feasible_pairs(p)
    ours_s, _ours_m, ours_score = engine.assign_exact(p, s, m, score, p.shift_seats)
    seats = np.repeat(np.arange(p.n_shifts), p.shift_seats)
    penalty = engine.unfilled_penalty(p)
    benefit = np.full((len(seats), p.n_members), -1e9)
    lookup = {(int(a), int(b)): float(c) for a, b, c in zip(s, m, score, strict=True)}
    for row, shift in enumerate(seats):
        for member in range(p.n_members):
            if (int(shift), member) in lookup:
                benefit[row, member] = lookup[(int(shift), member)] + penalty
    rows, cols = linear_sum_assignment(benefit, maximize=True)
    real = benefit[rows, cols] > 0
    best = benefit[rows[real], cols[real]].sum()
    ours = float(ours_score.sum()) + penalty * len(ours_s)
    assert ours == pytest.approx(best, abs=1e-3 * len(seats))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_pruned_round_is_close_to_the_exact_round(seed):
    base = generate(members=800, jobs=120, seed=seed)
    pruned = engine.solve(base.copy())
    exact = engine.solve(base.copy(), prune=False)
    assert pruned.stats["filled"] == exact.stats["filled"]
    assert engine.objective(pruned.picks) >= 0.98 * engine.objective(exact.picks)


@pytest.mark.parametrize("seed", [21, 22])
def test_members_far_below_target_get_at_least_their_share_of_seats(seed):
    base = generate(members=1500, jobs=200, seed=seed)
    _eligible_s, eligible_m, _ = engine.feasible_pairs(base.copy())
    result = engine.solve(base.copy())
    seat_share, member_share = fairness_shares(base, result.picks, eligible_m)
    assert seat_share >= member_share


def test_greedy_baseline_respects_one_seat_per_member():
    p = generate(members=300, jobs=80, seed=3)
    result = engine.solve(p, assigner=engine.assign_greedy, prune=False, max_phases=1)
    members = [pk.member for pk in result.picks]
    assert len(members) == len(set(members))
