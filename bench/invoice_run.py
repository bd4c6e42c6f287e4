"""Benchmark of a full invoice run on PostgreSQL with 2 worker processes.

    python -m bench.invoice_run --invoices 1000 [--workers 2] [--min-lines 3] [--max-lines 40] [--keep]

Builds a throwaway database (default wk_bench_invoices), fills it with one coop, N businesses and
their approved hours (3-40 shifts each: one- and two-page invoices), then runs the invoice run the
way production does: each worker process issues invoices (number, lines with euro trail, ledger
posting, audit) and does the after-commit work of each (PDF through the pdf.py gateway into
storage, e-mail with the PDF attached to an in-memory backend). Workers take the next business
from one shared queue when they are free (as Celery workers with prefetch 1 do);
they contend on the real counter row lock. Prints one JSON line:
{"invoices", "workers", "seconds", "invoices_per_s", "projected_10000_min", "lines", ...}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time

from bench.common import bench_coop, postgres_cpu_seconds, throwaway_database

UNTIL = dt.date(2026, 3, 29)


def fill(*, invoices: int, min_lines: int, max_lines: int, seed: int = 1, members: int = 300) -> int:
    """One coop with `invoices` businesses, each with approved hours; returns the coop id."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coop.money import eur
    from jobs.models import Assignment, HourEntry, Job, Shift
    from members.models import Business, BusinessRelation, Member, User

    rng = random.Random(seed)
    coop = bench_coop(wtta_number="WTTA-12345")
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"lid{i}@example.nl", first_name=f"Lid{i}", last_name="Bench", password=password)
            for i in range(members)
        ]
    )
    first_names = ["Fatima", "Jan", "Yusuf", "Sanne", "Mohamed", "Anouk", "Kees", "Ayşe", "Piotr", "Lotte"]
    member_rows = Member.objects.bulk_create(
        [
            Member(
                user=u,
                coop=coop,
                status=Member.Status.ACTIVE,
                member_number=i + 1,
                first_name=first_names[i % len(first_names)],
                last_name=f"Bench{i}",
                postcode="3526KL",
                phone="0612345678",
                iban="NL02ABNA0123456789",
                date_of_birth=dt.date(1985, 5, 17),
                decided_at=timezone.now(),
            )
            for i, u in enumerate(users)
        ]
    )
    businesses = Business.objects.bulk_create(
        [
            Business(
                legal_name=f"Winkel {i} B.V.",
                trade_name=f"Winkel {i}",
                kvk_number=f"{60000000 + i}",
                vat_id="NL123456789B01",
                street=f"Kanaleneiland Centrum {i}",
                postcode="3526AB",
                city="Utrecht",
                billing_email=f"facturen{i}@winkel.example.nl",
            )
            for i in range(invoices)
        ]
    )
    BusinessRelation.objects.bulk_create([BusinessRelation(business=b, coop=coop) for b in businesses])
    categories = ["cleaning", "hospitality", "retail", "care", "logistics", "maintenance"]
    jobs = Job.objects.bulk_create(
        [
            Job(
                coop=coop,
                business=b,
                title=rng.choice(["Schoonmaak", "Bediening", "Vakkenvullen", "Boodschappen", "Magazijn", "Klussen"])
                + f" {b.trade_name}",
                category=rng.choice(categories),
                street=b.street,
                postcode=b.postcode,
                hourly_client_rate=eur(rng.choice(["27.50", "30.00", "32.50", "35.00"])),
            )
            for b in businesses
        ]
    )
    shifts, plan = [], []
    for job in jobs:
        for _ in range(rng.randint(min_lines, max_lines)):
            day = UNTIL - dt.timedelta(days=rng.randint(0, 27))
            start = rng.choice([8, 9, 10, 13, 14, 17])
            length = rng.choice([2, 3, 4, 4, 5, 6])
            shifts.append(
                Shift(job=job, date=day, start_time=dt.time(start), end_time=dt.time(start + length), seats=1)
            )
            plan.append((rng.choice(member_rows), rng.choice([0, 0, 15, 30])))
    shifts = Shift.objects.bulk_create(shifts, batch_size=2000)
    assignments = Assignment.objects.bulk_create(
        [Assignment(shift=s, member=m) for s, (m, _b) in zip(shifts, plan, strict=True)], batch_size=2000
    )
    now = timezone.now()
    HourEntry.objects.bulk_create(
        [
            HourEntry(
                assignment=a,
                start_time=s.start_time,
                end_time=s.end_time,
                break_minutes=b,
                status=HourEntry.Status.APPROVED,
                approved_at=now,
            )
            for a, s, (_m, b) in zip(assignments, shifts, plan, strict=True)
        ],
        batch_size=2000,
    )
    return coop.pk


def _worker(coop_id: int, media_root: str, work: mp.Queue, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail

    settings.MEDIA_ROOT = media_root
    settings.PRIVATE_MEDIA_ROOT = media_root  # the invoice PDFs, counted by _page_counts
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from coop.celery import app

    app.conf.task_always_eager = True
    from coop.models import Cooperative
    from coop.rulebook.book import Rulebook
    from invoicing.services.invoices import invoice_issue
    from members.models import Business

    coop = Cooperative.objects.get(pk=coop_id)
    rules = Rulebook.for_coop(coop)  # one per run, like invoice_run
    issued = 0
    cpu = time.process_time()
    # Like Celery workers with prefetch 1: each process takes the next business when it is free, so
    # a worker that drew short invoices does not sit idle while the other finishes long ones.
    while (business_id := work.get()) is not None:
        business = Business.objects.get(pk=business_id)
        # Eager Celery: the after-commit PDF and e-mail tasks run here, in this worker, like a real one.
        invoice_issue(coop=coop, business=business, until=UNTIL, rules=rules)
        issued += 1
        if len(mail.outbox) > 50:
            mail.outbox.clear()
    queue.put((issued, time.process_time() - cpu, time.perf_counter()))


def _page_counts(media_root: str, sample: int = 500) -> dict[str, int]:
    """{"1": n, "2": n, ...}: pages per stored PDF, for an evenly spread sample of them."""
    import re
    import shutil
    import subprocess
    from pathlib import Path

    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return {}
    files = sorted(Path(media_root).rglob("*.pdf"))
    step = max(1, len(files) // sample)
    counts: dict[str, int] = {}
    for path in files[::step][:sample]:
        out = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
        pages = match.group(1) if match else "?"
        counts[pages] = counts.get(pages, 0) + 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-lines", type=int, default=3)
    parser.add_argument("--max-lines", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="wk_bench_invoices")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    throwaway_database(args.db, args.server)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "coop.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every SQL query in memory: not what production does
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    media_root = tempfile.mkdtemp(prefix="wk_bench_invoices_")
    try:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        coop_id = fill(invoices=args.invoices, min_lines=args.min_lines, max_lines=args.max_lines, seed=args.seed)
        fill_seconds = time.perf_counter() - t
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
        connections.close_all()

        from coop.models import Cooperative
        from invoicing.selectors import invoice_business_ids_to_bill

        to_bill = [b.pk for b in invoice_business_ids_to_bill(coop=Cooperative.objects.get(pk=coop_id), until=UNTIL)]
        connections.close_all()
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        work = ctx.Queue()
        for business_id in to_bill:
            work.put(business_id)
        for _ in range(args.workers):
            work.put(None)
        procs = [ctx.Process(target=_worker, args=(coop_id, media_root, work, queue)) for _ in range(args.workers)]
        pg_cpu_before = postgres_cpu_seconds()
        t = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - t
        pg_cpu_after = postgres_cpu_seconds()
        pg_cpu = None if pg_cpu_before is None or pg_cpu_after is None else pg_cpu_after - pg_cpu_before
        reports = [queue.get() for _ in procs]
        issued = sum(r[0] for r in reports)
        worker_cpu = sum(r[1] for r in reports)
        idle_tail = max(r[2] for r in reports) - min(r[2] for r in reports)
        if any(p.exitcode for p in procs):
            raise SystemExit(f"a worker failed: {[p.exitcode for p in procs]}")

        from coop.ledger.selectors import trial_balance
        from coop.models import Cooperative
        from invoicing.models import Invoice, InvoiceLine
        from invoicing.services.invoices import invoice_run

        coop = Cooperative.objects.get(pk=coop_id)
        leftover = invoice_run(coop=coop, until=UNTIL)  # a rerun must find nothing
        sequences = list(Invoice.objects.filter(coop=coop).order_by("sequence").values_list("sequence", flat=True))
        pages_ok = Invoice.objects.filter(coop=coop, pdf_rendered_at__isnull=True).count() == 0
        page_counts = _page_counts(media_root)
        result = {
            "invoices": issued,
            "workers": args.workers,
            "lines": InvoiceLine.objects.filter(invoice__coop=coop).count(),
            "seconds": round(seconds, 2),
            "invoices_per_s": round(issued / seconds, 2),
            "projected_10000_min": round(10_000 / (issued / seconds) / 60, 1),
            # Worker CPU only (the PostgreSQL server's CPU is not in it): what the run costs when the
            # two cores are not shared with other work.
            "worker_cpu_s_per_invoice": round(worker_cpu / issued, 3),
            "projected_10000_min_cores_free": round(10_000 * worker_cpu / issued / args.workers / 60, 1),
            # The local PostgreSQL server's CPU during the run (None when it is not on this machine):
            # the workers and the database share the two cores.
            "postgres_cpu_s_per_invoice": None if pg_cpu is None else round(pg_cpu / issued, 3),
            "target_10000_min": 15,
            "idle_tail_s": round(idle_tail, 2),  # how long one worker waited for the other at the end
            "gap_free": sequences == list(range(1, len(sequences) + 1)),
            "all_pdfs": pages_ok,
            "all_emailed": not Invoice.objects.filter(coop=coop, emailed_at__isnull=True).exists(),
            "rerun_issued": len(leftover),
            "trial_balance_total": str(trial_balance(coop).total.amount),
            # How long the invoices are (the target is for one- and two-page invoices), read with
            # poppler's pdfinfo from up to 500 of the stored PDFs; {} when pdfinfo is not installed.
            "pages": page_counts,
            "fill_seconds": round(fill_seconds, 1),
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
        print(json.dumps(result), flush=True)
    finally:
        connections.close_all()
        import shutil

        shutil.rmtree(media_root, ignore_errors=True)
        if not args.keep:
            throwaway_database(args.db, args.server, drop_only=True)


if __name__ == "__main__":
    main(sys.argv[1:])
