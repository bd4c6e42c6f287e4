"""Benchmark of the Stripe webhook endpoint: the real endpoint, gunicorn with 2 worker processes, PostgreSQL.

    python -m bench.webhooks [--events 10000] [--workers 2] [--threads 4] [--clients 8] [--max-seconds 600]
                             [--database wk_bench_webhooks] [--broker-url memory://] [--keep]

Builds a throwaway database (default wk_bench_webhooks), fills it with one coop and issued
invoices (with their receivable postings), starts `gunicorn coop.wsgi` (with bench.settings) on a free 127.0.0.1 port,
and replays `--events` signed webhooks at it from several client threads, twice: first at the
floor, then at the real endpoint.

- per invoice a checkout.session.completed and a payment_intent.succeeded for the SAME payment
  intent (two events that each record the payment if they come first);
- a payment_intent.payment_failed for a fifth of the invoices, shuffled in, so many arrive AFTER
  the success (late failures that must not undo anything);
- 30 % of all deliveries are duplicates of earlier events (same event id), shuffled;
- 1 % are forged: paid events for "bait" invoices, signed with a wrong secret.

The floor (bench/urls.py, served only by this bench's server through bench/settings.py) is a bare
view on the same server and database that verifies the signature and inserts one row per event.
Both runs get the same deliveries from the same clients, so `ratio` = floor rate / real rate says
what the real endpoint's own work costs, and does not drift with the machine's load as the
absolute `events_per_s` does. Target: `ratio` <= 2.

Afterwards it checks the database: `double_credits` (invoices whose receivable went below zero or
were paid more than owed, plus payment intents with more than one payment), `lost_payments`
(invoices with a genuine paid event whose receivable is not zero), `forged_accepted` (forged
events stored or bait invoices paid). Prints one JSON line with `events_per_s`,
`floor_events_per_s` and `ratio` among the checks. The run is bounded (`--max-seconds`)
and stops gunicorn and drops the database by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import bench_coop, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill(*, invoices: int, businesses: int = 100) -> tuple[int, list[tuple[int, str, int]]]:
    """One coop with issued invoices (rows + balanced receivable postings); returns (coop id, invoices)."""
    import datetime as dt
    from decimal import Decimal

    from coop.ledger.models import AccountCode, LedgerLeg, LedgerTransaction
    from coop.ledger.services import account_get_or_create
    from coop.money import eur
    from invoicing.models import Invoice
    from members.models import Business, BusinessRelation

    coop = bench_coop()
    rows = Business.objects.bulk_create(
        [
            Business(
                legal_name=f"Winkel {i} B.V.",
                kvk_number=f"{60000000 + i}",
                street="Centrum 1",
                postcode="3526AB",
                city="Utrecht",
                billing_email=f"f{i}@winkel.example.nl",
            )
            for i in range(businesses)
        ]
    )
    BusinessRelation.objects.bulk_create([BusinessRelation(business=b, coop=coop) for b in rows])
    rng = random.Random(7)
    day = dt.date(2026, 3, 2)
    made = Invoice.objects.bulk_create(
        [
            Invoice(
                coop=coop,
                business=rows[i % businesses],
                number=f"KAN-2026-{i + 1:05d}",
                series_year=2026,
                sequence=i + 1,
                issue_date=day,
                period_start=day,
                period_end=day,
                payment_term_days=14,
                due_date=day + dt.timedelta(days=14),
                seller={},
                buyer={},
                total_net=eur(net),
                total_vat=eur(Decimal(net) * Decimal("0.21")),
                total_gross=eur(Decimal(net) * Decimal("1.21")),
            )
            for i, net in enumerate(f"{rng.randint(3000, 90000) / 100:.2f}" for _ in range(invoices))
        ]
    )
    receivables = {b.pk: account_get_or_create(coop=coop, code=AccountCode.RECEIVABLE, business_id=b.pk) for b in rows}
    operating = account_get_or_create(coop=coop, code=AccountCode.OPERATING)
    txns = LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(
                coop=coop,
                occurred_on=day,
                description=f"Invoice {inv.number}",
                reference=f"invoicing.invoice:{inv.pk}",
                idempotency_key=f"invoice:{inv.pk}",
            )
            for inv in made
        ]
    )
    legs = []
    for inv, txn in zip(made, txns, strict=True):
        legs.append(LedgerLeg(transaction=txn, account=receivables[inv.business_id], debit=inv.total_gross))
        legs.append(LedgerLeg(transaction=txn, account=operating, credit=inv.total_gross))
    LedgerLeg.objects.bulk_create(legs, batch_size=2000)
    return coop.pk, [(inv.pk, inv.number, int(inv.total_gross.amount * 100)) for inv in made]


def _obj(kind: str, **fields: Any) -> dict[str, Any]:
    return {"object": kind, "livemode": False, **fields}


def build_events(
    invoices: list[tuple[int, str, int]], *, total: int, bait: int, seed: int = 1
) -> tuple[list[tuple[dict[str, Any], bool]], set[int], set[int]]:
    """The delivery list [(event, forged)], the invoice ids genuinely paid, and the bait invoice ids."""
    rng = random.Random(seed)
    now = int(time.time())
    genuine_paid: set[int] = set()
    unique: list[dict[str, Any]] = []
    bait_ids = {inv[0] for inv in invoices[:bait]}
    for invoice_id, number, amount in invoices[bait:]:
        pi = f"pi_bench_{invoice_id}"
        meta = {"invoice_id": str(invoice_id), "invoice_number": number, "coop": "kanaleneiland"}
        pi_obj = _obj(
            "payment_intent",
            id=pi,
            amount=amount,
            amount_received=amount,
            currency="eur",
            status="succeeded",
            metadata=meta,
            latest_charge=f"ch_bench_{invoice_id}",
            created=now,
        )
        session = _obj(
            "checkout.session",
            id=f"cs_bench_{invoice_id}",
            amount_total=amount,
            currency="eur",
            payment_intent=pi,
            payment_status="paid",
            status="complete",
            metadata=meta,
            created=now,
        )
        unique.append({"id": f"evt_cs_{invoice_id}", "type": "checkout.session.completed", "data": {"object": session}})
        unique.append({"id": f"evt_pi_{invoice_id}", "type": "payment_intent.succeeded", "data": {"object": pi_obj}})
        genuine_paid.add(invoice_id)
        if rng.random() < 0.2:
            failed = dict(
                pi_obj,
                status="requires_payment_method",
                amount_received=0,
                last_payment_error={"type": "card_error", "message": "declined"},
            )
            unique.append(
                {"id": f"evt_fail_{invoice_id}", "type": "payment_intent.payment_failed", "data": {"object": failed}}
            )
    for ev in unique:
        ev.update(
            {
                "object": "event",
                "api_version": "2025-09-30.clover",
                "created": now,
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
            }
        )
    forged_count = max(1, total // 100)
    duplicates = int(total * 0.3)
    unique_needed = total - duplicates - forged_count
    unique = unique[:unique_needed]
    genuine_paid = {
        int(ev["data"]["object"]["metadata"]["invoice_id"])
        for ev in unique
        if ev["type"] != "payment_intent.payment_failed"
    }
    deliveries: list[tuple[dict[str, Any], bool]] = [(ev, False) for ev in unique]
    deliveries += [(rng.choice(unique), False) for _ in range(duplicates)]
    bait_list = sorted(bait_ids)
    for i in range(forged_count):
        invoice_id = bait_list[i % len(bait_list)]
        inv = next(x for x in invoices if x[0] == invoice_id)
        meta = {"invoice_id": str(invoice_id), "invoice_number": inv[1], "coop": "kanaleneiland"}
        pi_obj = _obj(
            "payment_intent",
            id=f"pi_forged_{i}",
            amount=inv[2],
            amount_received=inv[2],
            currency="eur",
            status="succeeded",
            metadata=meta,
            created=now,
        )
        deliveries.append(
            (
                {
                    "id": f"evt_forged_{i}",
                    "object": "event",
                    "type": "payment_intent.succeeded",
                    "created": now,
                    "data": {"object": pi_obj},
                },
                True,
            )
        )
    rng.shuffle(deliveries)
    return deliveries, genuine_paid, bait_ids


REAL_PATH = "/payments/webhooks/stripe/kanaleneiland/"
FLOOR_PATH = "/payments/webhooks/bench-floor/kanaleneiland/"


def send_all(
    port: int,
    deliveries: list[tuple[dict[str, Any], bool]],
    secret: str,
    *,
    clients: int,
    deadline: float,
    path: str = REAL_PATH,
) -> tuple[float, dict[int, int]]:
    """POST every delivery to `path` from `clients` keep-alive connections; returns (seconds, status counts)."""
    from coop.demo.stripe_fake.app import sign_payload

    payloads = [(json.dumps(ev), forged) for ev, forged in deliveries]
    counts: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(len(payloads)))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            payload, forged = payloads[i]
            header = sign_payload(payload, "whsec_forged_by_someone" if forged else secret, int(time.time()))
            for _attempt in range(3):
                try:
                    conn.request(
                        "POST",
                        path,
                        body=payload.encode(),
                        headers={"Content-Type": "application/json", "Stripe-Signature": header},
                    )
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status = 0
            with lock:
                counts[status] = counts.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start, counts


def _warmup_events(count: int) -> list[tuple[dict[str, Any], bool]]:
    """Signed events for the floor only (ids evt_warm_*), not counted anywhere."""
    now = int(time.time())
    return [
        (
            {
                "id": f"evt_warm_{i}",
                "object": "event",
                "type": "payment_intent.created",
                "created": now,
                "data": {"object": _obj("payment_intent", id=f"pi_warm_{i}", amount=100, currency="eur")},
            },
            False,
        )
        for i in range(count)
    ]


def _purge_queued_tasks(broker_url: str) -> None:
    """Drop the fee lookups the run queued on a Redis broker: no worker of this bench runs them."""
    from celery import Celery

    Celery("bench-webhooks-purge", broker=broker_url).control.purge()


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/payments/webhooks/stripe/kanaleneiland/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker process (gthread)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--database", default="wk_bench_webhooks")
    parser.add_argument(
        "--broker-url",
        default="memory://",
        help="Celery broker of the server (after-commit fee lookups are queued there, never run); "
        "a Redis URL is purged of them afterwards",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    started = time.monotonic()

    throwaway_database(args.database, BASE_URL)
    env = {
        **os.environ,
        "DATABASE_URL": f"{BASE_URL}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "coop.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": args.broker_url,  # after-commit fee lookups are queued, not run, in this bench
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "ERROR",
        "STRIPE_API_BASE": "http://127.0.0.1:9",
    }
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "DEBUG",
                "ALLOWED_HOSTS",
                "CELERY_BROKER_URL",
                "LOG_LEVEL",
                "STRIPE_API_BASE",
            )
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction

    from bench.urls import FLOOR_TABLE, FLOOR_TABLE_SQL
    from coop.models import Cooperative
    from invoicing.payments.services import stripe_account_set

    invoice_count = int(args.events * 0.7 / 2.2) + 100
    with transaction.atomic():  # one commit: the deferred balance trigger sees whole postings
        _coop_id, invoices = fill(invoices=invoice_count)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE_SQL)
        # Fresh statistics, as a live database has them (autovacuum would get there a minute into the
        # run): without them the planner takes the just-filled tables for empty and picks poor indexes.
        cursor.execute("ANALYZE")
    deliveries, genuine_paid, bait_ids = build_events(invoices, total=args.events, bait=100)
    # The coop's own (random) test keys: there is no derived fallback secret.
    secret = f"whsec_{secrets.token_hex(24)}"
    stripe_account_set(
        coop=Cooperative.objects.get(slug="kanaleneiland"),
        actor=None,
        secret_key=f"sk_test_{secrets.token_hex(12)}",
        webhook_secret=secret,
    )
    from django.db import connections

    connections.close_all()

    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-webhooks-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    # The server runs the bench settings: production URLs plus the floor view (bench/urls.py).
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_FLOOR_WEBHOOK_SECRET": secret}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coop.wsgi",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            log.name,
            "--max-requests",
            "0",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_ready(port, proc)
        deadline = started + args.max_seconds
        # Warm-up at the floor (its own event ids): every worker process has loaded Django, opened its
        # database connection and verified a signature before anything is timed.
        send_all(
            port,
            _warmup_events(args.clients * args.threads * 4),
            secret,
            clients=args.clients,
            deadline=deadline,
            path=FLOOR_PATH,
        )
        floor_seconds, floor_counts = send_all(
            port, deliveries, secret, clients=args.clients, deadline=deadline, path=FLOOR_PATH
        )
        seconds, counts = send_all(port, deliveries, secret, clients=args.clients, deadline=deadline)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)

    from coop.ledger.selectors import receivable_for_invoice
    from invoicing.models import Invoice, Payment, WebhookEvent
    from invoicing.payments.selectors import payment_integrity_check

    report = payment_integrity_check()
    paid_ids = set(Payment.objects.values_list("invoice_id", flat=True))
    lost = 0
    for invoice in Invoice.objects.filter(pk__in=genuine_paid - paid_ids):
        if receivable_for_invoice(invoice).amount != 0:
            lost += 1
    forged_accepted = (
        WebhookEvent.objects.filter(stripe_event_id__startswith="evt_forged_").count()
        + Payment.objects.filter(invoice_id__in=bait_ids).count()
    )
    sent = sum(counts.values())
    floor_sent = sum(floor_counts.values())
    events_per_s = sent / seconds if seconds else 0.0
    floor_events_per_s = floor_sent / floor_seconds if floor_seconds else 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FLOOR_TABLE} WHERE stripe_event_id NOT LIKE %s", ["evt_warm_%"])  # noqa: S608
        floor_rows = cursor.fetchone()[0]
    result = {
        "events": sent,
        "events_per_s": round(events_per_s, 1),
        "floor_events_per_s": round(floor_events_per_s, 1),
        # How many times the floor's rate the real endpoint's is below: the real endpoint's own cost.
        "ratio": round(floor_events_per_s / events_per_s, 2) if events_per_s else None,
        "ratio_target": 2,
        "double_credits": len(report.double_credited) + len(report.intents_paid_twice),
        "lost_payments": lost,
        "forged_accepted": forged_accepted,
        "seconds": round(seconds, 2),
        "workers": args.workers,
        "threads_per_worker": args.threads,
        "clients": args.clients,
        "status_counts": {str(k): v for k, v in sorted(counts.items())},
        "floor_seconds": round(floor_seconds, 2),
        "floor_status_counts": {str(k): v for k, v in sorted(floor_counts.items())},
        "floor_rows": floor_rows,
        "payments": len(paid_ids),
        "invoices_paid_expected": len(genuine_paid),
        "complete": sent == len(deliveries) and floor_sent == len(deliveries),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    connections.close_all()
    if args.broker_url.startswith("redis"):
        _purge_queued_tasks(args.broker_url)
    if not args.keep:
        throwaway_database(args.database, BASE_URL, drop_only=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
