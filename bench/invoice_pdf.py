"""Benchmark of invoice PDFs: the real pipeline against bare WeasyPrint, plus memory growth.

    python -m bench.invoice_pdf [--invoices 200] [--min-lines 3] [--max-lines 40]

Builds a throwaway PostgreSQL database (default wk_bench_pdf; --sqlite for a temp SQLite file),
issues N invoices (3-40 lines: one- and two-page), then for each invoice, interleaved:
- pipeline: `invoice_pdf_render(force=True)`: row from the database -> template -> PDF through the
  pdf.py gateway (cached stylesheet and FontConfiguration, local-only URL fetcher) -> storage -> row;
- bare: the same HTML through `weasyprint.HTML(string=html).write_pdf(stylesheets=[CSS(...)])` with
  nothing cached, as a plain integration would.
RSS is read after a warm-up of 20 renders and at the end. Prints one JSON line:
{"invoices", "pipeline_per_s", "bare_per_s", "ratio", "rss_growth_mb_per_1000", ...}.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--min-lines", type=int, default=3)
    parser.add_argument("--max-lines", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="wk_bench_pdf")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)

    from bench.common import throwaway_database
    from bench.invoice_run import UNTIL, fill

    workdir = Path(tempfile.mkdtemp(prefix="wk_bench_pdf_"))
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        throwaway_database(args.db, args.server)
        os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "coop.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    os.environ["DEBUG"] = "false"  # DEBUG keeps every SQL query in memory: not what production does
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        coop_id = fill(invoices=args.invoices, min_lines=args.min_lines, max_lines=args.max_lines, seed=args.seed)

        import weasyprint
        from django.template.loader import render_to_string
        from django.utils import translation

        from coop.models import Cooperative
        from invoicing import pdf
        from invoicing.models import Invoice
        from invoicing.selectors import invoice_business_ids_to_bill, invoice_pdf_context
        from invoicing.services import invoices as service

        service._enqueue_delivery = lambda invoice_id: None  # render below, timed
        coop = Cooperative.objects.get(pk=coop_id)
        for business in invoice_business_ids_to_bill(coop=coop, until=UNTIL):
            service.invoice_issue(coop=coop, business=business, until=UNTIL)
        ids = list(Invoice.objects.filter(coop=coop).order_by("pk").values_list("pk", flat=True))
        css_text = pdf.STYLESHEET.read_text(encoding="utf-8")

        def bare(html: str) -> bytes:
            return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css_text)])

        # Memory first, in a forked child that renders through the pipeline only: bare WeasyPrint with a
        # fresh FontConfiguration per document grows on its own and must not be counted against ours.
        import multiprocessing as mp

        def memory_probe(queue: mp.Queue) -> None:  # type: ignore[type-arg]
            connections.close_all()
            warm = min(20, len(ids) // 5)
            start = 0.0
            for n, invoice_id in enumerate(ids):
                if n == warm:
                    gc.collect()
                    start = _rss_mb()
                service.invoice_pdf_render(invoice_id=invoice_id, force=True)
            gc.collect()
            queue.put((start, _rss_mb(), len(ids) - warm))

        connections.close_all()
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        probe = ctx.Process(target=memory_probe, args=(queue,))
        probe.start()
        rss_start, rss_end, measured = queue.get()
        probe.join()

        pipeline_s = bare_s = 0.0
        pipeline_cpu = bare_cpu = 0.0
        for invoice_id in ids:
            t, c = time.perf_counter(), time.process_time()
            rendered = service.invoice_pdf_render(invoice_id=invoice_id, force=True)
            pipeline_s += time.perf_counter() - t
            pipeline_cpu += time.process_time() - c
            # The same HTML the pipeline rendered (built outside the timer).
            with translation.override("nl"):
                html = render_to_string("invoicing/document_pdf.html", invoice_pdf_context(rendered))
            t, c = time.perf_counter(), time.process_time()
            content = bare(html)
            bare_s += time.perf_counter() - t
            bare_cpu += time.process_time() - c
            assert content.startswith(b"%PDF")
        count = len(ids)
        result = {
            "invoices": count,
            "pipeline_per_s": round(count / pipeline_s, 2),
            "bare_per_s": round(count / bare_s, 2),
            "ratio": round(bare_s / pipeline_s, 2),
            # CPU seconds of this process: insensitive to other load on a shared machine.
            "pipeline_per_cpu_s": round(count / pipeline_cpu, 2),
            "bare_per_cpu_s": round(count / bare_cpu, 2),
            "ratio_cpu": round(bare_cpu / pipeline_cpu, 2),
            "rss_growth_mb_per_1000": round((rss_end - rss_start) / max(measured, 1) * 1000, 1),
            "rss_end_mb": round(rss_end, 1),
            "database": "sqlite" if args.sqlite else "postgresql",
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
        print(json.dumps(result), flush=True)
    finally:
        connections.close_all()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
        if not args.sqlite:
            throwaway_database(args.db, args.server, drop_only=True)


if __name__ == "__main__":
    main(sys.argv[1:])
