"""The matching engine: hard constraints, fair score, global assignment. Pure NumPy/SciPy, no Django.

The model (docs/decisions/008-matching-model.md):

- A *pair* (shift s, member m) is feasible when every hard constraint holds: active, in the coop's
  scope (own coop, or a neighbouring one if the shift's coop allows it), all required skills valid
  on the shift date, available in the shift's (weekday, day-part), no overlap with work already
  planned or offered, weekly hours cap (rulebook), own monthly earnings cap, travel preference,
  neighbourhood policy, and not declined before.
- Its score is a weighted sum (weights from the rulebook): lives in the neighbourhood, fewest hours
  against own target (stapelbaan), waiting time since the last job, continuity (the business asked
  for this member), language fit.
- A round is solved in *phases*. Each phase is one exact min-cost assignment of all still-open seats
  at once where every member takes at most one seat, with an "unfilled" column per seat so it
  always solves. After a phase, the members' hours, earnings and planned intervals are updated and
  the next phase offers the seats still open (so a member can get a second, non-overlapping shift
  within the caps, with a lower fairness score). Phases stop when one fills nothing.
- Speed: candidates come from an index on (coop, weekday, day-part) and a skill bitmask test, one
  dense block per index cell; each shift keeps only its best `2 * seats + extra` candidates, and
  the next-best members of each cell keep their best few shifts, before the assignment (pruning).
  The benchmark measures what pruning costs against the exact optimum.

Everything is deterministic: inputs are ordered by id, ties keep that order.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

# Score components, in this order everywhere (weights, reasons, tests).
COMPONENTS = ("neighbourhood", "fairness", "waiting", "continuity", "language")
# Hard constraints, in the order a coordinator reads them (the funnel on the round page).
CHECKS = (
    "active",
    "scope",
    "availability",
    "skills",
    "overlap",
    "weekly_cap",
    "earnings_cap",
    "travel",
    "neighbourhood_policy",
    "declined_before",
)
# Scale of the waiting component: a member who waited this long (or never worked) gets all of it.
# A normalisation of the scale, not a policy: the rulebook weight says how much waiting counts.
WAITING_FULL_DAYS = 28.0
# Scores are compared in thousandths so the assignment works on integers (exact, deterministic).
SCORE_QUANTUM = 1000
NO_CAP = np.inf
# Pruning (solver parameters, not policy; the benchmark measures their cost against the exact
# optimum): each shift keeps its best 2 * seats + PRUNE_EXTRA candidates; the next-best
# MEMBER_FACTOR * (seats of the cell) members of a cell keep MEMBER_K shifts each, picked with a
# SPREAD of at most that many points so they do not all land on the same shifts.
PRUNE_EXTRA = int(os.environ.get("WK_MATCHING_PRUNE_EXTRA", "10"))
MEMBER_FACTOR = float(os.environ.get("WK_MATCHING_MEMBER_FACTOR", "5"))
MEMBER_K = int(os.environ.get("WK_MATCHING_MEMBER_K", "2"))
MAX_PASSES = 4  # graph growths per phase
SPREAD = float(os.environ.get("WK_MATCHING_SPREAD", "0.2"))


@dataclass
class Problem:
    """One matching problem as arrays. Member index m, shift index s, day/week/month indexes are local.

    Coop indexes are local too: a DB round uses 0 for its own coop and 1.. for neighbouring coops.
    """

    # members (M)
    member_ids: np.ndarray  # int64, ascending
    member_coop: np.ndarray  # int16: coop the member belongs to
    member_home: np.ndarray  # int16: coop whose neighbourhood the member lives in (-1: none)
    member_active: np.ndarray  # bool
    member_avail: np.ndarray  # int64: 21-bit (weekday * 3 + daypart) mask
    member_skills_by_day: np.ndarray  # uint64 (D, M): valid skill bits on each round day
    member_languages: np.ndarray  # int64 bitmask
    member_target: np.ndarray  # float64 hours per week wanted (0: none)
    member_week_hours: np.ndarray  # float64 (W, M): hours planned/offered in each round week
    member_month_earnings: np.ndarray  # float64 (Mo, M): wage planned/offered in each round month
    member_earnings_cap: np.ndarray  # float64 (inf: none)
    member_days_waiting: np.ndarray  # float64 days since the last job (inf: never worked)
    member_travel_local: np.ndarray  # bool: only in the own coop's neighbourhood
    # shifts (S)
    shift_ids: np.ndarray  # int64
    shift_coop: np.ndarray  # int16
    shift_day: np.ndarray  # int16 index into the round days
    shift_weekday: np.ndarray  # int8 0..6
    shift_daypart: np.ndarray  # int8 0..2
    shift_start: np.ndarray  # int32 minutes since midnight
    shift_end: np.ndarray  # int32
    shift_hours: np.ndarray  # float64
    shift_week: np.ndarray  # int16 index into round weeks
    shift_month: np.ndarray  # int16 index into round months
    shift_skills: np.ndarray  # uint64 required skill bits
    shift_language: np.ndarray  # int64 bitmask (0: no language asked)
    shift_place_coops: np.ndarray  # int64 bitmask of coops whose neighbourhood holds the job's place
    shift_seats: np.ndarray  # int32 open seats
    shift_wage: np.ndarray  # float64 member wage per hour
    # per coop (C)
    coop_pools: list[np.ndarray]  # member coops each coop's shifts may draw from (incl. itself)
    coop_max_week_hours: np.ndarray  # float64
    coop_neighbourhood_only: np.ndarray  # bool
    coop_weights: np.ndarray  # float64 (C, len(COMPONENTS))
    # sparse facts
    busy_member: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # planned/offered
    busy_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    busy_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    busy_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    preferred: dict[int, np.ndarray] = field(default_factory=dict)  # shift -> member indexes asked back
    declined: dict[int, np.ndarray] = field(default_factory=dict)  # shift -> member indexes who said no

    def copy(self) -> Problem:
        """A deep copy (solve() updates seats, hours and planned work in place)."""
        return copy.deepcopy(self)

    @property
    def n_members(self) -> int:
        return len(self.member_ids)

    @property
    def n_shifts(self) -> int:
        return len(self.shift_ids)


@dataclass
class Pick:
    shift: int  # shift index
    member: int  # member index
    score: float
    phase: int
    components: dict[str, float] = field(default_factory=dict)


@dataclass
class Result:
    picks: list[Pick]
    unfilled: np.ndarray  # int32 (S): seats left open per shift
    stats: dict[str, float | int]


# --- candidate generation ------------------------------------------------------------------------


def member_index(problem: Problem, exclude: np.ndarray | None = None) -> dict[tuple[int, int], np.ndarray]:
    """Active members per (coop, weekday*3+daypart) slot: the index candidate generation walks.

    `exclude` (bool per member) leaves members out, e.g. those who got a seat earlier in this phase.
    """
    index: dict[tuple[int, int], np.ndarray] = {}
    active = np.flatnonzero(problem.member_active if exclude is None else problem.member_active & ~exclude)
    coops = problem.member_coop[active]
    avail = problem.member_avail[active]
    for coop in np.unique(coops):
        in_coop = active[coops == coop]
        avail_coop = avail[coops == coop]
        for slot in range(21):
            index[(int(coop), slot)] = in_coop[(avail_coop >> slot) & 1 == 1]
    return index


def shift_blocks(problem: Problem, shifts: np.ndarray) -> Iterator[tuple[int, int, np.ndarray]]:
    """The given shifts grouped by (coop, slot), in a fixed order."""
    slot = problem.shift_weekday[shifts].astype(np.int64) * 3 + problem.shift_daypart[shifts]
    key = problem.shift_coop[shifts].astype(np.int64) * 32 + slot
    order = np.lexsort((shifts, key))
    shifts, key = shifts[order], key[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    for part in np.split(np.arange(len(shifts)), bounds):
        if len(part):
            k = int(key[part[0]])
            yield k // 32, k % 32, shifts[part]


def check_parts(
    problem: Problem, s: np.ndarray, m: np.ndarray, coop: int, *, dense_only: bool = False
) -> dict[str, np.ndarray]:
    """Each hard constraint as a boolean array, broadcast over shift indexes `s` and member indexes `m`.

    `s` and `m` broadcast against each other (a column against a row for a block, or two equal-length
    vectors for pairs). All shifts must belong to `coop`. One implementation serves the engine, the
    round page's funnel and the member's explanation.
    """
    p = problem
    week = p.shift_week[s]
    required = p.shift_skills[s]
    hours = p.shift_hours[s]
    week_hours = p.member_week_hours[week, m]
    pay = p.shift_wage[s] * hours
    parts: dict[str, np.ndarray] = {}
    if not dense_only:
        # active, scope and availability hold by construction of the index cells (see block_scores)
        parts["active"] = np.broadcast_to(p.member_active[m], np.broadcast_shapes(np.shape(s), np.shape(m)))
        parts["scope"] = np.isin(p.member_coop[m], p.coop_pools[coop])
        parts["availability"] = (
            (p.member_avail[m] >> (p.shift_weekday[s].astype(np.int64) * 3 + p.shift_daypart[s])) & 1
        ) == 1
    parts |= {
        "skills": (p.member_skills_by_day[p.shift_day[s], m] & required) == required,
        "weekly_cap": week_hours + hours <= p.coop_max_week_hours[coop] + 1e-9,
        "earnings_cap": p.member_month_earnings[p.shift_month[s], m] + pay <= p.member_earnings_cap[m] + 1e-9,
        "travel": ~p.member_travel_local[m]
        | (((p.shift_place_coops[s] >> p.member_coop[m].astype(np.int64)) & 1) == 1),
    }
    if p.coop_neighbourhood_only[coop]:
        parts["neighbourhood_policy"] = p.member_home[m] == coop
    return parts


def _sparse_exclusions(problem: Problem, shifts: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) positions in a block that overlap planned work or were declined before.

    `members` is sorted. Planned work is sparse (a few intervals per member), so this is a join on
    (member, day), not a dense test.
    """
    p = problem
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    if len(p.busy_member):
        days = p.shift_day[shifts]
        for day in np.unique(days):
            on_day = p.busy_day == day
            if not on_day.any():
                continue
            b_member, b_start, b_end = p.busy_member[on_day], p.busy_start[on_day], p.busy_end[on_day]
            pos = np.searchsorted(members, b_member)
            pos_clip = np.minimum(pos, len(members) - 1)
            present = (pos < len(members)) & (members[pos_clip] == b_member)
            if not present.any():
                continue
            b_col, b_start, b_end = pos_clip[present], b_start[present], b_end[present]
            for row in np.flatnonzero(days == day).tolist():
                s = shifts[row]
                hit = (b_start < p.shift_end[s]) & (p.shift_start[s] < b_end)
                if hit.any():
                    cols.append(b_col[hit])
                    rows.append(np.full(int(hit.sum()), row))
    for row, shift in enumerate(shifts.tolist()):
        said_no = p.declined.get(shift)
        if said_no is not None and len(said_no):
            pos = np.searchsorted(members, said_no)
            pos_clip = np.minimum(pos, len(members) - 1)
            found = (pos < len(members)) & (members[pos_clip] == said_no)
            cols.append(pos_clip[found])
            rows.append(np.full(int(found.sum()), row))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def score_parts(problem: Problem, s: np.ndarray, m: np.ndarray, coop: int) -> dict[str, np.ndarray]:
    """Each score component in [0, 1] (before weights), broadcast like `check_parts`."""
    p = problem
    target = p.member_target[m]
    week_hours = p.member_week_hours[p.shift_week[s], m]
    with np.errstate(divide="ignore", invalid="ignore"):
        fairness = np.where(target > 0, np.clip((target - week_hours) / np.where(target > 0, target, 1), 0, 1), 0.0)
    shape = np.broadcast_shapes(np.shape(s), np.shape(m))
    continuity = np.zeros(shape)
    return {
        "neighbourhood": np.broadcast_to((p.member_home[m] == coop).astype(np.float64), shape),
        "fairness": fairness,
        "waiting": np.broadcast_to(np.minimum(p.member_days_waiting[m] / WAITING_FULL_DAYS, 1.0), shape),
        "continuity": continuity,
        "language": ((p.member_languages[m] & p.shift_language[s]) != 0).astype(np.float64),
    }


def _preferred_positions(problem: Problem, shifts: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for row, s in enumerate(shifts):
        wanted = problem.preferred.get(int(s))
        if wanted is not None and len(wanted):
            pos = np.searchsorted(members, wanted)
            pos_clip = np.minimum(pos, len(members) - 1)
            found = (pos < len(members)) & (members[pos_clip] == wanted)
            cols.append(pos_clip[found])
            rows.append(np.full(int(found.sum()), row))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def block_scores(problem: Problem, coop: int, shifts: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(feasible, score) dense matrices for shifts x members of one index cell. `members` sorted.

    The same tests and sums as `check_parts` and `score_parts` (and `_block_scores_plain`, which
    the tests compare it with), element for element and in the same order, so the floats are
    identical. What only depends on the member, or on the member and a shift's day, week, month,
    language or the member's coop, is computed once per distinct value (a cell has a few) and
    gathered into the block instead of gathered per shift.
    """
    p = problem
    m = members
    weights = p.coop_weights[coop]
    # per distinct day / week / month / language of the block's shifts
    u_day, day_of = np.unique(p.shift_day[shifts], return_inverse=True)
    u_week, week_of = np.unique(p.shift_week[shifts], return_inverse=True)
    u_month, month_of = np.unique(p.shift_month[shifts], return_inverse=True)
    u_lang, lang_of = np.unique(p.shift_language[shifts], return_inverse=True)
    required = p.shift_skills[shifts][:, None]
    hours = p.shift_hours[shifts]
    pay = p.shift_wage[shifts] * hours
    # active, availability and scope hold by construction of the index and the pool.
    skills = p.member_skills_by_day[u_day][:, m][day_of]
    feasible = (skills & required) == required
    week_hours = p.member_week_hours[u_week][:, m]  # (weeks, M)
    feasible &= week_hours[week_of] + hours[:, None] <= p.coop_max_week_hours[coop] + 1e-9
    earnings = p.member_month_earnings[u_month][:, m]
    feasible &= earnings[month_of] + pay[:, None] <= p.member_earnings_cap[m][None, :] + 1e-9
    local = p.member_travel_local[m]
    if local.any():
        m_coop = p.member_coop[m].astype(np.int64)
        u_coop, coop_of = np.unique(m_coop, return_inverse=True)
        place_ok = ((p.shift_place_coops[shifts][:, None] >> u_coop[None, :]) & 1) == 1  # (S, coops)
        feasible &= ~local[None, :] | place_ok[:, coop_of]
    if p.coop_neighbourhood_only[coop]:
        feasible &= (p.member_home[m] == coop)[None, :]
    rows, cols = _sparse_exclusions(problem, shifts, members)
    feasible[rows, cols] = False
    # score: same components, weights and order of the sum as score_parts + _block_scores_plain
    target = p.member_target[m]
    with np.errstate(divide="ignore", invalid="ignore"):
        fairness = np.where(
            target > 0, np.clip((target - week_hours) / np.where(target > 0, target, 1), 0, 1), 0.0
        )  # (weeks, M)
    w = dict(zip(COMPONENTS, weights.tolist(), strict=True))
    neighbourhood = w["neighbourhood"] * (p.member_home[m] == coop).astype(np.float64)
    waiting = w["waiting"] * np.minimum(p.member_days_waiting[m] / WAITING_FULL_DAYS, 1.0)
    language = w["language"] * ((p.member_languages[m][None, :] & u_lang[:, None]) != 0).astype(np.float64)
    score = (0 + neighbourhood)[None, :] + w["fairness"] * fairness[week_of]
    score += waiting[None, :]
    score += language[lang_of]
    rows, cols = _preferred_positions(problem, shifts, members)
    score[rows, cols] += weights[COMPONENTS.index("continuity")]
    return feasible, score


def _block_scores_plain(
    problem: Problem, coop: int, shifts: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """block_scores written with check_parts and score_parts directly (the tests' reference)."""
    s = shifts[:, None]
    m = members[None, :]
    parts = check_parts(problem, s, m, coop, dense_only=True)
    feasible = parts["skills"] & parts["weekly_cap"] & parts["earnings_cap"] & parts["travel"]
    if "neighbourhood_policy" in parts:
        feasible &= parts["neighbourhood_policy"]
    rows, cols = _sparse_exclusions(problem, shifts, members)
    feasible[rows, cols] = False
    weights = problem.coop_weights[coop]
    comp = score_parts(problem, s, m, coop)
    score = sum(weights[i] * comp[name] for i, name in enumerate(COMPONENTS) if name != "continuity")
    score = np.broadcast_to(score, feasible.shape).copy()
    rows, cols = _preferred_positions(problem, shifts, members)
    score[rows, cols] += weights[COMPONENTS.index("continuity")]
    return feasible, score


def _pool_members(problem: Problem, index: dict[tuple[int, int], np.ndarray], coop: int, slot: int) -> np.ndarray:
    pool = [index.get((int(c), slot)) for c in problem.coop_pools[coop]]
    arrays = [a for a in pool if a is not None and len(a)]
    if not arrays:
        return np.zeros(0, np.int64)
    if len(arrays) == 1:
        return arrays[0]
    return np.sort(np.concatenate(arrays))


def feasible_pairs(
    problem: Problem, shifts: np.ndarray | None = None, index: dict[tuple[int, int], np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All feasible (shift, member, score) triples: one vectorised pass through the index."""
    if shifts is None:
        shifts = np.flatnonzero(problem.shift_seats > 0)
    if index is None:
        index = member_index(problem)
    out_s, out_m, out_score = [], [], []
    for coop, slot, block in shift_blocks(problem, shifts):
        members = _pool_members(problem, index, coop, slot)
        if not len(members):
            continue
        feasible, score = block_scores(problem, coop, block, members)
        rows, cols = np.nonzero(feasible)
        out_s.append(block[rows])
        out_m.append(members[cols])
        out_score.append(score[rows, cols])
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(out_s), np.concatenate(out_m), np.concatenate(out_score)


def pruned_pairs(
    problem: Problem, shifts: np.ndarray, index: dict[tuple[int, int], np.ndarray], *, extra: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like feasible_pairs, but each shift keeps only its best `2 * seats + extra` candidates."""
    out_s, out_m, out_score = [], [], []
    for coop, slot, block in shift_blocks(problem, shifts):
        members = _pool_members(problem, index, coop, slot)
        if not len(members):
            continue
        feasible, score = block_scores(problem, coop, block, members)
        block_seats = int(problem.shift_seats[block].sum())
        keep = 2 * problem.shift_seats[block].astype(np.int64) + extra
        k = int(min(keep.max(), len(members)))
        score = np.where(feasible, score, -np.inf)
        if k < len(members):
            top = np.argpartition(-score, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(len(members)), (len(block), len(members)))
        top_score = np.take_along_axis(score, top, axis=1)
        rank = np.argsort(-top_score, axis=1, kind="stable")
        top = np.take_along_axis(top, rank, axis=1)
        top_score = np.take_along_axis(top_score, rank, axis=1)
        mask = np.isfinite(top_score) & (np.arange(top.shape[1])[None, :] < keep[:, None])
        rows = np.nonzero(mask)[0]
        out_s.append(block[rows])
        out_m.append(members[top[mask]])
        out_score.append(top_score[mask])
        # Member side: the next-best members of the cell (not on any short list) each keep their
        # best few shifts, so seats whose short lists are taken elsewhere still have someone deeper.
        if MEMBER_FACTOR and k < len(members):
            listed = np.zeros(len(members), dtype=bool)
            listed[top[mask]] = True
            best = np.where(listed, -np.inf, score.max(axis=0))
            r = int(min(MEMBER_FACTOR * block_seats, int(np.isfinite(best).sum())))
            if r > 0:
                deeper = np.argpartition(-best, r - 1)[:r]
                sub = score[:, deeper]
                kk = min(MEMBER_K, len(block))
                if kk < len(block):
                    # A member's scores for the shifts of one cell are nearly equal; a fixed pseudo-random
                    # spread (by shift and member id) keeps every deeper member from landing on the same
                    # first shifts. It only chooses edges; scores stay exact.
                    spread = (
                        (
                            problem.shift_ids[block][:, None] * 2654435761
                            + problem.member_ids[members[deeper]][None, :] * 40503
                        )
                        % 1009
                    ) / 1009.0
                    top_rows = np.argpartition(-(sub + SPREAD * spread), kk - 1, axis=0)[:kk, :]
                else:
                    top_rows = np.broadcast_to(np.arange(len(block))[:, None], (len(block), len(deeper)))
                sub_score = np.take_along_axis(sub, top_rows, axis=0)
                ok = np.isfinite(sub_score)
                cols = np.broadcast_to(deeper[None, :], top_rows.shape)[ok]
                out_s.append(block[top_rows[ok]])
                out_m.append(members[cols])
                out_score.append(sub_score[ok])
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(out_s), np.concatenate(out_m), np.concatenate(out_score)


# --- assignment ------------------------------------------------------------------------------------


def unfilled_penalty(problem: Problem) -> float:
    """What leaving one seat open costs: more than the best possible score, so filling comes first."""
    return float(problem.coop_weights.sum(axis=1).max()) + 1.0


def assign_exact(
    problem: Problem, ps: np.ndarray, pm: np.ndarray, pscore: np.ndarray, seats: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min-cost assignment of seats to members (one seat per member) with an unfilled column per seat.

    `seats[s]` open seats per shift; pairs (ps, pm, pscore). Returns picked (shift, member, score).
    """
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if not len(ps):
        return empty
    shifts, s_local = np.unique(ps, return_inverse=True)
    # Seat rows grouped by (coop, day, day-part), then shift: the shifts that compete for the same
    # members come one after the other, which shortens the solver's augmenting-path searches (about
    # a third less time at the busy scale). It only changes which of several equal optima is found.
    cell_order = np.lexsort(
        (shifts, problem.shift_daypart[shifts], problem.shift_day[shifts], problem.shift_coop[shifts])
    )
    rank = np.empty(len(shifts), np.int64)
    rank[cell_order] = np.arange(len(shifts))
    shifts, s_local = shifts[cell_order], rank[s_local.reshape(-1)]
    members, m_local = np.unique(pm, return_inverse=True)
    n_seats_shift = seats[shifts].astype(np.int64)
    seat_start = np.concatenate([[0], np.cumsum(n_seats_shift)])
    n_rows = int(seat_start[-1])
    # Quantised integer costs: exact comparisons, no float ties drifting between runs.
    q_score = np.rint(pscore * SCORE_QUANTUM).astype(np.int64)
    top = int(q_score.max()) + 1 if len(q_score) else 1
    penalty = int(unfilled_penalty(problem) * SCORE_QUANTUM) + top
    # Each pair becomes one edge per seat of its shift (seats of one shift are interchangeable).
    reps = n_seats_shift[s_local]
    pair_rep = np.repeat(np.arange(len(ps)), reps)
    offset = np.arange(len(pair_rep)) - np.repeat(np.cumsum(reps) - reps, reps)
    row = seat_start[s_local[pair_rep]] + offset
    col = m_local[pair_rep]
    cost = top - q_score[pair_rep]  # >= 1
    n_cols = len(members) + n_rows
    rows_all = np.concatenate([row, np.arange(n_rows)])
    cols_all = np.concatenate([col, len(members) + np.arange(n_rows)])
    cost_all = np.concatenate([cost, np.full(n_rows, top + penalty)]).astype(np.float64)
    graph = csr_matrix((cost_all, (rows_all, cols_all)), shape=(n_rows, n_cols))
    graph.sort_indices()
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < len(members)
    r, c = r[real], c[real]
    seat_shift = np.repeat(np.arange(len(shifts)), n_seats_shift)
    pick_s = shifts[seat_shift[r]]
    pick_m = members[c]
    # the score of each picked pair, found by its (shift, member) key
    key = ps.astype(np.int64) * (problem.n_members + 1) + pm
    order = np.argsort(key, kind="stable")
    pos = np.searchsorted(key[order], pick_s.astype(np.int64) * (problem.n_members + 1) + pick_m)
    pick_score = pscore[order][pos]
    order = np.lexsort((pick_m, pick_s))
    return pick_s[order], pick_m[order], pick_score[order]


def assign_greedy(
    problem: Problem, ps: np.ndarray, pm: np.ndarray, pscore: np.ndarray, seats: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline: best pairs first (score, then shift id, then member id), one seat per member."""
    order = np.lexsort((pm, ps, -pscore))
    left = seats.astype(np.int64).copy()
    used = np.zeros(problem.n_members, dtype=bool)
    out_s, out_m, out_sc = [], [], []
    for i in order.tolist():
        s, m = int(ps[i]), int(pm[i])
        if left[s] > 0 and not used[m]:
            left[s] -= 1
            used[m] = True
            out_s.append(s)
            out_m.append(m)
            out_sc.append(float(pscore[i]))
    return np.array(out_s, np.int64), np.array(out_m, np.int64), np.array(out_sc)


Assigner = Callable[
    [Problem, np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]
]


def _apply_picks(problem: Problem, pick_s: np.ndarray, pick_m: np.ndarray) -> None:
    """Book picked seats into the members' state so the next phase sees them."""
    p = problem
    np.add.at(p.member_week_hours, (p.shift_week[pick_s], pick_m), p.shift_hours[pick_s])
    np.add.at(p.member_month_earnings, (p.shift_month[pick_s], pick_m), p.shift_wage[pick_s] * p.shift_hours[pick_s])
    p.busy_member = np.concatenate([p.busy_member, pick_m])
    p.busy_day = np.concatenate([p.busy_day, p.shift_day[pick_s].astype(np.int64)])
    p.busy_start = np.concatenate([p.busy_start, p.shift_start[pick_s].astype(np.int64)])
    p.busy_end = np.concatenate([p.busy_end, p.shift_end[pick_s].astype(np.int64)])
    np.subtract.at(p.shift_seats, pick_s, 1)


def solve(
    problem: Problem,
    *,
    assigner: Assigner = assign_exact,
    prune: bool = True,
    extra: int | None = None,
    max_phases: int = 6,
) -> Result:
    """Run a round on `problem` (which it updates: seats, hours, earnings, planned work)."""
    extra = PRUNE_EXTRA if extra is None else extra
    t0 = time.perf_counter()
    index = member_index(problem)
    t_index = time.perf_counter() - t0
    picks: list[Pick] = []
    timings = {"index": t_index, "candidates": 0.0, "assign": 0.0}
    pairs_total = 0
    phases = 0
    open_seats = int(problem.shift_seats.sum())
    passes = 0
    for phase in range(1, max_phases + 1):
        # One phase = every member at most one seat, all open seats in one exact assignment. With
        # pruning, when seats stay open the phase grows its graph with the candidates of those seats
        # among the members the solution left free, and solves the union again from scratch, until
        # nothing new fills: the phase's answer is the exact optimum of the union graph.
        shifts = np.flatnonzero(problem.shift_seats > 0)
        if not len(shifts):
            break
        t = time.perf_counter()
        if prune:
            ps, pm, psc = pruned_pairs(problem, shifts, index, extra=extra)
        else:
            ps, pm, psc = feasible_pairs(problem, shifts, index)
        timings["candidates"] += time.perf_counter() - t
        best_filled = -1
        for _pass in range(MAX_PASSES):
            t = time.perf_counter()
            pick_s, pick_m, pick_sc = assigner(problem, ps, pm, psc, problem.shift_seats)
            timings["assign"] += time.perf_counter() - t
            passes += 1
            if not prune or len(pick_s) <= best_filled:
                break
            best_filled = len(pick_s)
            still_open = problem.shift_seats.astype(np.int64).copy()
            np.subtract.at(still_open, pick_s, 1)
            open_shifts = np.flatnonzero(still_open > 0)
            if not len(open_shifts):
                break
            taken = np.zeros(problem.n_members, dtype=bool)
            taken[pick_m] = True
            t = time.perf_counter()
            ns, nm, nsc = pruned_pairs(problem, open_shifts, member_index(problem, exclude=taken), extra=extra)
            timings["candidates"] += time.perf_counter() - t
            key = ps.astype(np.int64) * (problem.n_members + 1) + pm
            new_key = ns.astype(np.int64) * (problem.n_members + 1) + nm
            fresh = ~np.isin(new_key, key)
            if not fresh.any():
                break
            ps = np.concatenate([ps, ns[fresh]])
            pm = np.concatenate([pm, nm[fresh]])
            psc = np.concatenate([psc, nsc[fresh]])
        pairs_total += len(ps)
        phases = phase
        if not len(pick_s):
            break
        parts = pair_components(problem, pick_s, pick_m)
        columns = [parts[name].tolist() for name in COMPONENTS]
        picks.extend(
            Pick(s, m, sc, phase, {name: round(v, 4) for name, v in zip(COMPONENTS, values, strict=True)})
            for s, m, sc, *values in zip(pick_s.tolist(), pick_m.tolist(), pick_sc.tolist(), *columns, strict=True)
        )
        _apply_picks(problem, pick_s, pick_m)
    stats: dict[str, float | int] = {
        "open_seats": open_seats,
        "filled": len(picks),
        "unfilled": int(problem.shift_seats.sum()),
        "phases": phases,
        "passes": passes,
        "pairs": pairs_total,
        "score_total": float(sum(p.score for p in picks)),
        "seconds_total": time.perf_counter() - t0,
        **{f"seconds_{k}": v for k, v in timings.items()},
    }
    return Result(picks=picks, unfilled=problem.shift_seats.copy(), stats=stats)


# --- explanations (small numbers of pairs) --------------------------------------------------------


def pair_components(problem: Problem, s: np.ndarray | list[int], m: np.ndarray | list[int]) -> dict[str, np.ndarray]:
    """Weighted score components for equal-length vectors of shift and member indexes."""
    s = np.asarray(s, np.int64)
    m = np.asarray(m, np.int64)
    out = {name: np.zeros(len(s)) for name in COMPONENTS}
    for coop in np.unique(problem.shift_coop[s]) if len(s) else []:
        sel = problem.shift_coop[s] == coop
        parts = score_parts(problem, s[sel], m[sel], int(coop))
        weights = problem.coop_weights[int(coop)]
        for i, name in enumerate(COMPONENTS):
            out[name][sel] = weights[i] * np.asarray(parts[name], np.float64)
        asked_back = {
            int(ss): set(problem.preferred[int(ss)].tolist())
            for ss in np.unique(s[sel]).tolist()
            if int(ss) in problem.preferred
        }
        wanted = np.array(
            [mm in asked_back.get(ss, ()) for ss, mm in zip(s[sel].tolist(), m[sel].tolist(), strict=True)], bool
        )
        out["continuity"][sel] = weights[COMPONENTS.index("continuity")] * wanted
    return out


def pair_checks(problem: Problem, s: int, m: int) -> dict[str, bool]:
    """Every hard constraint for one pair, passed or not (for the member's explanation)."""
    coop = int(problem.shift_coop[s])
    parts = check_parts(problem, np.array([s]), np.array([m]), coop)
    out = {name: bool(np.asarray(value).reshape(-1)[0]) for name, value in parts.items()}
    out["overlap"] = not _overlaps(problem, s, np.array([m]))[0]
    said_no = problem.declined.get(int(s))
    out["declined_before"] = not (said_no is not None and m in set(said_no.tolist()))
    return {name: out[name] for name in CHECKS if name in out}


def _overlaps(problem: Problem, s: int, members: np.ndarray) -> np.ndarray:
    p = problem
    hit = (p.busy_day == p.shift_day[s]) & (p.busy_start < p.shift_end[s]) & (p.shift_start[s] < p.busy_end)
    return np.isin(members, p.busy_member[hit])


def funnel(problem: Problem, s: int) -> list[tuple[str, int]]:
    """How many members pass each hard constraint in turn for one shift (the round page's 'why unfilled')."""
    coop = int(problem.shift_coop[s])
    members = np.arange(problem.n_members)
    parts = check_parts(problem, np.array([s])[:, None], members[None, :], coop)
    parts = {name: np.asarray(v).reshape(-1) for name, v in parts.items()}
    parts["overlap"] = ~_overlaps(problem, s, members)
    said_no = problem.declined.get(int(s))
    parts["declined_before"] = ~np.isin(members, said_no if said_no is not None else np.zeros(0, np.int64))
    alive = np.ones(problem.n_members, dtype=bool)
    out = []
    for name in CHECKS:
        if name in parts:
            alive &= parts[name]
            out.append((name, int(alive.sum())))
    return out


def objective(picks: list[Pick]) -> float:
    return float(sum(p.score for p in picks))
