"""Benchmark of the matching engine on generated data (in memory, no database).

    python -m bench.matching --scale coop|busy|city [--seed 1] [--no-reference] [--no-greedy]

Prints one JSON line. `seconds` is candidate generation + scoring + assignment (all phases) of the
engine; `floor_seconds` one vectorised pass that only finds and scores the feasible pairs through
the (coop, weekday, day-part) index and the skill bitmask. `optimality_gap` is the global
assignment (phase one: all seats at once, one seat per member, a penalty per open seat) of the
engine against the exact min-cost optimum on the full (unpruned) feasible graph; `round_gap`
compares whole rounds (all phases) the same way. `greedy_*` is a best-pair-first baseline on the
full graph (same phases). See docs/decisions/008-matching-model.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from jobs.matching import engine

SCALES = {
    "coop": {"members": 5_000, "jobs": 500, "coops": 1},
    "busy": {"members": 5_000, "jobs": 2_000, "coops": 1},
    "city": {"members": 100_000, "jobs": 10_000, "coops": 20},
}
N_SKILLS = 24
CERTIFIED_SKILLS = 6  # the first skills need a certificate (food hygiene, forklift, first aid, ...)
ROUND_DAYS = 14
DEFAULT_WEIGHTS = (3.0, 4.0, 2.0, 1.5, 1.0)  # coop/rulebook/defaults.json


def generate(
    *, members: int, jobs: int, coops: int = 1, seed: int = 1, weights: tuple[float, ...] = DEFAULT_WEIGHTS
) -> engine.Problem:
    """A realistic matching problem: skills, availability, certificates, caps, planned work, preferences."""
    rng = np.random.default_rng(seed)
    m_count, s_count = members, jobs  # one shift per job (a repeating job is several jobs here)
    # Members
    member_coop = np.sort(rng.integers(0, coops, m_count)).astype(np.int16)
    lives_in = rng.random(m_count) < 0.85
    member_home = np.where(lives_in, member_coop, -1).astype(np.int16)
    member_active = rng.random(m_count) < 0.97
    # availability: most people offer 4..12 of the 21 day-parts; weekday daytime more common
    slot_p = np.array([0.55, 0.5, 0.25] * 5 + [0.35, 0.35, 0.2] * 2)
    n_slots = rng.integers(3, 13, m_count)
    avail = np.zeros(m_count, np.int64)
    pick_p = slot_p / slot_p.sum()
    for i in range(m_count):
        chosen = rng.choice(21, size=n_slots[i], replace=False, p=pick_p)
        avail[i] = int(np.bitwise_or.reduce(np.left_shift(1, chosen)))
    # skills: popularity falls with index
    skill_p = 1.0 / np.arange(1, N_SKILLS + 1) ** 0.7
    skill_p /= skill_p.sum()
    n_member_skills = rng.integers(0, 6, m_count)
    skills = np.zeros(m_count, np.uint64)
    cert_until = np.full((m_count, CERTIFIED_SKILLS), -1, np.int64)  # last valid day (relative)
    for i in range(m_count):
        if n_member_skills[i]:
            chosen = rng.choice(N_SKILLS, size=n_member_skills[i], replace=False, p=skill_p)
            for k in chosen:
                skills[i] |= np.uint64(1) << np.uint64(k)
                if k < CERTIFIED_SKILLS:
                    cert_until[i, k] = int(rng.integers(-30, ROUND_DAYS)) if rng.random() < 0.15 else 10_000
    days = np.arange(ROUND_DAYS)
    skills_by_day = np.repeat(skills[None, :], ROUND_DAYS, axis=0)
    for k in range(CERTIFIED_SKILLS):
        bit = np.uint64(1) << np.uint64(k)
        expired = cert_until[None, :, k] < days[:, None]  # (D, M)
        skills_by_day[expired] &= ~bit
    languages = np.where(rng.random(m_count) < 0.9, 1, 0).astype(np.int64)  # bit 0: Dutch
    languages |= np.left_shift(1, rng.integers(1, 12, m_count)) * (rng.random(m_count) < 0.5)
    target = rng.choice([0, 8, 12, 16, 20, 24, 32], m_count, p=[0.1, 0.15, 0.15, 0.2, 0.2, 0.1, 0.1]).astype(float)
    weeks, _months = 3, 2
    week_hours = np.round(rng.random((weeks, m_count)) * target[None, :] * 1.1 * (rng.random((weeks, m_count)) < 0.7))
    earnings_cap = np.where(rng.random(m_count) < 0.3, rng.choice([250.0, 400.0, 600.0, 800.0], m_count), np.inf)
    month_earnings = np.minimum(week_hours[:2] * 15.5 * 2.0, np.where(np.isinf(earnings_cap), 1e9, earnings_cap))
    days_waiting = np.where(rng.random(m_count) < 0.1, np.inf, rng.exponential(12.0, m_count))
    travel_local = rng.random(m_count) < 0.25
    # Shifts (one per job)
    shift_coop = np.sort(rng.integers(0, coops, s_count)).astype(np.int16)
    shift_day = rng.integers(0, ROUND_DAYS, s_count).astype(np.int16)
    weekday = ((shift_day + 0) % 7).astype(np.int8)  # day 0 is a Monday
    daypart = rng.choice(3, s_count, p=[0.45, 0.4, 0.15]).astype(np.int8)
    start_hour = np.select(
        [daypart == 0, daypart == 1],
        [rng.integers(7, 12, s_count), rng.integers(12, 17, s_count)],
        rng.integers(17, 20, s_count),
    )
    start = (start_hour * 60 + rng.choice([0, 30], s_count)).astype(np.int32)
    length = rng.choice([120, 180, 240, 300, 360], s_count, p=[0.25, 0.3, 0.25, 0.1, 0.1])
    end = np.minimum(start + length, 23 * 60 + 59).astype(np.int32)
    hours = (end - start) / 60.0
    n_req = rng.choice([0, 1, 2], s_count, p=[0.4, 0.45, 0.15])
    req = np.zeros(s_count, np.uint64)
    for j in range(s_count):
        if n_req[j]:
            for k in rng.choice(N_SKILLS, size=n_req[j], replace=False, p=skill_p):
                req[j] |= np.uint64(1) << np.uint64(k)
    shift_language = np.where(rng.random(s_count) < 0.2, np.left_shift(1, rng.integers(0, 12, s_count)), 0)
    in_area = rng.random(s_count) < 0.9
    place = np.where(in_area, np.left_shift(np.int64(1), shift_coop.astype(np.int64) % 63), 0).astype(np.int64)
    seats = rng.choice([1, 2, 3], s_count, p=[0.55, 0.3, 0.15]).astype(np.int32)
    wage = rng.choice([15.0, 15.25, 15.75, 16.0], s_count)
    # Coops: a quarter let members of the neighbouring coops (by number) work for them
    pools = []
    allow = rng.random(coops) < 0.25
    for c in range(coops):
        pool = [c] + ([x for x in (c - 1, c + 1) if 0 <= x < coops] if allow[c] else [])
        pools.append(np.array(sorted(pool), np.int16))
    # Planned work: a fifth of members already have one or two things in the round days
    busy_member = np.flatnonzero(rng.random(m_count) < 0.2)
    busy_member = np.concatenate([busy_member, busy_member[rng.random(len(busy_member)) < 0.3]])
    busy_day = rng.integers(0, ROUND_DAYS, len(busy_member))
    busy_start = rng.integers(7, 20, len(busy_member)) * 60
    busy_end = busy_start + rng.choice([120, 240], len(busy_member))
    preferred: dict[int, np.ndarray] = {}
    declined: dict[int, np.ndarray] = {}
    coop_members = [np.flatnonzero(member_coop == c) for c in range(coops)]
    for j in np.flatnonzero(rng.random(s_count) < 0.1).tolist():
        pool_members = coop_members[shift_coop[j]]
        if len(pool_members):
            preferred[int(j)] = np.sort(rng.choice(pool_members, size=min(3, len(pool_members)), replace=False))
    for j in np.flatnonzero(rng.random(s_count) < 0.05).tolist():
        pool_members = coop_members[shift_coop[j]]
        if len(pool_members):
            declined[int(j)] = np.sort(rng.choice(pool_members, size=1))
    return engine.Problem(
        member_ids=np.arange(1, m_count + 1, dtype=np.int64),
        member_coop=member_coop,
        member_home=member_home,
        member_active=member_active,
        member_avail=avail,
        member_skills_by_day=skills_by_day,
        member_languages=languages,
        member_target=target,
        member_week_hours=week_hours.astype(np.float64),
        member_month_earnings=month_earnings.astype(np.float64),
        member_earnings_cap=earnings_cap,
        member_days_waiting=days_waiting,
        member_travel_local=travel_local,
        shift_ids=np.arange(1, s_count + 1, dtype=np.int64),
        shift_coop=shift_coop,
        shift_day=shift_day,
        shift_weekday=weekday,
        shift_daypart=daypart,
        shift_start=start,
        shift_end=end,
        shift_hours=hours,
        shift_week=(shift_day // 7).astype(np.int16),
        shift_month=(shift_day >= 10).astype(np.int16),
        shift_skills=req,
        shift_language=shift_language.astype(np.int64),
        shift_place_coops=place,
        shift_seats=seats,
        shift_wage=wage,
        coop_pools=pools,
        coop_max_week_hours=np.full(coops, 36.0),
        coop_neighbourhood_only=np.zeros(coops, bool),
        coop_weights=np.tile(np.array(weights, np.float64), (coops, 1)),
        busy_member=busy_member.astype(np.int64),
        busy_day=busy_day.astype(np.int64),
        busy_start=busy_start.astype(np.int64),
        busy_end=busy_end.astype(np.int64),
        preferred=preferred,
        declined=declined,
    )


def fairness_shares(problem: engine.Problem, picks: list[engine.Pick], eligible: np.ndarray) -> tuple[float, float]:
    """(needy seat share, needy member share): needy = under half of own target hours in the shift's week."""
    p = problem
    # needy measured before the round (first week of the round), among members with a target
    needy = (p.member_target > 0) & (p.member_week_hours[0] < p.member_target / 2)
    eligible_idx = np.unique(eligible)
    member_share = float(needy[eligible_idx].mean()) if len(eligible_idx) else 0.0
    picked = np.array([pk.member for pk in picks], np.int64)
    seat_share = float(needy[picked].mean()) if len(picked) else 0.0
    return seat_share, member_share


def _gap(reference: float, value: float) -> float:
    return max(0.0, (reference - value) / reference) if reference > 0 else 0.0


def _phase_one(picks: list[engine.Pick]) -> tuple[float, int]:
    """(score, filled) of the first phase: the global assignment, one seat per member."""
    first = [p for p in picks if p.phase == 1]
    return float(sum(p.score for p in first)), len(first)


def _phase_one_gap(problem: engine.Problem, reference: list[engine.Pick], picks: list[engine.Pick]) -> float:
    """Gap of the first phase's objective (score - penalty per open seat) against the exact one, relative
    to the exact score."""
    penalty = engine.unfilled_penalty(problem)
    seats = int(problem.shift_seats.sum())
    ref_score, ref_filled = _phase_one(reference)
    score, filled = _phase_one(picks)
    ref_objective = ref_score - penalty * (seats - ref_filled)
    objective = score - penalty * (seats - filled)
    return max(0.0, (ref_objective - objective) / ref_score) if ref_score > 0 else 0.0


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="coop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    parser.add_argument("--no-reference", action="store_true", help="skip the exact reference solve")
    parser.add_argument("--no-greedy", action="store_true")
    args = parser.parse_args(argv)
    size = SCALES[args.scale]
    base = generate(members=size["members"], jobs=size["jobs"], coops=size["coops"], seed=args.seed)
    seats = int(base.shift_seats.sum())

    floor_times = []
    for _ in range(args.repeat):
        problem = base.copy()
        t = time.perf_counter()
        eligible_s, eligible_m, _sc = engine.feasible_pairs(problem)
        floor_times.append(time.perf_counter() - t)
    floor_seconds = min(floor_times)

    engine_times = []
    result = None
    for _ in range(args.repeat):
        problem = base.copy()
        t = time.perf_counter()
        result = engine.solve(problem)
        engine_times.append(time.perf_counter() - t)
    assert result is not None
    seconds = min(engine_times)
    needy_seat_share, needy_member_share = fairness_shares(base, result.picks, eligible_m)

    out: dict[str, object] = {
        "scale": args.scale,
        "members": size["members"],
        "jobs": size["jobs"],
        "seats": seats,
        "seconds": round(seconds, 4),
        "floor_seconds": round(floor_seconds, 4),
        "ratio": round(seconds / floor_seconds, 2),
        "optimality_gap": None,
        "needy_seat_share": round(needy_seat_share, 4),
        "needy_member_share": round(needy_member_share, 4),
        "peak_rss_mb": None,
        "filled": result.stats["filled"],
        "phases": result.stats["phases"],
        "feasible_pairs": len(eligible_s),
        "pruned_pairs": result.stats["pairs"],
        "engine_score": round(engine.objective(result.picks), 3),
        "seconds_assign": round(float(result.stats["seconds_assign"]), 4),
    }
    # peak so far: data + floor pass + engine (the exact reference and greedy below need more)
    out["peak_rss_mb_engine"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    reference = None
    if not args.no_reference:
        problem = base.copy()
        t = time.perf_counter()
        reference = engine.solve(problem, prune=False)
        out["reference_seconds"] = round(time.perf_counter() - t, 3)
        out["reference_filled"] = reference.stats["filled"]
        out["reference_score"] = round(engine.objective(reference.picks), 3)
        # The model's global assignment is phase one; later phases fill what one seat each leaves open.
        out["optimality_gap"] = round(_phase_one_gap(base, reference.picks, result.picks), 5)
        out["round_gap"] = round(_gap(engine.objective(reference.picks), engine.objective(result.picks)), 5)
    if not args.no_greedy:
        problem = base.copy()
        t = time.perf_counter()
        greedy = engine.solve(problem, assigner=engine.assign_greedy, prune=False)
        out["greedy_seconds"] = round(time.perf_counter() - t, 4)
        out["greedy_filled"] = greedy.stats["filled"]
        if reference is not None:
            out["greedy_gap"] = round(_phase_one_gap(base, reference.picks, greedy.picks), 5)
            out["greedy_round_gap"] = round(_gap(engine.objective(reference.picks), engine.objective(greedy.picks)), 5)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
