"""The spread of work in the what-if: how evenly the hours went to the members who want work.

"Members who want work" are the coop's active members whose worker profile asks for more than zero
hours a week (the stapelbaan target). For each of them, their share is the hours they worked in the
window divided by the hours they wanted in it (target x weeks); the figure is the Gini coefficient of
those shares (coop.fairness.gini): 0 means everyone got the same part of what they want, towards 1
means a few got it all.

Three figures, over the same members:
- *actual*: the approved hours as they really went;
- *replayed, current rules* and *replayed, proposed rules*: the same work (every shift of the window
  with approved hours, as many seats as it had approved entries, each seat worth the shift's mean
  approved hours) offered again by the real matching code (`problem_load`, `engine.solve`) under
  each Rulebook. Comparing the two replays shows what the proposal changes; comparing a replay with
  the actual figure also shows what the engine does differently from how people really took work.

The replay runs one round per ISO week of the window, in date order, not one round over all 91 days:
a single round would need one phase per shift a member takes in three months, and the weekly hours
cap and the fairness score are per week anyway. Between weeks the replay carries its own planned
work forward (earnings per month for the earnings cap, the day of each member's last job), in place
of the real history `problem_load` reads from the database. Days waiting count replayed jobs only:
at the window's start every member counts as having waited long. Members are those active now,
with today's availability and skills: the replay asks what the rules would do with the people the
coop has, not who was there then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

from coop.fairness import gini, target_shares
from coop.models import Cooperative
from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.matching.load import problem_load, shift_row
from jobs.models import HourEntry, Shift
from members.models import Member

# One weekly round stands in for the many rounds of a real week: allow a member one phase (one
# seat) per weekday and day-part, so the round cap is never what limits a member's week.
REPLAY_MAX_PHASES = 7 * 3
# Share-of-target bands for the chart (a display choice): no work at all, less than half of what a
# member wants, half or more, all of it or more.
BANDS = 4
HALF = Fraction(1, 2)


@dataclass
class Seats:
    """The work of the window: per shift, how many seats were worked and the mean hours of a seat."""

    shifts: list[Shift]
    seats: dict[int, int]
    seat_hours: dict[int, Decimal]
    actual_hours: dict[int, Decimal]  # member id -> approved hours in the window


@dataclass
class Replay:
    hours: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    seats: int = 0
    unfilled: int = 0


def seats_load(entries: Sequence[HourEntry]) -> Seats:
    """Group approved entries (with assignment__shift__job loaded) into seats per shift."""
    shifts: dict[int, Shift] = {}
    hours_of_shift: dict[int, list[Decimal]] = defaultdict(list)
    actual: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        hours = entry.hours_worked
        if hours <= 0:
            continue
        shift = entry.assignment.shift
        shifts[shift.pk] = shift
        hours_of_shift[shift.pk].append(hours)
        actual[entry.assignment.member_id] += hours
    return Seats(
        shifts=sorted(shifts.values(), key=lambda s: (s.date, s.start_time, s.pk)),
        seats={pk: len(h) for pk, h in hours_of_shift.items()},
        seat_hours={pk: sum(h, Decimal(0)) / len(h) for pk, h in hours_of_shift.items()},
        actual_hours=actual,
    )


def members_wanting_work(coop: Cooperative) -> dict[int, int]:
    """Member id -> target hours per week, for the coop's active members who want more than zero."""
    return dict(
        Member.objects.filter(coop=coop, status=Member.Status.ACTIVE, profile__target_hours_per_week__gt=0)
        .order_by("pk")
        .values_list("pk", "profile__target_hours_per_week")
    )


def week_of(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def matching_replay(
    *, coop: Cooperative, rules: Rulebook, seats: Seats, on_week: Callable[[], None] | None = None
) -> Replay:
    """Offer the window's seats again, one weekly round at a time, under `rules`; who would have got what."""
    replay = Replay()
    weeks: dict[tuple[int, int], list[Shift]] = defaultdict(list)
    for shift in seats.shifts:
        weeks[week_of(shift.date)].append(shift)
    month_earnings: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    last_job: dict[int, dt.date] = {}
    for week_shifts in weeks.values():
        today = week_shifts[0].date
        by_id = {shift.pk: shift for shift in week_shifts}
        loaded = problem_load(
            coop=coop,
            values=rules.values(today),
            rules=rules,
            shifts=[shift_row(shift, open_seats=seats.seats[shift.pk]) for shift in week_shifts],
            today=today,
        )
        problem = loaded.problem
        member_ids = loaded.member_ids.tolist()
        # Replace the real planned work with the replay's own (see the module docstring).
        months = sorted({(d.year, d.month) for d in loaded.days})
        problem.member_week_hours[:] = 0.0
        for m, month in enumerate(months):
            problem.member_month_earnings[m] = [month_earnings[month].get(mid, 0.0) for mid in member_ids]
        no_work = np.zeros(0, np.int64)
        problem.busy_member, problem.busy_day, problem.busy_start, problem.busy_end = (no_work,) * 4
        problem.member_days_waiting = np.array(
            [float((today - last_job[mid]).days) if mid in last_job else np.inf for mid in member_ids]
        )
        result = engine.solve(problem, max_phases=REPLAY_MAX_PHASES)
        for m, month in enumerate(months):
            earned = problem.member_month_earnings[m]
            month_earnings[month] = {mid: float(earned[i]) for i, mid in enumerate(member_ids)}
        for pick in result.picks:
            shift = by_id[int(loaded.shift_ids[pick.shift])]
            member_id = member_ids[pick.member]
            replay.hours[member_id] += seats.seat_hours[shift.pk]
            last_job[member_id] = max(last_job.get(member_id, shift.date), shift.date)
        replay.seats += int(result.stats["open_seats"])
        replay.unfilled += int(result.stats["unfilled"])
        if on_week is not None:
            on_week()
    return replay


def spread_figure(hours: dict[int, Decimal], wanting: dict[int, int], *, weeks: Fraction) -> float:
    """The Gini coefficient of hours got / hours wanted over the members who want work."""
    return gini(target_shares(hours, {mid: target * weeks for mid, target in wanting.items()}).values())


def spread_bands(hours: dict[int, Decimal], wanting: dict[int, int], *, weeks: Fraction) -> list[int]:
    """How many members got no work, less than half of what they want, half or more, all or more."""
    counts = [0] * BANDS
    for share in target_shares(hours, {mid: target * weeks for mid, target in wanting.items()}).values():
        counts[0 if share == 0 else 1 if share < HALF else 2 if share < 1 else 3] += 1
    return counts
