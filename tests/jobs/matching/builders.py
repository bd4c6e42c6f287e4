"""Small hand-made engine problems: members and shifts as dicts, everything else sensible defaults."""

from __future__ import annotations

from typing import Any

import numpy as np

from jobs.matching import engine

ALL_WEEK = (1 << 21) - 1
WEIGHTS = {"neighbourhood": 3.0, "fairness": 4.0, "waiting": 2.0, "continuity": 1.5, "language": 1.0}
MONDAY = 0  # day index 0 of these problems is a Monday


def problem(
    members: list[dict[str, Any]],
    shifts: list[dict[str, Any]],
    *,
    coops: int = 1,
    weights: dict[str, float] | None = None,
    max_week_hours: float = 36.0,
    neighbourhood_only: bool = False,
    allow_neighbours: bool = False,
    busy: list[tuple[int, int, int, int]] = (),  # type: ignore[assignment]
    preferred: dict[int, list[int]] | None = None,
    declined: dict[int, list[int]] | None = None,
    days: int = 7,
) -> engine.Problem:
    """Member keys: coop, home, active, avail, skills (int or {day: int}), languages, target, week_hours,
    month_earnings, cap, waiting, local. Shift keys: coop, day, daypart, start, end (minutes), skills,
    language, place (coop bitmask), seats, wage."""
    n_m, n_s = len(members), len(shifts)
    skills_by_day = np.zeros((days, n_m), np.uint64)
    for i, m in enumerate(members):
        sk = m.get("skills", 0)
        for d in range(days):
            skills_by_day[d, i] = np.uint64(sk.get(d, 0) if isinstance(sk, dict) else sk)
    w = weights or WEIGHTS
    starts = [s.get("start", [540, 780, 1080][s.get("daypart", 0)]) for s in shifts]
    ends = [s.get("end", starts[i] + 240) for i, s in enumerate(shifts)]
    pools = [np.array(range(coops) if allow_neighbours else [c], np.int16) for c in range(coops)]
    return engine.Problem(
        member_ids=np.arange(1, n_m + 1, dtype=np.int64),
        member_coop=np.array([m.get("coop", 0) for m in members], np.int16),
        member_home=np.array([m.get("home", m.get("coop", 0)) for m in members], np.int16),
        member_active=np.array([m.get("active", True) for m in members], bool),
        member_avail=np.array([m.get("avail", ALL_WEEK) for m in members], np.int64),
        member_skills_by_day=skills_by_day,
        member_languages=np.array([m.get("languages", 1) for m in members], np.int64),
        member_target=np.array([float(m.get("target", 20)) for m in members]),
        member_week_hours=np.array([[float(m.get("week_hours", 0)) for m in members]] * 2).reshape(2, n_m),
        member_month_earnings=np.array([[float(m.get("month_earnings", 0)) for m in members]]).reshape(1, n_m),
        member_earnings_cap=np.array([float(m.get("cap", np.inf)) for m in members]),
        member_days_waiting=np.array([float(m.get("waiting", 0)) for m in members]),
        member_travel_local=np.array([m.get("local", False) for m in members], bool),
        shift_ids=np.arange(1, n_s + 1, dtype=np.int64),
        shift_coop=np.array([s.get("coop", 0) for s in shifts], np.int16),
        shift_day=np.array([s.get("day", 0) for s in shifts], np.int16),
        shift_weekday=np.array([s.get("day", 0) % 7 for s in shifts], np.int8),
        shift_daypart=np.array([s.get("daypart", 0) for s in shifts], np.int8),
        shift_start=np.array(starts, np.int32),
        shift_end=np.array(ends, np.int32),
        shift_hours=(np.array(ends) - np.array(starts)) / 60.0,
        shift_week=np.array([s.get("day", 0) // 7 for s in shifts], np.int16),
        shift_month=np.zeros(n_s, np.int16),
        shift_skills=np.array([s.get("skills", 0) for s in shifts], np.uint64),
        shift_language=np.array([s.get("language", 0) for s in shifts], np.int64),
        shift_place_coops=np.array([s.get("place", 1 << s.get("coop", 0)) for s in shifts], np.int64),
        shift_seats=np.array([s.get("seats", 1) for s in shifts], np.int32),
        shift_wage=np.array([float(s.get("wage", 15.0)) for s in shifts]),
        coop_pools=pools,
        coop_max_week_hours=np.full(coops, max_week_hours),
        coop_neighbourhood_only=np.full(coops, neighbourhood_only),
        coop_weights=np.tile(np.array([w[name] for name in engine.COMPONENTS]), (coops, 1)),
        busy_member=np.array([b[0] for b in busy], np.int64),
        busy_day=np.array([b[1] for b in busy], np.int64),
        busy_start=np.array([b[2] for b in busy], np.int64),
        busy_end=np.array([b[3] for b in busy], np.int64),
        preferred={k: np.array(sorted(v), np.int64) for k, v in (preferred or {}).items()},
        declined={k: np.array(sorted(v), np.int64) for k, v in (declined or {}).items()},
    )


def picks(result: engine.Result) -> list[tuple[int, int]]:
    """(shift index, member index) of every pick, sorted."""
    return sorted((p.shift, p.member) for p in result.picks)
