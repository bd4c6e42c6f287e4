"""Reliability on PostgreSQL: concurrent issuers with failures, and a run killed with SIGKILL and resumed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from invoicing.models import Invoice, InvoiceLine
from jobs.models import HourEntry
from tests.factories import CooperativeFactory, business_with_contact
from tests.invoicing.conftest import UNTIL, WORK_DAY, assert_books_sound
from tests.invoicing.factories import approved_hours

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"),
]


def _coop_with_businesses(n: int, *, shifts: int = 1):  # type: ignore[no-untyped-def]
    from tests.factories import ActiveMemberFactory, UserFactory

    coop = CooperativeFactory(name="Ondiep", slug="ondiep", invoice_prefix="OND")
    member = ActiveMemberFactory(coop=coop, user=UserFactory(first_name="Sara"))
    businesses = []
    for _ in range(n):
        business, _contact = business_with_contact(coop)
        for k in range(shifts):
            approved_hours(coop=coop, business=business, member=member, day=WORK_DAY + dt.timedelta(days=k))
        businesses.append(business)
    return coop, businesses


@pytest.mark.django_db(transaction=True)
def test_16_concurrent_issuers_with_failures_keep_numbers_unique_and_gap_free(legal_tables, monkeypatch):
    from invoicing.services import invoices as service

    coop, businesses = _coop_with_businesses(16)
    failing = {b.pk for b in businesses[::3]}  # 6 of 16 crash after taking a number
    real_post = service._invoice_post_to_ledger
    monkeypatch.setattr(service, "_enqueue_delivery", lambda invoice_id: None)  # PDFs are not the point here

    def post_or_crash(*, invoice, lines, actor):  # type: ignore[no-untyped-def]
        if invoice.business_id in failing:
            raise RuntimeError("injected crash mid-issue")
        return real_post(invoice=invoice, lines=lines, actor=actor)

    monkeypatch.setattr(service, "_invoice_post_to_ledger", post_or_crash)
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def issue(business):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            service.invoice_issue(coop=coop, business=business, until=UNTIL)
        except RuntimeError:
            pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(b,)) for b in businesses]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert errors == []
    sequences = sorted(Invoice.objects.filter(coop=coop).values_list("sequence", flat=True))
    assert sequences == list(range(1, 11))
    assert not Invoice.objects.filter(business_id__in=failing).exists()

    # The failed ones issue fine afterwards and continue the series without a hole.
    monkeypatch.setattr(service, "_invoice_post_to_ledger", real_post)
    for business in businesses:
        if business.pk in failing:
            service.invoice_issue(coop=coop, business=business, until=UNTIL)
    numbers = list(Invoice.objects.filter(coop=coop).order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"OND-{dt.date.today().year}-{n:05d}" for n in range(1, 17)]
    assert InvoiceLine.objects.count() == 16
    assert_books_sound()


RUNNER = textwrap.dedent(
    """
    import os, sys, time, datetime as dt
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    django.setup()
    from django.conf import settings
    settings.MEDIA_ROOT = sys.argv[1]
    settings.PRIVATE_MEDIA_ROOT = sys.argv[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = sys.argv[2]
    delay = float(sys.argv[3])
    from invoicing.services import invoices as service
    real = service._invoice_post_to_ledger
    def slow(**kw):
        time.sleep(delay)  # inside the issuing transaction: a kill here must roll it back
        return real(**kw)
    service._invoice_post_to_ledger = slow
    from coop.models import Cooperative
    coop = Cooperative.objects.get(slug="ondiep")
    service.invoice_run(coop=coop, until=dt.date.fromisoformat(sys.argv[4]))
    print("done", flush=True)
    """
)


def _runner(media: Path, mail: Path, delay: float) -> subprocess.Popen:  # type: ignore[type-arg]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    command = [sys.executable, "-c", RUNNER, str(media), str(mail), str(delay), UNTIL.isoformat()]
    # Our own interpreter running our own script: no untrusted input.
    return subprocess.Popen(  # noqa: S603
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


@pytest.mark.django_db(transaction=True)
def test_run_killed_with_sigkill_resumes_without_doubles_or_gaps(legal_tables, tmp_path):
    coop, _businesses = _coop_with_businesses(10, shifts=2)
    media, mail = tmp_path / "media", tmp_path / "mail"
    mail.mkdir()

    first = _runner(media, mail, delay=0.4)
    deadline = time.monotonic() + 120
    while Invoice.objects.filter(coop=coop).count() < 4 and time.monotonic() < deadline:
        if first.poll() is not None:
            pytest.fail(f"runner ended early: {first.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(30)
    killed_at = Invoice.objects.filter(coop=coop).count()
    assert 4 <= killed_at < 10, "the kill must land half-way"

    second = _runner(media, mail, delay=0)
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()[-3000:]

    invoices = list(Invoice.objects.filter(coop=coop).order_by("sequence"))
    # One invoice per business, numbers 1..10 without a gap, every approved entry billed exactly once.
    assert len(invoices) == 10 and len({i.business_id for i in invoices}) == 10
    assert [i.sequence for i in invoices] == list(range(1, 11))
    entries = HourEntry.objects.filter(assignment__shift__job__coop=coop, status=HourEntry.Status.APPROVED)
    assert InvoiceLine.objects.filter(invoice__coop=coop).count() == entries.count() == 20
    assert not entries.filter(invoice_line__isnull=True).exists()
    # One PDF file per invoice, no strays from the killed worker.
    files = sorted(p.name for p in (media / "invoices" / coop.slug).iterdir())
    assert files == sorted(f"{i.number}.pdf" for i in invoices)
    assert all(i.pdf_rendered_at for i in invoices)
    # No e-mail twice (at most once: a kill between claim and send may leave one unsent, never a double).
    subjects = [line for f in mail.iterdir() for line in f.read_text().splitlines() if line.startswith("Subject:")]
    for invoice in invoices:
        assert sum(invoice.number in s for s in subjects) <= 1, invoice.number
    assert all(i.emailed_at for i in invoices)
    assert len(subjects) >= 9
    assert_books_sound()
