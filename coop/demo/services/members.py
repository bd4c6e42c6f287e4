"""Seed residents: users, members in every status, worker profiles with skills and certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress

from coop.demo.catalogue import CONSENT_NOTES, SKILLS
from coop.demo.identifiers import house_number, mobile_number, postcode_in
from coop.demo.neighbourhoods import StaffSpec
from coop.demo.people import Person
from coop.demo.services.context import BATCH, SeedContext, money_cents
from coop.money import eur
from members.models import Member, MemberSkill, User, WorkerProfile, availability_bit

# Longer ago than the founding rulebook's share refund term (6 months) plus a month to spare.
LEFT_LONG_AGO_DAYS = 240
STATUS_MIX = (
    (Member.Status.ACTIVE, 0.82),
    (Member.Status.APPLIED, 0.07),
    (Member.Status.PAUSED, 0.05),
    (Member.Status.LEFT, 0.045),
    (Member.Status.REJECTED, 0.015),
)
TARGET_HOURS = ((8, 0.12), (12, 0.15), (16, 0.2), (20, 0.16), (24, 0.15), (28, 0.07), (32, 0.08), (36, 0.07))
# Monthly earnings caps people keep to (for example a benefit's earnings allowance), in euros.
EARNINGS_CAPS = (Decimal("250.00"), Decimal("400.00"), Decimal("600.00"), Decimal("850.00"))
REJECTION_REASONS = (
    "Woont buiten de wijk en werkt er ook niet.",
    "Aanvraag dubbel ingediend; de eerste aanvraag loopt nog.",
)
LEAVE_REASONS = ("Verhuisd naar een andere stad.", "Vaste baan gevonden.")
PAUSE_REASONS = ("Tijdelijk mantelzorg voor een familielid.", "Zwangerschapsverlof.", "Studie afronden.")

WEEKDAYS, ALL_WEEK, MORNING, AFTERNOON, EVENING = range(5), range(7), 0, 1, 2


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _mask(slots: list[tuple[int, int]]) -> int:
    mask = 0
    for weekday, daypart in slots:
        mask |= availability_bit(weekday, daypart)
    return mask


def availability_mask(ctx: SeedContext) -> int:
    """A weekly availability that looks like someone's life (school hours, evenings, mornings...)."""
    rng = ctx.rng
    pattern = rng.choices(
        ["school_hours", "evenings_weekends", "mornings", "wide", "scattered"], weights=[25, 20, 15, 20, 20], k=1
    )[0]
    if pattern == "school_hours":
        slots = [(d, p) for d in WEEKDAYS for p in (MORNING, AFTERNOON)]
    elif pattern == "evenings_weekends":
        slots = [(d, EVENING) for d in WEEKDAYS] + [(d, p) for d in (5, 6) for p in (MORNING, AFTERNOON, EVENING)]
    elif pattern == "mornings":
        slots = [(d, MORNING) for d in ALL_WEEK]
    elif pattern == "wide":
        slots = [(d, p) for d in ALL_WEEK for p in (MORNING, AFTERNOON, EVENING) if rng.random() < 0.8]
    else:
        slots = [(d, p) for d in ALL_WEEK for p in (MORNING, AFTERNOON, EVENING) if rng.random() < 0.4]
    return _mask(slots) or availability_bit(0, MORNING)


@dataclass
class Resident:
    """A seeded member, with what the work step needs to pick suitable people for shifts."""

    member: Member
    coop_slug: str
    target_minutes: int = 0
    cap_cents: int | None = None
    mask: int = 0
    neighbourhood_only: bool = False
    skills: dict[str, dt.date | None] = field(default_factory=dict)
    is_demo: bool = False
    share_paid: bool = False

    @property
    def works(self) -> bool:
        return self.member.status == Member.Status.ACTIVE and self.target_minutes > 0


def _skills_for(ctx: SeedContext) -> dict[str, dt.date | None]:
    rng = ctx.rng
    chosen: dict[str, dt.date | None] = {}
    for spec in SKILLS:
        if rng.random() >= spec.prevalence:
            continue
        if spec.requires_certificate:
            # Obtained some time ago; some certificates have run out by now (BHV lasts a year).
            obtained = ctx.today - dt.timedelta(days=rng.randint(20, spec.valid_years * 365 + 200))
            chosen[spec.slug] = add_years(obtained, spec.valid_years)
        else:
            chosen[spec.slug] = None
    if not chosen:
        chosen[rng.choice(["schoonmaak", "vakkenvullen", "kassawerk"])] = None
    return chosen


def _birth_date(ctx: SeedContext) -> dt.date:
    """Someone of working age: 18 up to 67 (the Dutch state pension age) on seeding day."""
    age = ctx.rng.randint(18, 66)
    # Born at most 364 days before the `age`-th birthday fell on or before today: aged exactly `age`.
    return add_years(ctx.today, -age) - dt.timedelta(days=ctx.rng.randint(0, 364))


def _postcode_for(ctx: SeedContext, slug: str) -> str:
    spec = ctx.spec_for(slug)
    if ctx.rng.random() < 0.88:
        return postcode_in(ctx.rng, ctx.rng.choice(spec.postcode_areas))
    return postcode_in(ctx.rng, ctx.rng.choice(spec.nearby_areas))


def _decider(ctx: SeedContext, slug: str) -> User:
    return ctx.staff.get(f"coordinator-{slug}") or ctx.staff["servicedesk"]


def members_seed(ctx: SeedContext, *, count: int, fixed: list[tuple[StaffSpec, str]]) -> list[Resident]:
    """Create `count` generated residents plus the fixed demo people (board members, the demo member).

    `fixed` pairs each fixed login that is also a member with the coop slug it belongs to.
    """
    rng = ctx.rng
    residents: list[Resident] = []
    users: list[User] = []
    founded = ctx.at(ctx.founded_on, dt.time(10, 0))

    # Fixed people first, so their member numbers (board: founders) are the lowest.
    for spec, slug in fixed:
        user = ctx.staff[spec.key]
        decided = founded if spec.kind == "board" else ctx.at(ctx.today - dt.timedelta(days=300), dt.time(11, 30))
        member = Member(
            user=user,
            coop=ctx.coops[slug],
            status=Member.Status.ACTIVE,
            first_name=spec.first_name,
            last_name=spec.last_name,
            postcode=postcode_in(rng, ctx.spec_for(slug).postcode_areas[-1]),
            house_number=house_number(rng),
            phone=mobile_number(rng),
            iban=ctx.ids.iban(),
            date_of_birth=_birth_date(ctx),
            languages=["nl", "ar", "ber"] if spec.kind == "member" else ["nl", "en"],
            applied_at=decided - dt.timedelta(days=5),
            decided_at=decided,
            decided_by=_decider(ctx, slug),
        )
        resident = Resident(member=member, coop_slug=slug, share_paid=True)
        if spec.kind == "member":
            # Fatima: a complete stapelbaan profile that fits the demo bakery's shifts.
            member.date_of_birth = dt.date(ctx.today.year - 38, 4, 12)
            member.assisted_consent_at = decided + dt.timedelta(days=20)
            member.assisted_consent_note = CONSENT_NOTES[0]
            resident.is_demo = True
            resident.target_minutes = 24 * 60
            resident.mask = _mask([(d, p) for d in WEEKDAYS for p in (MORNING, AFTERNOON)] + [(5, MORNING)])
            resident.skills = {
                "kassawerk": None,
                "keukenhulp": None,
                "schoonmaak": None,
                "vakkenvullen": None,
                "haccp": ctx.today + dt.timedelta(days=700),
                "bhv": ctx.today - dt.timedelta(days=40),  # ran out: shows an expired certificate
            }
        residents.append(resident)

    for _ in range(count):
        slug = ctx.pick_coop_slug()
        person: Person = ctx.people.person(ctx.spec_for(slug).origin_mix)
        email = ctx.emails.for_person(person.first_name, person.last_name)
        status = rng.choices([s for s, _ in STATUS_MIX], weights=[w for _, w in STATUS_MIX], k=1)[0]
        users.append(
            User(
                email=email,
                first_name=person.first_name,
                last_name=person.last_name,
                password=ctx.password_hash,
                preferred_language=person.preferred_language,
            )
        )
        member = Member(
            coop=ctx.coops[slug],
            status=status,
            first_name=person.first_name,
            last_name=person.last_name,
            postcode=_postcode_for(ctx, slug),
            house_number=house_number(rng),
            phone=mobile_number(rng),
            iban=ctx.ids.iban(),
            date_of_birth=_birth_date(ctx),
            languages=list(person.languages),
        )
        if status == Member.Status.APPLIED:
            member.applied_at = ctx.between(ctx.now - dt.timedelta(days=21), ctx.now - dt.timedelta(hours=2))
        else:
            member.applied_at = ctx.between(founded + dt.timedelta(days=10), ctx.now - dt.timedelta(days=25))
            member.decided_at = member.applied_at + dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
            member.decided_by = _decider(ctx, slug)
        share_paid = False
        if status != Member.Status.APPLIED:
            if status == Member.Status.REJECTED:
                member.rejection_reason = rng.choice(REJECTION_REASONS)
            else:
                share_paid = rng.random() < 0.88
        resident = Resident(member=member, coop_slug=slug, share_paid=share_paid)
        if status in (Member.Status.ACTIVE, Member.Status.PAUSED):
            resident.target_minutes = (
                rng.choices([h for h, _ in TARGET_HOURS], weights=[w for _, w in TARGET_HOURS], k=1)[0] * 60
            )
            if rng.random() < 0.18:
                resident.cap_cents = money_cents(rng.choice(EARNINGS_CAPS))
            resident.neighbourhood_only = rng.random() < 0.3
            resident.mask = availability_mask(ctx)
            resident.skills = _skills_for(ctx)
            if status == Member.Status.ACTIVE and member.decided_at is not None and rng.random() < 0.05:
                member.assisted_consent_at = member.decided_at + dt.timedelta(days=rng.randint(1, 30))
                member.assisted_consent_note = rng.choice(CONSENT_NOTES)
        residents.append(resident)

    User.objects.bulk_create(users, batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
    )
    for resident, user in zip(residents[len(fixed) :], users, strict=True):
        resident.member.user = user

    _one_member_left_long_ago(ctx, residents[len(fixed) :])
    _number_members(residents)
    Member.objects.bulk_create([r.member for r in residents], batch_size=BATCH)
    _profiles_seed(ctx, residents)
    _members_audit(ctx, residents)
    return residents


def _one_member_left_long_ago(ctx: SeedContext, generated: list[Resident]) -> None:
    """Each coop has a member who left long enough ago to get their share back (the demo's refund batch).

    If chance gave a coop none, the earliest-admitted generated active member is the one who left.
    """
    long_ago = ctx.now - dt.timedelta(days=LEFT_LONG_AGO_DAYS)
    for slug in ctx.coops:
        ours = [r for r in generated if r.coop_slug == slug and r.member.decided_at and r.member.decided_at < long_ago]
        if any(r.member.status == Member.Status.LEFT for r in ours):
            continue
        active = sorted(
            (r for r in ours if r.member.status == Member.Status.ACTIVE), key=lambda r: r.member.decided_at or ctx.now
        )
        if active:
            active[0].member.status = Member.Status.LEFT
            active[0].share_paid = True


def _number_members(residents: list[Resident]) -> None:
    """Member numbers per coop in order of admission; applicants and rejected people have none."""
    admitted = [r.member for r in residents if r.member.status not in (Member.Status.APPLIED, Member.Status.REJECTED)]
    next_number: dict[int, int] = {}
    for member in sorted(admitted, key=lambda m: (m.decided_at, m.user.email)):
        number = next_number.get(member.coop.pk, 1)
        member.member_number = number
        next_number[member.coop.pk] = number + 1


def _profiles_seed(ctx: SeedContext, residents: list[Resident]) -> None:
    profiles: list[WorkerProfile] = []
    with_profile = [r for r in residents if r.member.status in (Member.Status.ACTIVE, Member.Status.PAUSED)]
    for r in with_profile:
        profile = WorkerProfile(
            member=r.member,
            target_hours_per_week=r.target_minutes // 60,
            max_travel=WorkerProfile.Travel.NEIGHBOURHOOD if r.neighbourhood_only else WorkerProfile.Travel.CYCLING,
            availability_mask=r.mask,
        )
        profile.monthly_earnings_cap = eur(Decimal(r.cap_cents) / 100) if r.cap_cents is not None else None
        profiles.append(profile)
    WorkerProfile.objects.bulk_create(profiles, batch_size=BATCH)
    MemberSkill.objects.bulk_create(
        [
            MemberSkill(profile=profile, skill=ctx.skills[slug], certificate_valid_until=valid_until)
            for r, profile in zip(with_profile, profiles, strict=True)
            for slug, valid_until in r.skills.items()
        ],
        batch_size=BATCH,
    )


def _members_audit(ctx: SeedContext, residents: list[Resident]) -> None:
    """The admission history on each member's page (written by the seeder: actor empty, source seed_demo)."""
    for r in residents:
        m = r.member
        ctx.audit(
            action="member.applied", subject=m, coop=m.coop, data={"coop": m.coop.slug, "at": m.applied_at.isoformat()}
        )
        if m.status == Member.Status.APPLIED:
            continue
        if m.status == Member.Status.REJECTED:
            ctx.audit(
                action="member.rejected",
                subject=m,
                coop=m.coop,
                data={
                    "old": "applied",
                    "new": "rejected",
                    "reason": m.rejection_reason,
                    "at": m.decided_at.isoformat() if m.decided_at else "",
                },
            )
            continue
        ctx.audit(
            action="member.admitted",
            subject=m,
            coop=m.coop,
            data={
                "old": "applied",
                "new": "active",
                "at": m.decided_at.isoformat() if m.decided_at else "",
            },
        )
        if m.status == Member.Status.PAUSED:
            ctx.audit(
                action="member.paused",
                subject=m,
                coop=m.coop,
                data={"old": "active", "new": "paused", "reason": ctx.rng.choice(PAUSE_REASONS)},
            )
        elif m.status == Member.Status.LEFT:
            ctx.audit(
                action="member.left",
                subject=m,
                coop=m.coop,
                data={"old": "active", "new": "left", "reason": ctx.rng.choice(LEAVE_REASONS)},
            )
