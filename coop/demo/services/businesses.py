"""Seed local businesses: legal details, a contact each, relations to one coop (a few to both)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.utils.text import slugify

from coop.demo.catalogue import BUSINESS_KINDS, DEMO_BUSINESS, BusinessKind
from coop.demo.identifiers import postcode_in, utrecht_landline
from coop.demo.neighbourhoods import StaffSpec
from coop.demo.people import ascii_fold
from coop.demo.services.context import BATCH, SeedContext
from coop.demo.services.members import Resident
from members.models import Business, BusinessRelation, Member, Role, User

KINDS = {k.key: k for k in BUSINESS_KINDS}


@dataclass
class SeededBusiness:
    business: Business
    kind: BusinessKind
    coop_slugs: list[str]
    contact: User
    since: dt.date
    is_demo: bool = False


def _domain(name: str) -> str:
    label = slugify(ascii_fold_words(name))[:50].strip("-") or "bedrijf"
    return f"{label}.example.org"


def ascii_fold_words(text: str) -> str:
    return " ".join(ascii_fold(word) for word in text.split())


def _legal_name(name: str, suffix: str) -> str:
    if suffix == "Stichting":
        return name if name.startswith("Stichting") else f"Stichting {name}"
    if suffix in ("", "Vereniging"):
        return name
    return f"{name} {suffix}"


def _street_name(ctx: SeedContext, slug: str) -> str:
    return ctx.rng.choice(ctx.spec_for(slug).streets)


def businesses_seed(
    ctx: SeedContext, *, count: int, residents: list[Resident], demo_contact: StaffSpec | None, demo_coop: str
) -> list[SeededBusiness]:
    """Create the demo bakery (when its contact login is seeded) plus `count` generated businesses."""
    rng = ctx.rng
    slugs = [s.slug for s in ctx.specs]
    seeded: list[SeededBusiness] = []
    new_users: list[User] = []
    names: set[str] = set()
    founded = ctx.founded_on

    def since_date() -> dt.date:
        start = founded + dt.timedelta(days=30)
        span = max((ctx.today - dt.timedelta(days=40) - start).days, 0)
        return start + dt.timedelta(days=rng.randint(0, span))

    if demo_contact is not None:
        # The bakery stands in Kanaleneiland; when only another coop is seeded it moves there.
        home = ctx.coops[demo_coop]
        home_street = f"{ctx.spec_for(demo_coop).streets[0]} 7"
        home_postcode = postcode_in(rng, ctx.spec_for(demo_coop).postcode_areas[0])
        business = Business(
            legal_name=DEMO_BUSINESS["legal_name"],
            trade_name=DEMO_BUSINESS["trade_name"],
            kvk_number=ctx.ids.kvk_number(),
            vat_id=ctx.ids.vat_id(),
            street=DEMO_BUSINESS["street"] if home.covers_postcode(DEMO_BUSINESS["postcode"]) else home_street,
            postcode=DEMO_BUSINESS["postcode"] if home.covers_postcode(DEMO_BUSINESS["postcode"]) else home_postcode,
            city="Utrecht",
            billing_email=ctx.emails.claim("facturen", "kanaalbakker.example.org"),
            phone=utrecht_landline(rng),
        )
        names.add(DEMO_BUSINESS["trade_name"])
        seeded.append(
            SeededBusiness(
                business,
                KINDS[DEMO_BUSINESS["kind"]],
                [demo_coop],
                ctx.staff[demo_contact.key],
                founded + dt.timedelta(days=45),
                is_demo=True,
            )
        )

    # A couple of businesses are run by members (a hairdresser, a caterer, a handyman...).
    runners = [r for r in residents if r.member.status == Member.Status.ACTIVE and r.works and not r.is_demo]
    wanted = max(2, round(count * 0.02)) if count >= 10 else (1 if count >= 3 else 0)
    member_run_count = min(len(runners), wanted)
    run_by = rng.sample(runners, member_run_count) if member_run_count else []
    member_kinds = [k for k in BUSINESS_KINDS if k.member_run]

    for index in range(count):
        runner = run_by[index] if index < len(run_by) else None
        if runner is not None:
            kind = rng.choice(member_kinds)
            slug = runner.coop_slug
        else:
            kind = rng.choices(BUSINESS_KINDS, weights=[k.weight for k in BUSINESS_KINDS], k=1)[0]
            slug = ctx.pick_coop_slug()
        coop_slugs = [slug]
        if len(slugs) > 1 and rng.random() < kind.both_coops:
            coop_slugs = [slug, *(s for s in slugs if s != slug)]
        spec = ctx.spec_for(slug)
        contact_person = ctx.people.person(spec.origin_mix)
        last = runner.member.last_name if runner else contact_person.last_name
        patterns = [p for p in kind.names if "{last}" in p] if runner else list(kind.names)
        name = rng.choice(patterns or kind.names).format(last=last, street=_street_name(ctx, slug), hood=spec.name)
        if name in names:
            name = f"{name} {spec.name}" if spec.name not in name else f"{name} {index + 1}"
        names.add(name)
        suffix = rng.choice(kind.legal_suffix)
        legal_name = _legal_name(name, suffix)
        in_area = rng.random() < 0.9
        area = rng.choice(spec.postcode_areas if in_area else spec.nearby_areas)
        domain = _domain(name)
        business = Business(
            legal_name=legal_name,
            trade_name=name if legal_name != name else "",
            kvk_number=ctx.ids.kvk_number(),
            vat_id=ctx.ids.vat_id(),
            street=f"{_street_name(ctx, slug)} {rng.randint(1, 180)}",
            postcode=postcode_in(rng, area),
            city="Utrecht",
            billing_email=ctx.emails.claim("facturen", domain),
            phone=utrecht_landline(rng),
            payment_term_days=30 if suffix in ("Stichting", "Vereniging") and rng.random() < 0.5 else None,
            run_by_member=runner.member if runner else None,
        )
        if runner is not None:
            contact = runner.member.user
        else:
            contact = User(
                email=ctx.emails.claim(ascii_fold(contact_person.first_name), domain),
                first_name=contact_person.first_name,
                last_name=contact_person.last_name,
                password=ctx.password_hash,
                preferred_language=contact_person.preferred_language,
            )
            new_users.append(contact)
        seeded.append(SeededBusiness(business, kind, coop_slugs, contact, since_date()))

    User.objects.bulk_create(new_users, batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new_users], batch_size=BATCH
    )
    Business.objects.bulk_create([s.business for s in seeded], batch_size=BATCH)
    BusinessRelation.objects.bulk_create(
        [
            BusinessRelation(business=s.business, coop=ctx.coops[slug], since=s.since)
            for s in seeded
            for slug in s.coop_slugs
        ],
        batch_size=BATCH,
    )
    Role.objects.bulk_create(
        [Role(user=s.contact, kind=Role.Kind.BUSINESS_CONTACT, business=s.business) for s in seeded], batch_size=BATCH
    )
    for s in seeded:
        for slug in s.coop_slugs:
            ctx.audit(
                action="business.registered",
                subject=s.business,
                coop=ctx.coops[slug],
                data={"kvk_number": s.business.kvk_number, "since": s.since.isoformat()},
            )
    return seeded
