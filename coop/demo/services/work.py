"""Seed work: open jobs with shifts in the next two weeks, and three weeks of past work with hours.

Past seats go to suitable members the way matching would pick them (same coop, skills with valid
certificates, available in that part of the day, no overlap, under the rulebook's weekly maximum
and their own earnings cap, fewest hours against their target first). Their hour entries are in
the statuses the hours flow produces, mostly approved, so the invoice run has work to bill.
Future seats are partly taken already (accepted offers) and partly offered (pending offers);
the rest waits for the matching rounds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from coop.demo.catalogue import (
    CANCEL_REASONS,
    CORRECTION_REASONS,
    DISPUTE_REASONS,
    HAND_ASSIGN_REASONS,
    NOT_DONE_REASONS,
    JobTemplate,
)
from coop.demo.services.businesses import SeededBusiness
from coop.demo.services.context import BATCH, SeedContext, money_cents
from coop.demo.services.members import Resident
from coop.money import eur, to_decimal
from jobs.models import Assignment, HourEntry, Job, Offer, Shift, daypart_of
from jobs.pricing import minimum_client_rate
from members.models import Member, User, availability_bit

PAST_DAYS = 21
FUTURE_DAYS = 14
RATE_STEP = Decimal("0.25")
RATE_PREMIUMS = (
    Decimal("0"),
    Decimal("0"),
    Decimal("0.25"),
    Decimal("0.50"),
    Decimal("1.00"),
    Decimal("1.50"),
    Decimal("2.50"),
)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


@dataclass
class PlannedJob:
    job: Job
    template: JobTemplate
    seeded: SeededBusiness
    coop_slug: str
    start: dt.time
    end: dt.time
    wage_cents: int
    pool: list[int] = field(default_factory=list)
    by_weekday: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class WorkCounts:
    jobs: int = 0
    shifts: int = 0
    offers: int = 0
    assignments: int = 0
    hour_entries: int = 0


class Planner:
    """Keeps each member's booked time so no seat breaks a hard constraint."""

    def __init__(self, ctx: SeedContext, residents: list[Resident]) -> None:
        self.ctx = ctx
        self.residents = residents
        self.busy: dict[tuple[int, dt.date], list[tuple[int, int]]] = defaultdict(list)
        self.week_minutes: Counter[tuple[int, int, int]] = Counter()
        self.month_cents: Counter[tuple[int, int, int]] = Counter()
        self.max_week_minutes = {slug: int(v["max_hours_per_week"]) * 60 for slug, v in ctx.rules.items()}
        # Per coop: skill slug -> members who have it (certificate dates are checked per shift).
        self.demo_index = next((i for i, r in enumerate(residents) if r.is_demo and r.works), None)
        self.workers: dict[str, list[int]] = defaultdict(list)
        self.by_skill: dict[tuple[str, str], set[int]] = defaultdict(set)
        for index, r in enumerate(residents):
            if r.works:
                self.workers[r.coop_slug].append(index)
                for slug in r.skills:
                    self.by_skill[(r.coop_slug, slug)].add(index)

    def pool_for(self, plan: PlannedJob) -> None:
        coop = self.ctx.coops[plan.coop_slug]
        candidates = set(self.workers[plan.coop_slug])
        for slug in plan.template.skills:
            candidates &= self.by_skill[(plan.coop_slug, slug)]
        outside = not coop.covers_postcode(plan.job.postcode)
        plan.pool = sorted(i for i in candidates if not (outside and self.residents[i].neighbourhood_only))
        part = daypart_of(plan.start)
        for weekday in range(7):
            bit = availability_bit(weekday, part)
            plan.by_weekday[weekday] = [i for i in plan.pool if self.residents[i].mask & bit]

    def feasible(self, index: int, plan: PlannedJob, day: dt.date) -> bool:
        r = self.residents[index]
        for slug in plan.template.skills:
            valid_until = r.skills.get(slug)
            if slug not in r.skills or (valid_until is not None and valid_until < day):
                return False
        start, end = _minutes(plan.start), _minutes(plan.end)
        if any(s < end and start < e for s, e in self.busy[(index, day)]):
            return False
        year, week, _ = day.isocalendar()
        limit = min(self.max_week_minutes[r.coop_slug], r.target_minutes + r.target_minutes // 4 + 60)
        if self.week_minutes[(index, year, week)] + (end - start) > limit:
            return False
        if r.cap_cents is not None:
            earned = self.month_cents[(index, day.year, day.month)] + (end - start) * plan.wage_cents // 60
            if earned > r.cap_cents:
                return False
        return True

    def demo_fits(self, plan: PlannedJob, day: dt.date, exclude: set[int], *, booking: bool = True) -> bool:
        """Whether the demo member can take a seat of this shift (so her portal shows work and offers).

        A booking also needs her under her weekly target; an offer only the hard constraints.
        """
        index = self.demo_index
        if index is None or index in exclude:
            return False
        r = self.residents[index]
        return (
            r.coop_slug == plan.coop_slug
            and bool(r.mask & availability_bit(day.weekday(), daypart_of(plan.start)))
            and self.feasible(index, plan, day)
            and (not booking or self.load(index, day) < 1)
        )

    def load(self, index: int, day: dt.date) -> float:
        year, week, _ = day.isocalendar()
        return self.week_minutes[(index, year, week)] / max(self.residents[index].target_minutes, 1)

    def pick(self, plan: PlannedJob, day: dt.date, exclude: set[int], prefer_demo: bool) -> int | None:
        pool = plan.by_weekday[day.weekday()]
        if not pool:
            return None
        if prefer_demo and self.demo_fits(plan, day, exclude):
            assert self.demo_index is not None
            return self.demo_index
        sample = self.ctx.rng.sample(pool, min(len(pool), 30))
        feasible = [i for i in sample if i not in exclude and self.feasible(i, plan, day)]
        if not feasible:
            return None
        return min(feasible, key=lambda i: self.load(i, day))

    def book(self, index: int, plan: PlannedJob, day: dt.date) -> None:
        start, end = _minutes(plan.start), _minutes(plan.end)
        self.busy[(index, day)].append((start, end))
        year, week, _ = day.isocalendar()
        self.week_minutes[(index, year, week)] += end - start
        self.month_cents[(index, day.year, day.month)] += (end - start) * plan.wage_cents // 60


def _client_rate(ctx: SeedContext, slug: str, category: str, cache: dict[tuple[str, str], Decimal]) -> Decimal:
    """A rate the rulebook accepts on every day of the demo window, rounded up to a quarter, plus a premium."""
    key = (slug, category)
    if key not in cache:
        days = (ctx.today - dt.timedelta(days=PAST_DAYS), ctx.today, ctx.today + dt.timedelta(days=FUTURE_DAYS))
        cache[key] = max(to_decimal(minimum_client_rate(coop=ctx.coops[slug], category=category, on=d)) for d in days)
    minimum = cache[key]
    rounded = (minimum / RATE_STEP).to_integral_value(rounding=ROUND_CEILING) * RATE_STEP
    return rounded + ctx.rng.choice(RATE_PREMIUMS)


def _plan_jobs(ctx: SeedContext, businesses: list[SeededBusiness]) -> list[PlannedJob]:
    rng = ctx.rng
    plans: list[PlannedJob] = []
    rate_cache: dict[tuple[str, str], Decimal] = {}
    for seeded in businesses:
        for slug in seeded.coop_slugs:
            templates = list(seeded.kind.jobs)
            if seeded.is_demo:
                chosen = templates
            else:
                wanted = 1 if len(seeded.coop_slugs) > 1 else rng.choice([1, 1, 2])
                chosen = rng.sample(templates, min(wanted, len(templates)))
            wages = ctx.rules[slug]["member_wage_hourly"]
            for template in chosen:
                category = template.category if template.category in wages else "default"
                start, end = rng.choice(template.windows) if not seeded.is_demo else template.windows[0]
                business = seeded.business
                language = template.language if rng.random() < 0.5 else ""
                hourly_client_rate = eur(_client_rate(ctx, slug, category, rate_cache))
                job = Job(
                    coop=ctx.coops[slug],
                    business=business,
                    title=template.title,
                    description=template.description,
                    category=category,
                    language=language,
                    street=business.street,
                    postcode=business.postcode,
                    city=business.city,
                    assign_mode=Job.AssignMode.PICK if rng.random() < 0.2 else Job.AssignMode.AUTO,
                    created_by=seeded.contact,
                )
                job.hourly_client_rate = hourly_client_rate  # an attribute: see members.py on MoneyField typing
                plans.append(PlannedJob(job, template, seeded, slug, start, end, money_cents(wages[category])))
    return plans


def work_seed(ctx: SeedContext, *, residents: list[Resident], businesses: list[SeededBusiness]) -> WorkCounts:
    """Create jobs, shifts, offers, assignments and hour entries. Returns the counts."""
    rng = ctx.rng
    counts = WorkCounts()
    planner = Planner(ctx, residents)
    plans = _plan_jobs(ctx, businesses)
    first_day = ctx.today - dt.timedelta(days=PAST_DAYS)
    last_day = ctx.today + dt.timedelta(days=FUTURE_DAYS)
    shifts: list[tuple[PlannedJob, Shift]] = []
    for plan in plans:
        planner.pool_for(plan)
        seeded = plan.seeded
        span_start, span_end = max(first_day, seeded.since), last_day
        roll = rng.random()
        if not seeded.is_demo and roll < 0.12:
            span_end = ctx.today - dt.timedelta(days=1)  # a job that ended: closed
            plan.job.status = Job.Status.CLOSED
        elif not seeded.is_demo and roll < 0.25:
            span_start = ctx.today  # a new job: nothing worked yet
        template = plan.template
        if seeded.is_demo:
            weekdays = set(template.weekdays[: template.days_per_week + 1])
        else:
            weekdays = set(
                rng.sample(template.weekdays, rng.randint(1, min(template.days_per_week, len(template.weekdays))))
            )
        seats = rng.randint(*template.seats)
        day = span_start
        while day <= span_end:
            if day.weekday() in weekdays:
                shift = Shift(
                    job=plan.job,
                    date=day,
                    start_time=plan.start,
                    end_time=plan.end,
                    seats=max(1, seats + (1 if rng.random() < 0.15 else 0)),
                )
                if not seeded.is_demo and rng.random() < 0.02:
                    shift.status = Shift.Status.CANCELLED
                    shift.cancelled_reason = rng.choice(CANCEL_REASONS)
                shifts.append((plan, shift))
            day += dt.timedelta(days=1)

    Job.objects.bulk_create([p.job for p in plans], batch_size=BATCH)
    through = Job.required_skills.through
    through.objects.bulk_create(
        [through(job_id=p.job.pk, skill_id=ctx.skills[slug].pk) for p in plans for slug in p.template.skills],
        batch_size=BATCH,
    )
    Shift.objects.bulk_create([s for _, s in shifts], batch_size=BATCH)
    counts.jobs, counts.shifts = len(plans), len(shifts)

    offers, assignments, entries = _staff_shifts(ctx, planner, shifts)
    Offer.objects.bulk_create(offers, batch_size=BATCH)
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    HourEntry.objects.bulk_create(entries, batch_size=BATCH)
    # `submitted_at` is auto_now_add, which bulk_create overwrites with "now"; set the real moments
    # afterwards so silent approval and "waiting since" behave as they would have.
    HourEntry.objects.bulk_update(entries, ["submitted_at"], batch_size=BATCH)
    _preferred_members(ctx, plans, assignments)
    counts.offers, counts.assignments, counts.hour_entries = len(offers), len(assignments), len(entries)
    return counts


def _staff_shifts(
    ctx: SeedContext, planner: Planner, shifts: list[tuple[PlannedJob, Shift]]
) -> tuple[list[Offer], list[Assignment], list[HourEntry]]:
    rng = ctx.rng
    offers: list[Offer] = []
    assignments: list[Assignment] = []
    entries: list[HourEntry] = []
    expiry = {slug: dt.timedelta(hours=int(v["offer_expiry_hours"])) for slug, v in ctx.rules.items()}
    demo_has_offer = False
    taken_by_shift: dict[int, set[int]] = defaultdict(set)
    assigned: Counter[int] = Counter()
    # Earliest shifts first, so weekly hours fill up the way they did in time.
    for plan, shift in sorted(shifts, key=lambda ps: (ps[1].date, ps[1].start_time, ps[0].job.pk)):
        if shift.status == Shift.Status.CANCELLED:
            continue
        past = shift.date < ctx.today
        days_ahead = (shift.date - ctx.today).days
        fill = 0.93 if past else (0.45 if days_ahead < 7 else 0.15)
        if plan.seeded.is_demo:
            fill = 1.0 if past else 0.5
        coordinator = ctx.staff.get(f"coordinator-{plan.coop_slug}") or ctx.staff["servicedesk"]
        taken = taken_by_shift[id(shift)]
        start_at = ctx.at(shift.date, shift.start_time)
        seats = shift.seats
        # Offers only for shifts that have not started: a started shift can no longer be accepted.
        can_offer = start_at > ctx.now + dt.timedelta(hours=1)
        if (
            plan.seeded.is_demo
            and can_offer
            and not demo_has_offer
            and planner.demo_fits(plan, shift.date, taken, booking=False)
        ):
            # The demo member's first bakery shift is an offer to try accepting; her time is kept free
            # for it (booked in the planner) so accepting never clashes with another assignment.
            demo = planner.demo_index
            assert demo is not None
            taken.add(demo)
            planner.book(demo, plan, shift.date)
            offers.append(_pending_offer(ctx, shift, planner.residents[demo].member, expiry[plan.coop_slug]))
            demo_has_offer = True
            seats -= 1
        for _seat in range(seats):
            if rng.random() >= fill:
                if not can_offer or rng.random() >= 0.35:
                    continue
                index = planner.pick(plan, shift.date, taken, prefer_demo=False)
                if index is None:
                    continue
                taken.add(index)
                offers.append(_pending_offer(ctx, shift, planner.residents[index].member, expiry[plan.coop_slug]))
                continue
            index = planner.pick(plan, shift.date, taken, prefer_demo=plan.seeded.is_demo)
            if index is None:
                continue
            taken.add(index)
            planner.book(index, plan, shift.date)
            member = planner.residents[index].member
            offered_at = min(start_at - dt.timedelta(days=rng.randint(2, 6)), ctx.now - dt.timedelta(hours=3))
            if rng.random() < 0.05:
                assignment = Assignment(
                    shift=shift, member=member, assigned_by=coordinator, reason=rng.choice(HAND_ASSIGN_REASONS)
                )
            else:
                offer = Offer(
                    shift=shift,
                    member=member,
                    status=Offer.Status.ACCEPTED,
                    score=Decimal(rng.randint(100, 900)) / 100,
                    expires_at=offered_at + expiry[plan.coop_slug],
                    responded_at=offered_at + dt.timedelta(minutes=rng.randint(5, 600)),
                )
                offers.append(offer)
                assignment = Assignment(shift=shift, member=member, offer=offer)
            assignments.append(assignment)
            assigned[id(shift)] += 1
            if past:
                entry = _hour_entry(ctx, plan, shift, assignment, coordinator)
                if entry is not None:
                    entries.append(entry)
    if not demo_has_offer and planner.demo_index is not None:
        # Make sure the demo member has an offer to accept or decline: the first future shift that fits her.
        for plan, shift in sorted(shifts, key=lambda ps: (not ps[0].seeded.is_demo, ps[1].date, ps[1].start_time)):
            taken = taken_by_shift[id(shift)]
            if (
                ctx.at(shift.date, shift.start_time) > ctx.now + dt.timedelta(hours=1)
                and shift.status != Shift.Status.CANCELLED
                and assigned[id(shift)] < shift.seats  # a full shift cannot be accepted
                and planner.demo_fits(plan, shift.date, taken, booking=False)
            ):
                taken.add(planner.demo_index)
                planner.book(planner.demo_index, plan, shift.date)
                offers.append(
                    _pending_offer(ctx, shift, planner.residents[planner.demo_index].member, expiry[plan.coop_slug])
                )
                break
    return offers, assignments, entries


def _pending_offer(ctx: SeedContext, shift: Shift, member: Member, expiry: dt.timedelta) -> Offer:
    return Offer(
        shift=shift,
        member=member,
        status=Offer.Status.PENDING,
        score=Decimal(ctx.rng.randint(100, 900)) / 100,
        expires_at=ctx.now + expiry,
    )


def _hour_entry(
    ctx: SeedContext, plan: PlannedJob, shift: Shift, assignment: Assignment, coordinator: User
) -> HourEntry | None:
    """The hours a member registered for a past shift, in the state the business left them."""
    rng = ctx.rng
    age = (ctx.today - shift.date).days
    weights: dict[str, float]
    if plan.seeded.is_demo:
        # The demo bakery's last week always waits for Kees's approval: the hours flow to try first.
        weights = {"submitted": 100} if age <= 6 else {"approved": 88, "corrected": 12}
    elif age <= 6:
        weights = {"submitted": 50, "approved": 32, "none": 12, "corrected": 6}
    else:
        weights = {"approved": 86, "silent": 6, "corrected": 4, "not_done": 1.5, "disputed": 1.5, "none": 1}
    outcome = rng.choices(list(weights), weights=list(weights.values()), k=1)[0]
    if outcome == "none":
        return None
    start, end = _minutes(shift.start_time), _minutes(shift.end_time)
    start += rng.choices([0, 5, 10, 15], weights=[75, 10, 10, 5], k=1)[0]
    end += rng.choices([0, 15, -15], weights=[85, 8, 7], k=1)[0]
    end = min(end, 23 * 60 + 59)
    worked = end - start
    break_minutes = 30 if worked > 330 else (15 if worked > 240 and rng.random() < 0.5 else 0)
    shift_end = ctx.at(shift.date, shift.end_time)
    submitted_at = min(shift_end + dt.timedelta(minutes=rng.randint(20, 36 * 60)), ctx.now - dt.timedelta(minutes=30))
    member: Member = assignment.member
    assisted = member.assisted_consent_at is not None and rng.random() < 0.5
    entry = HourEntry(
        assignment=assignment,
        start_time=_time(start),
        end_time=_time(end),
        break_minutes=break_minutes,
        submitted_by=coordinator if assisted else member.user,
        submitted_at=submitted_at,
        note="Ingevuld aan de balie." if assisted else "",
    )
    handled_at = min(submitted_at + dt.timedelta(hours=rng.randint(2, 70)), ctx.now - dt.timedelta(minutes=10))
    contact = plan.seeded.contact
    if outcome == "approved":
        entry.status = HourEntry.Status.APPROVED
        entry.handled_by, entry.handled_at, entry.approved_at = contact, handled_at, handled_at
    elif outcome == "silent":
        entry.status = HourEntry.Status.APPROVED
        entry.silently_approved = True
        days = int(ctx.rules[plan.coop_slug]["hours_silent_approval_days"])
        entry.approved_at = min(submitted_at + dt.timedelta(days=days, minutes=5), ctx.now)
    elif outcome in ("corrected", "disputed"):
        entry.status = HourEntry.Status.CORRECTED if outcome == "corrected" else HourEntry.Status.DISPUTED
        if end - start > 150:
            entry.corrected_start_time, entry.corrected_end_time = _time(start), _time(end - 30)
            entry.corrected_break_minutes = break_minutes
        else:
            entry.corrected_start_time, entry.corrected_end_time = _time(start + 15), _time(end)
            entry.corrected_break_minutes = break_minutes
        entry.correction_reason = rng.choice(CORRECTION_REASONS)
        entry.handled_by, entry.handled_at = contact, handled_at
        if outcome == "disputed":
            entry.dispute_reason = rng.choice(DISPUTE_REASONS)
    elif outcome == "not_done":
        entry.status = HourEntry.Status.NOT_DONE
        entry.correction_reason = NOT_DONE_REASONS[0]
        entry.handled_by, entry.handled_at = contact, handled_at
    return entry


def _preferred_members(ctx: SeedContext, plans: list[PlannedJob], assignments: list[Assignment]) -> None:
    """Some businesses asked for a member back (continuity): the one who worked there most."""
    worked: dict[int, Counter[int]] = defaultdict(Counter)
    for a in assignments:
        if a.shift.date < ctx.today:
            worked[a.shift.job.pk][a.member.pk] += 1
    through = Job.preferred_members.through
    rows = []
    for plan in plans:
        counter = worked.get(plan.job.pk)
        if counter and ctx.rng.random() < 0.2:
            member_id, _times = counter.most_common(1)[0]
            rows.append(through(job_id=plan.job.pk, member_id=member_id))
    through.objects.bulk_create(rows, batch_size=BATCH)
