"""Benchmark of "show me candidates" (candidates_suggest) at coop scale on PostgreSQL.

    python -m bench.suggest [--members 5000] [--jobs 500] [--requests 200] [--db wk_bench_suggest] [--keep]

Creates a throwaway PostgreSQL database (dropped afterwards unless --keep), migrates it, fills it
with bulk_create (members with worker profiles, skills and certificates, businesses, jobs and
shifts over the next two weeks, planned work and pending offers), then times candidates_suggest
for random shifts the way the business view calls it (the shift with its job and coop loaded).
Prints one JSON line: {"members","requests","p50_ms","p95_ms", ..., "queries_per_call"}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time

from bench.common import bench_coop, throwaway_database


def _fill(*, members: int, jobs: int, seed: int) -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coop.money import eur
    from jobs.models import Assignment, Job, Offer, Shift
    from members.models import Business, BusinessRelation, Member, MemberSkill, Skill, User, WorkerProfile

    rng = random.Random(seed)
    today = timezone.localdate()
    coop = bench_coop()
    skills = Skill.objects.bulk_create(
        [
            Skill(slug=f"skill-{i}", name_nl=f"Vaardigheid {i}", name_en=f"Skill {i}", requires_certificate=i < 6)
            for i in range(24)
        ]
    )
    weights = [1.0 / (i + 1) ** 0.7 for i in range(24)]
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"lid{i}@example.nl", first_name=f"Lid{i}", last_name="Bench", password=password)
            for i in range(members)
        ]
    )
    member_rows = Member.objects.bulk_create(
        [
            Member(
                user=u,
                coop=coop,
                member_number=i + 1,
                status=Member.Status.ACTIVE if rng.random() < 0.97 else Member.Status.PAUSED,
                first_name=u.first_name,
                last_name="Bench",
                postcode=rng.choice(["3526", "3527", "3511", "3523"]) + "AB",
                phone="0612345678",
                iban="NL02ABNA0123456789",
                date_of_birth=dt.date(1985, 1, 1),
                languages=["nl"] + ([rng.choice(["ar", "tr", "en", "pl"])] if rng.random() < 0.5 else []),
            )
            for i, u in enumerate(users)
        ]
    )
    profiles = WorkerProfile.objects.bulk_create(
        [
            WorkerProfile(
                member=m,
                target_hours_per_week=rng.choice([0, 8, 12, 16, 20, 24, 32]),
                monthly_earnings_cap=eur(rng.choice(["250", "400", "600"])) if rng.random() < 0.3 else None,  # type: ignore[misc]
                max_travel=WorkerProfile.Travel.NEIGHBOURHOOD if rng.random() < 0.25 else WorkerProfile.Travel.CYCLING,
                availability_mask=sum(1 << b for b in rng.sample(range(21), rng.randint(3, 12))),
            )
            for m in member_rows
        ]
    )
    MemberSkill.objects.bulk_create(
        [
            MemberSkill(
                profile=p,
                skill=s,
                certificate_valid_until=(today + dt.timedelta(days=rng.randint(-30, 400)))
                if s.requires_certificate
                else None,
            )
            for p in profiles
            for s in {skills[i] for i in rng.choices(range(24), weights=weights, k=rng.randint(0, 5))}
        ]
    )
    businesses = Business.objects.bulk_create(
        [
            Business(
                legal_name=f"Bedrijf {i} B.V.",
                kvk_number=f"{60000000 + i}",
                street="Centrum 5",
                postcode="3526AB",
                city="Utrecht",
                billing_email=f"f{i}@bedrijf.example.nl",
            )
            for i in range(50)
        ]
    )
    BusinessRelation.objects.bulk_create([BusinessRelation(business=b, coop=coop) for b in businesses])
    job_rows = Job.objects.bulk_create(
        [
            Job(
                coop=coop,
                business=rng.choice(businesses),
                title=f"Klus {i}",
                category="default",
                street="Centrum 5",
                postcode=rng.choice(["3526AB", "3527CD", "3511AA"]),
                hourly_client_rate=eur("25.00"),  # type: ignore[misc]
                assign_mode=Job.AssignMode.PICK,
                language=rng.choice(["", "", "", "ar", "tr"]),
            )
            for i in range(jobs)
        ]
    )
    through = Job.required_skills.through
    through.objects.bulk_create(
        [
            through(job_id=j.pk, skill_id=s.pk)
            for j in job_rows
            for s in {skills[i] for i in rng.choices(range(24), weights=weights, k=rng.choice([0, 0, 1, 1, 2]))}
        ]
    )
    prefs = Job.preferred_members.through
    prefs.objects.bulk_create(
        [prefs(job_id=j.pk, member_id=rng.choice(member_rows).pk) for j in job_rows if rng.random() < 0.1]
    )
    shifts = Shift.objects.bulk_create(
        [
            Shift(
                job=j,
                date=today + dt.timedelta(days=rng.randint(1, 14)),
                start_time=dt.time(h, 0),
                end_time=dt.time(h + rng.choice([2, 3, 4]), 0),
                seats=rng.choice([1, 1, 2, 3]),
            )
            for j in job_rows
            for h in [rng.choice([8, 9, 10, 13, 14, 18])]
        ]
    )
    # Planned work in the past and the coming weeks, plus some pending offers.
    past = Shift.objects.bulk_create(
        [
            Shift(
                job=rng.choice(job_rows),
                date=today - dt.timedelta(days=rng.randint(1, 40)),
                start_time=dt.time(9, 0),
                end_time=dt.time(13, 0),
                seats=5,
            )
            for _ in range(300)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(shift=rng.choice(past + shifts), member=m) for m in rng.sample(member_rows, members // 3)],
        ignore_conflicts=True,
    )
    Offer.objects.bulk_create(
        [
            Offer(shift=rng.choice(shifts), member=m, expires_at=timezone.now() + dt.timedelta(hours=24))
            for m in rng.sample(member_rows, members // 10)
        ],
        ignore_conflicts=True,
    )
    return [s.pk for s in shifts]


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="wk_bench_suggest")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    throwaway_database(args.db, args.server)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        shift_ids = _fill(members=args.members, jobs=args.jobs, seed=args.seed)
        fill_seconds = time.perf_counter() - t
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")

        from jobs.matching.selectors import candidates_suggest
        from jobs.models import Shift

        rng = random.Random(args.seed)
        picked = [rng.choice(shift_ids) for _ in range(args.requests + 10)]
        times = []
        found = []
        for i, shift_id in enumerate(picked):
            shift = Shift.objects.select_related("job__coop", "job__business").get(pk=shift_id)
            t = time.perf_counter()
            candidates = candidates_suggest(shift=shift, limit=10)
            elapsed = (time.perf_counter() - t) * 1000
            if i >= 10:  # the first ten warm the connection and caches
                times.append(elapsed)
                found.append(len(candidates))
        times.sort()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            candidates_suggest(shift=shift, limit=10)
        out: dict[str, object] = {
            "members": args.members,
            "jobs": args.jobs,
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2),
            "mean_candidates": round(statistics.mean(found), 2),
            "queries_per_call": len(captured.captured_queries),
            "fill_seconds": round(fill_seconds, 1),
            "database": connections["default"].vendor,
        }
    finally:
        connections.close_all()
        if not args.keep:
            throwaway_database(args.db, args.server, drop_only=True)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
