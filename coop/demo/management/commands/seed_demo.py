"""`manage.py seed_demo`: the demo neighbourhood federation (Kanaleneiland and Lunetten).

    python manage.py seed_demo --members 200 --businesses 30 [--seed 1] [--coops kanaleneiland lunetten]
                               [--with-invoices] [--logins-file var/demo-logins.txt]

Exits 0 and changes nothing when the demo coops already exist ("already seeded"). Always ends by
printing the demo logins and writing them to var/demo-logins.txt (see coop/demo/logins.py).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coop.demo.logins import logins_render, logins_write
from coop.demo.neighbourhoods import DEMO_PASSWORD, NEIGHBOURHOODS
from coop.demo.services import DEFAULT_COOPS, DemoSeedError, demo_seed
from coop.models import Cooperative


class Command(BaseCommand):
    help = "Seed the demo neighbourhood federation (realistic, deterministic with --seed); a no-op if it exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=200, help="Generated residents (plus the fixed demo people)."
        )
        parser.add_argument("--businesses", type=int, default=30, help="Generated businesses (plus the demo bakery).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same people, e-mails and numbers.")
        parser.add_argument(
            "--coops",
            nargs="+",
            default=list(DEFAULT_COOPS),
            choices=sorted(NEIGHBOURHOODS),
            help="Which demo coops to create (default: both).",
        )
        parser.add_argument(
            "--with-invoices",
            action="store_true",
            help="Afterwards, run the invoice run for the last completed week (if available).",
        )
        parser.add_argument(
            "--logins-file",
            type=Path,
            default=None,
            help="Where to write the demo logins (default: var/demo-logins.txt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = demo_seed(
                members=options["members"],
                businesses=options["businesses"],
                seed=options["seed"],
                coops=options["coops"],
            )
        except DemoSeedError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if result.already_seeded:
            self.stdout.write(f"Demo data already seeded ({', '.join(result.coops)}); nothing changed.")
        else:
            summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in result.counts.items())
            coops = ", ".join(result.coops)
            self.stdout.write(self.style.SUCCESS(f"Seeded demo {coops} in {elapsed:.1f} s: {summary}."))
            if options["with_invoices"]:
                self._invoice_run(result.coops)
        text = logins_render(result.logins, password=DEMO_PASSWORD)
        path = logins_write(text, options["logins_file"])
        self.stdout.write("")
        self.stdout.write(text, ending="")
        self.stdout.write(f"(also written to {path})")

    def _invoice_run(self, slugs: list[str]) -> None:
        """Bill the approved hours up to last Sunday, through the invoicing app's own run (optional)."""
        try:
            from invoicing.services.invoices import invoice_run
        except ImportError:
            self.stdout.write("No invoice run available yet; skipped --with-invoices.")
            return
        today = timezone.localdate()
        until = today - dt.timedelta(days=today.weekday() + 1)
        for coop in Cooperative.objects.filter(slug__in=slugs).order_by("name"):
            try:
                invoices = invoice_run(coop=coop, until=until, actor=None)
            except Exception as exc:  # an optional extra after the seed committed: report it, go on
                self.stderr.write(
                    f"Invoice run {coop.name} failed ({type(exc).__name__}: {exc}); the demo data is fine."
                )
                continue
            self.stdout.write(f"Invoice run {coop.name} until {until}: {len(invoices)} invoice(s).")
