"""From the database to the engine's arrays, in a fixed number of queries (values_list, no model rows).

One round loads: the coop's open future shifts with their open seats, required skills, preferred
and declined members; the members in scope (own coop, and neighbouring coops if the rulebook allows
it) with availability, targets, caps and travel; valid skills per round day (certificates); hours
and wages already planned or offered per ISO week and month; planned intervals on the round days;
the date of each member's last job.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import CharField, Count, DateField, F, Q, QuerySet, TextField, TimeField, Value
from django.db.models.functions import Cast

from coop.models import Cooperative
from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.models import Assignment, Job, Offer, Shift, daypart_of
from members.models import Language, Member, MemberSkill, WorkerProfile

LANGUAGE_BITS = {code: i for i, (code, _label) in enumerate(Language.choices)}
MAX_SKILLS = 64


class TooManySkills(ValueError):
    pass


@dataclass
class Loaded:
    """A problem and what its indexes mean."""

    problem: engine.Problem
    coops: list[Cooperative]
    member_ids: np.ndarray
    shift_ids: np.ndarray
    days: list[dt.date]
    skill_ids: list[int]
    values: dict[str, Any]

    def member_position(self, member_id: int) -> int | None:
        pos = int(np.searchsorted(self.member_ids, member_id))
        return pos if pos < len(self.member_ids) and self.member_ids[pos] == member_id else None

    def shift_position(self, shift_id: int) -> int | None:
        hits = np.flatnonzero(self.shift_ids == shift_id)
        return int(hits[0]) if len(hits) else None


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _hours(start: dt.time, end: dt.time) -> float:
    return (_minutes(end) - _minutes(start)) / 60.0


def _week_key(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def _amount(value: Any) -> float | None:
    if value is None:
        return None
    return float(getattr(value, "amount", value))


def open_for_work(*, now: dt.datetime) -> Q:
    """Shifts that can still take people: an open shift of an open job that has not started at `now` (local)."""
    return Q(job__status=Job.Status.OPEN, status=Shift.Status.OPEN) & (
        Q(date__gt=now.date()) | Q(date=now.date(), start_time__gt=now.time())
    )


def open_shifts(coop: Cooperative, *, now: dt.datetime) -> QuerySet[Shift]:
    """The coop's open, auto-assigned, future shifts, annotated with `open_seats` (seats - taken - offered)."""
    return (
        Shift.objects.filter(open_for_work(now=now), job__coop=coop, job__assign_mode=Job.AssignMode.AUTO)
        .annotate(
            taken=Count("assignments", filter=Q(assignments__status=Assignment.Status.ACTIVE), distinct=True),
            offered=Count("offers", filter=Q(offers__status=Offer.Status.PENDING), distinct=True),
        )
        .annotate(open_seats=F("seats") - F("taken") - F("offered"))
        .order_by("id")
    )


def scope_coops(coop: Cooperative, values: dict[str, Any]) -> list[Cooperative]:
    """The running coop first, then (if its rulebook allows it) the other coops of the installation."""
    coops = [coop]
    if values.get("matching_allow_neighbouring_coops"):
        coops += list(Cooperative.objects.exclude(pk=coop.pk).order_by("pk"))
    return coops


# The empty date, time and category columns of the answer rows in the planned-work query (built once).
_NO_PLANNED_WORK = {
    "a_day": Value(None, output_field=DateField()),
    "a_start": Value(None, output_field=TimeField()),
    "a_end": Value(None, output_field=TimeField()),
    "a_category": Value("", output_field=CharField()),
}

ShiftRow = tuple[int, int, dt.date, dt.time, dt.time, int, str, str, str]


def shift_row(shift: Shift, *, open_seats: int) -> ShiftRow:
    """The row problem_load reads for one shift already in memory (with its job)."""
    job = shift.job
    return (
        shift.pk,
        shift.job_id,
        shift.date,
        shift.start_time,
        shift.end_time,
        open_seats,
        job.category,
        job.language,
        job.postcode,
    )


def problem_load(
    *,
    coop: Cooperative,
    values: dict[str, Any],
    rules: Rulebook,
    shifts: QuerySet[Shift] | list[ShiftRow],
    today: dt.date,
    members: QuerySet[Member] | None = None,
    only_active: bool = True,
    outside_scope: bool = False,
    ignore_planned_shift_id: int | None = None,
    job_skills: dict[int, list[int]] | None = None,
) -> Loaded:
    """Build the engine's arrays for `shifts` (annotated with open_seats, or rows from `shift_row`) of `coop`.

    `members` narrows the members (default: every member of the coops in scope); `only_active`
    False keeps non-active members in (marked inactive) and `outside_scope` True keeps members of
    every coop of the installation in (those the rulebook leaves out fail the scope check), so a
    per-pair check can say so;
    `ignore_planned_shift_id` leaves the member's own offer or assignment for that shift out of their
    planned work (an explanation of that very shift).
    `job_skills` (job id -> skill ids) saves the query when the caller already has them.
    `rules` is the coop's Rulebook: member wages with the legal floor built in (`values` are its
    values on `today`, possibly overridden by an explanation).
    Raises TooManySkills if the shifts need more than 64 different skills.
    """
    in_scope = scope_coops(coop, values)
    coops = in_scope if not outside_scope else scope_coops(coop, {"matching_allow_neighbouring_coops": True})
    coop_pos = {c.pk: i for i, c in enumerate(coops)}

    # --- shifts
    shift_rows: list[Any]
    if isinstance(shifts, list):
        shift_rows = shifts
    else:
        # open_seats is an annotation (see open_shifts), which the type checker cannot see
        shift_rows = list(
            shifts.values_list(  # type: ignore[misc]
                "id",
                "job_id",
                "date",
                "start_time",
                "end_time",
                "open_seats",
                "job__category",
                "job__language",
                "job__postcode",
            )
        )
    job_ids = sorted({r[1] for r in shift_rows})
    if job_skills is None:
        job_skills = defaultdict(list)
        for job_id, skill_id in Job.required_skills.through.objects.filter(job_id__in=job_ids).values_list(
            "job_id", "skill_id"
        ):
            job_skills[job_id].append(skill_id)
    skill_ids = sorted({s for skills in job_skills.values() for s in skills})
    if len(skill_ids) > MAX_SKILLS:
        raise TooManySkills(len(skill_ids))
    skill_bit = {sid: np.uint64(1) << np.uint64(i) for i, sid in enumerate(skill_ids)}
    days = sorted({r[2] for r in shift_rows})
    day_pos = {d: i for i, d in enumerate(days)}
    weeks = sorted({_week_key(d) for d in days})
    week_pos = {w: i for i, w in enumerate(weeks)}
    months = sorted({(d.year, d.month) for d in days})
    month_pos = {m: i for i, m in enumerate(months)}

    n_s = len(shift_rows)
    shift_ids = np.array([r[0] for r in shift_rows], np.int64)
    shift_skills = np.zeros(n_s, np.uint64)
    for i, r in enumerate(shift_rows):
        for sid in job_skills.get(r[1], ()):
            shift_skills[i] |= skill_bit[sid]
    place_coops = np.zeros(n_s, np.int64)
    for i, r in enumerate(shift_rows):
        for c, other in enumerate(coops[:63]):
            if other.covers_postcode(r[8] or ""):
                place_coops[i] |= np.int64(1) << np.int64(c)

    # --- members
    member_qs = members if members is not None else Member.objects.all()
    member_qs = member_qs.filter(coop_id__in=list(coop_pos))
    if only_active:
        member_qs = member_qs.filter(status=Member.Status.ACTIVE)
    # languages as text: a substring test per known code is cheaper than a JSON decode per member
    member_rows: list[Any] = list(
        member_qs.order_by("id")
        .annotate(languages_text=Cast("languages", TextField()))
        .values_list(
            "id",
            "coop_id",
            "status",
            "postcode",
            "languages_text",
            "profile__availability_mask",
            "profile__target_hours_per_week",
            "profile__monthly_earnings_cap",
            "profile__max_travel",
        )
    )
    n_m = len(member_rows)
    member_ids = np.array([r[0] for r in member_rows], np.int64)
    member_pos = {mid: i for i, mid in enumerate(member_ids.tolist())}
    home_of: dict[str, int] = {}  # postcode -> first coop (index) whose neighbourhood holds it

    def home(postcode: str) -> int:
        if postcode not in home_of:
            home_of[postcode] = next((c for c, other in enumerate(coops) if other.covers_postcode(postcode)), -1)
        return home_of[postcode]

    member_home = np.array([home(r[3] or "") for r in member_rows], np.int16)
    languages = np.zeros(n_m, np.int64)
    if any(r[7] in LANGUAGE_BITS for r in shift_rows):  # language fit only counts when a job asks for one
        for i, r in enumerate(member_rows):
            text = r[4] or ""
            for code, bit in LANGUAGE_BITS.items():
                if f'"{code}"' in text:
                    languages[i] |= 1 << bit
    caps = [_amount(r[7]) for r in member_rows]

    # valid skills per round day: plain skills always, certified ones until their expiry
    skills_by_day = np.zeros((max(len(days), 1), n_m), np.uint64)
    # Related rows: by coop id (and the round's date window), skipping members not loaded; a handful
    # of members (an explanation) by id. A long id list or a repeated subquery with the availability
    # test and skill joins costs more than reading the coop's rows in the window.
    if members is not None and n_m <= 50:
        of_members = Q(member_id__in=member_ids.tolist())
        of_profiles = Q(profile__member_id__in=member_ids.tolist())
    else:
        of_members = Q(member__coop_id__in=list(coop_pos))
        of_profiles = Q(profile__member__coop_id__in=list(coop_pos))
    if skill_ids and n_m:
        for member_id, skill_id, needs_cert, valid_until in MemberSkill.objects.filter(
            of_profiles, skill_id__in=skill_ids
        ).values_list("profile__member_id", "skill_id", "skill__requires_certificate", "certificate_valid_until"):
            pos = member_pos.get(member_id)
            if pos is None:
                continue
            i = pos
            for d, day in enumerate(days):
                if not needs_cert or (valid_until is not None and valid_until >= day):
                    skills_by_day[d, i] |= skill_bit[skill_id]

    # --- work already planned or offered (weeks and months of the round), and each member's last job.
    # One query over one date window: waiting counts fully from WAITING_FULL_DAYS on, so only the last
    # jobs inside that window matter.
    week_hours = np.zeros((max(len(weeks), 1), n_m))
    month_earnings = np.zeros((max(len(months), 1), n_m))
    busy: list[tuple[int, int, int, int]] = []
    days_waiting = np.full(n_m, np.inf)
    shifts_of_job: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(shift_rows):
        shifts_of_job[r[1]].append(i)
    shift_pos = {sid: i for i, sid in enumerate(shift_ids.tolist())}
    preferred_lists: dict[int, list[int]] = defaultdict(list)
    declined_lists: dict[int, list[int]] = defaultdict(list)
    # Preferences and earlier answers per shift (kinds 2 and 3), in the same query as the planned
    # work below (kinds 0 and 1): one round trip. Their date, time and category columns are empty.
    answer_columns = ("member_id", "a_day", "a_start", "a_end", "a_category", "kind", "owner")
    preferred = (
        Job.preferred_members.through.objects.filter(job_id__in=job_ids)
        .order_by()
        .annotate(**_NO_PLANNED_WORK, kind=Value(2), owner=F("job_id"))
        .values_list(*answer_columns)
    )
    declined = (
        Offer.objects.filter(shift_id__in=list(shift_pos), status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED])
        .order_by()
        .annotate(**_NO_PLANNED_WORK, kind=Value(3), owner=F("shift_id"))
        .values_list(*answer_columns)
    )
    # --- work already planned or offered (weeks and months of the round), and each member's last job.
    # One date window: waiting counts fully from WAITING_FULL_DAYS on, so only the last jobs inside
    # that window matter.
    since = today - dt.timedelta(days=math.ceil(engine.WAITING_FULL_DAYS))
    rows: Any = preferred.union(declined, all=True)
    if n_m:
        first, last = since, today
        if days:
            last_day = days[-1]
            first = min(since, days[0] - dt.timedelta(days=days[0].weekday()), days[0].replace(day=1))
            last = max(
                today,
                last_day + dt.timedelta(days=6 - last_day.weekday()),
                (last_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
            )
        columns = ("member_id", "shift__date", "shift__start_time", "shift__end_time", "shift__job__category")
        rows = (
            Assignment.objects.filter(
                of_members,
                status=Assignment.Status.ACTIVE,
                shift__date__range=(first, last),
                shift__status=Shift.Status.OPEN,
            )
            .exclude(shift_id=ignore_planned_shift_id or 0)
            .order_by()
            .annotate(kind=Value(0), owner=Value(0))
            .values_list(*columns, "kind", "owner")
            .union(
                Offer.objects.filter(
                    of_members,
                    status=Offer.Status.PENDING,
                    shift__date__range=(first, last),
                    shift__status=Shift.Status.OPEN,
                )
                .exclude(shift_id=ignore_planned_shift_id or 0)
                .order_by()
                .annotate(kind=Value(1), owner=Value(0))
                .values_list(*columns, "kind", "owner"),
                preferred,
                declined,
                all=True,
            )
        )
    wage_of: dict[str, float] = {}
    for member_id, day, start, end, category, kind, owner_id in rows:
        pos = member_pos.get(member_id)
        if pos is None:
            continue
        i = pos
        if kind == 2:
            for s in shifts_of_job[owner_id]:
                preferred_lists[s].append(i)
            continue
        if kind == 3:
            if owner_id in shift_pos:
                declined_lists[shift_pos[owner_id]].append(i)
            continue
        if kind == 0 and since <= day <= today:
            days_waiting[i] = min(days_waiting[i], max((today - day).days, 0))
        hours = _hours(start, end)
        w = week_pos.get(_week_key(day))
        if w is not None:
            week_hours[w, i] += hours
        mo = month_pos.get((day.year, day.month))
        if mo is not None:
            if category not in wage_of:
                wage_of[category] = float(rules.member_wage(category, on=today).amount)
            month_earnings[mo, i] += hours * wage_of[category]
        day_index = day_pos.get(day)
        if day_index is not None:
            busy.append((i, day_index, _minutes(start), _minutes(end)))

    weights = np.array([float(Decimal(str(values[f"matching_weight_{name}"]))) for name in engine.COMPONENTS])
    n_c = len(coops)
    problem = engine.Problem(
        member_ids=member_ids,
        member_coop=np.array([coop_pos[r[1]] for r in member_rows], np.int16),
        member_home=member_home,
        member_active=np.array([r[2] == Member.Status.ACTIVE for r in member_rows], bool),
        member_avail=np.array([r[5] or 0 for r in member_rows], np.int64),
        member_skills_by_day=skills_by_day,
        member_languages=languages,
        member_target=np.array([float(r[6] or 0) for r in member_rows]),
        member_week_hours=week_hours,
        member_month_earnings=month_earnings,
        member_earnings_cap=np.array([engine.NO_CAP if c is None else c for c in caps], np.float64),
        member_days_waiting=days_waiting,
        member_travel_local=np.array([r[8] == WorkerProfile.Travel.NEIGHBOURHOOD for r in member_rows], bool),
        shift_ids=shift_ids,
        shift_coop=np.zeros(n_s, np.int16),
        shift_day=np.array([day_pos[r[2]] for r in shift_rows], np.int16),
        shift_weekday=np.array([r[2].weekday() for r in shift_rows], np.int8),
        shift_daypart=np.array([int(daypart_of(r[3])) for r in shift_rows], np.int8),
        shift_start=np.array([_minutes(r[3]) for r in shift_rows], np.int32),
        shift_end=np.array([_minutes(r[4]) for r in shift_rows], np.int32),
        shift_hours=np.array([_hours(r[3], r[4]) for r in shift_rows]),
        shift_week=np.array([week_pos[_week_key(r[2])] for r in shift_rows], np.int16),
        shift_month=np.array([month_pos[(r[2].year, r[2].month)] for r in shift_rows], np.int16),
        shift_skills=shift_skills,
        shift_language=np.array(
            [(1 << LANGUAGE_BITS[r[7]]) if r[7] in LANGUAGE_BITS else 0 for r in shift_rows], np.int64
        ),
        shift_place_coops=place_coops,
        shift_seats=np.array([max(int(r[5]), 0) for r in shift_rows], np.int32),
        shift_wage=np.array([float(rules.member_wage(r[6], on=today).amount) for r in shift_rows]),
        coop_pools=[np.arange(len(in_scope), dtype=np.int16)] + [np.array([c], np.int16) for c in range(1, n_c)],
        coop_max_week_hours=np.full(n_c, float(values["max_hours_per_week"])),
        coop_neighbourhood_only=np.array([bool(values["matching_neighbourhood_only"])] + [False] * (n_c - 1)),
        coop_weights=np.tile(weights, (n_c, 1)),
        busy_member=np.array([b[0] for b in busy], np.int64),
        busy_day=np.array([b[1] for b in busy], np.int64),
        busy_start=np.array([b[2] for b in busy], np.int64),
        busy_end=np.array([b[3] for b in busy], np.int64),
        preferred={s: np.array(sorted(set(v)), np.int64) for s, v in preferred_lists.items()},
        declined={s: np.array(sorted(set(v)), np.int64) for s, v in declined_lists.items()},
    )
    return Loaded(
        problem=problem,
        coops=coops,
        member_ids=member_ids,
        shift_ids=shift_ids,
        days=days,
        skill_ids=skill_ids,
        values=values,
    )
