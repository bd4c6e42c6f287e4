"""demo_seed(): the demo neighbourhood federation, in one transaction, fast and deterministic.

Audit: the seeder writes the audit rows a member's and a business's page show (applied, admitted,
rejected, paused, left; business registered) in bulk, with an empty actor (the system) and
`"source": "seed_demo"` in the data, so the history looks like a real one without pretending a
coordinator clicked anything. Hour entries and offers get no audit rows: their own columns
(handled_by/handled_at, responded_at) already tell their story, and thousands of invented
"approved by" rows would only bloat the trail. One `demo.seeded` row per coop records the run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from coop.demo.catalogue import SKILLS
from coop.demo.identifiers import IdentifierBook
from coop.demo.logins import DemoLogin
from coop.demo.neighbourhoods import DEMO_PASSWORD, NEIGHBOURHOODS, STAFF, StaffSpec
from coop.demo.people import EmailBook, PersonFactory
from coop.demo.services.businesses import businesses_seed
from coop.demo.services.context import BATCH, SeedContext
from coop.demo.services.governance import governance_seed
from coop.demo.services.members import members_seed
from coop.demo.services.payments import payments_seed
from coop.demo.services.shares import shares_seed
from coop.demo.services.stripe_keys import demo_stripe_keys_seed
from coop.demo.services.work import work_seed
from coop.models import AuditEvent, Cooperative
from coop.rulebook.selectors import rule_values
from coop.services import cooperative_create
from members.models import Business, Role, Skill, User

DEFAULT_COOPS = ("kanaleneiland", "lunetten")


class DemoSeedError(Exception):
    """The demo cannot be seeded here (bad arguments, production settings, clashing data)."""


@dataclass(frozen=True)
class DemoSeedResult:
    already_seeded: bool
    coops: list[str]
    logins: list[DemoLogin]
    members: int = 0
    businesses: int = 0
    jobs: int = 0
    shifts: int = 0
    offers: int = 0
    assignments: int = 0
    hour_entries: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _staff_for(slugs: Sequence[str]) -> list[StaffSpec]:
    """The fixed logins for the seeded coops: staff of unseeded coops are left out, and the demo member
    and business move to the first seeded coop if Kanaleneiland is not among them."""
    resolved: list[StaffSpec] = []
    for spec in STAFF:
        if not spec.coops:
            resolved.append(replace(spec, coops=tuple(slugs)))
            continue
        coops = tuple(s for s in spec.coops if s in slugs)
        if coops:
            resolved.append(spec)
        elif spec.kind in ("member", "business"):
            home = spec.coops[0]
            resolved.append(
                replace(
                    spec,
                    coops=(slugs[0],),
                    email=spec.email.replace(home, slugs[0]),
                    description=spec.description.replace(NEIGHBOURHOODS[home].name, NEIGHBOURHOODS[slugs[0]].name),
                )
            )
    return resolved


def demo_logins(slugs: Sequence[str] = DEFAULT_COOPS) -> list[DemoLogin]:
    """The fixed demo logins for a set of coops (whether or not they exist yet)."""
    return [DemoLogin(s.email, s.description) for s in _staff_for(list(slugs))]


def _check_arguments(*, members: int, businesses: int, slugs: list[str]) -> None:
    if getattr(settings, "PRODUCTION", False):
        raise DemoSeedError(
            "Refusing to seed demo data with ENV=production: every demo account has the published password."
        )
    if members < 0 or businesses < 0:
        raise DemoSeedError("--members and --businesses must be 0 or more.")
    unknown = [s for s in slugs if s not in NEIGHBOURHOODS]
    if unknown or not slugs:
        raise DemoSeedError(
            f"Unknown demo coop(s): {', '.join(unknown) or '(none given)'}. Choose from: {', '.join(NEIGHBOURHOODS)}."
        )
    if len(set(slugs)) != len(slugs):
        raise DemoSeedError("Each coop can be named only once.")


def demo_seed(
    *,
    members: int,
    businesses: int,
    seed: int = 1,
    coops: Sequence[str] = DEFAULT_COOPS,
    today: dt.date | None = None,
) -> DemoSeedResult:
    """Create the demo federation: coops, staff, members, businesses, jobs and hours; a no-op if it exists.

    All in one transaction: a failure leaves nothing behind. Raises DemoSeedError.
    """
    slugs = list(coops)
    _check_arguments(members=members, businesses=businesses, slugs=slugs)
    logins = demo_logins(slugs)
    if Cooperative.objects.filter(slug__in=slugs).exists():
        return DemoSeedResult(already_seeded=True, coops=slugs, logins=logins)

    specs = [NEIGHBOURHOODS[s] for s in slugs]
    clashes = [s.invoice_prefix for s in specs if Cooperative.objects.filter(invoice_prefix=s.invoice_prefix).exists()]
    if clashes:
        raise DemoSeedError(f"Another coop already uses invoice prefix {', '.join(clashes)}; not seeding the demo.")
    staff_specs = _staff_for(slugs)
    taken = [e for e in User.objects.filter(email__in=[s.email for s in staff_specs]).values_list("email", flat=True)]
    if taken:
        raise DemoSeedError(f"Demo login(s) already exist without the demo coops: {', '.join(sorted(taken))}.")

    now = timezone.now()
    day = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    ctx = SeedContext(
        rng=rng,
        seed=seed,
        today=day,
        now=now if today is None else timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0))),
        founded_on=dt.date(day.year - 1, 1, 1),
        specs=specs,
        password_hash=make_password(DEMO_PASSWORD),
        people=PersonFactory(rng, seed),
        emails=EmailBook(),
        ids=IdentifierBook(rng, taken_kvk=set(Business.objects.values_list("kvk_number", flat=True))),
    )
    with transaction.atomic():
        _staff_seed(ctx, staff_specs)
        for spec in specs:
            coop = cooperative_create(actor=ctx.staff["admin"], founded_on=ctx.founded_on, **spec.cooperative_fields())
            ctx.coops[spec.slug] = coop
            ctx.rules[spec.slug] = rule_values(coop, on=ctx.founded_on)[1]
        _skills_seed(ctx)
        _roles_seed(ctx, staff_specs)
        # Only with the local fake Stripe switched on (STRIPE_FAKE): random test keys per demo coop.
        demo_stripe_keys_seed(coops=ctx.coops.values(), actor=ctx.staff["admin"])
        fixed_members = [(s, s.coops[0]) for s in staff_specs if s.kind in ("board", "member")]
        residents = members_seed(ctx, count=members, fixed=fixed_members)
        share_count = shares_seed(ctx, residents)
        demo_contact = next((s for s in staff_specs if s.kind == "business"), None)
        seeded_businesses = businesses_seed(
            ctx,
            count=businesses,
            residents=residents,
            demo_contact=demo_contact,
            demo_coop=demo_contact.coops[0] if demo_contact else slugs[0],
        )
        work = work_seed(ctx, residents=residents, businesses=seeded_businesses)
        decisions = governance_seed(ctx)
        money = payments_seed(ctx, businesses=seeded_businesses)
        counts = {
            "members": len(residents),
            "businesses": len(seeded_businesses),
            "jobs": work.jobs,
            "shifts": work.shifts,
            "offers": work.offers,
            "assignments": work.assignments,
            "hour_entries": work.hour_entries,
            "shares": share_count,
            **decisions,
            **money,
        }
        for coop in ctx.coops.values():
            ctx.audit(
                action="demo.seeded",
                subject=coop,
                coop=coop,
                data={"seed": seed, "requested_members": members, "requested_businesses": businesses, **counts},
            )
        AuditEvent.objects.bulk_create(ctx.audit_rows, batch_size=BATCH)
    return DemoSeedResult(
        already_seeded=False,
        coops=slugs,
        logins=logins,
        members=len(residents),
        businesses=len(seeded_businesses),
        jobs=work.jobs,
        shifts=work.shifts,
        offers=work.offers,
        assignments=work.assignments,
        hour_entries=work.hour_entries,
        counts=counts,
    )


def _staff_seed(ctx: SeedContext, specs: list[StaffSpec]) -> None:
    users = [
        User(
            email=s.email,
            first_name=s.first_name,
            last_name=s.last_name,
            password=ctx.password_hash,
            is_staff=s.is_staff,
            is_superuser=s.is_superuser,
            preferred_language="nl",
        )
        for s in specs
    ]
    User.objects.bulk_create(users)
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    for spec, user in zip(specs, users, strict=True):
        ctx.staff[spec.key] = user
        ctx.emails.taken.add(user.email)


def _skills_seed(ctx: SeedContext) -> None:
    """Skills are shared data (not owned by a coop): reuse those that exist, add the rest."""
    existing = {s.slug: s for s in Skill.objects.filter(slug__in=[s.slug for s in SKILLS])}
    new = [
        Skill(
            slug=s.slug,
            name_nl=s.name_nl,
            name_en=s.name_en,
            requires_certificate=s.requires_certificate,
            certificate_name=s.certificate_name,
        )
        for s in SKILLS
        if s.slug not in existing
    ]
    Skill.objects.bulk_create(new)
    ctx.skills = {**existing, **{s.slug: s for s in new}}


def _roles_seed(ctx: SeedContext, specs: list[StaffSpec]) -> None:
    kinds = {"coordinator": Role.Kind.COORDINATOR, "servicedesk": Role.Kind.COORDINATOR, "board": Role.Kind.BOARD}
    Role.objects.bulk_create(
        [
            Role(user=ctx.staff[s.key], kind=kinds[s.kind], coop=ctx.coops[slug])
            for s in specs
            if s.kind in kinds
            for slug in s.coops
        ]
    )
