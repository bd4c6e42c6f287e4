"""A real Celery worker process renders and e-mails a credit note (once, even when the tasks come twice)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from invoicing.models import CreditNote
from invoicing.services.credit_notes import credit_note_create
from invoicing.services.invoices import invoice_run
from tests.invoicing.conftest import UNTIL

# The real-worker fixtures (a worker process on a queue of its own, its broker, its mail folder).
from tests.platform.test_celery_worker import WAIT_SECONDS, _producer, broker, mail_dir, queue, worker  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture
def worker_private_root(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The worker process stores PDFs where this test reads them."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(settings.PRIVATE_MEDIA_ROOT))


def test_worker_renders_and_emails_the_credit_note_once(  # transactional: the worker must see committed rows
    transactional_db, worker_private_root, kanaleneiland, bakery, fatima, fatima_worked, request, tmp_path
):
    process, broker_settings = request.getfixturevalue("worker"), request.getfixturevalue("broker")
    worker_queue, mails_dir = request.getfixturevalue("queue"), request.getfixturevalue("mail_dir")
    invoice = invoice_run(coop=kanaleneiland, until=UNTIL)[0]
    credit_note = credit_note_create(invoice=invoice, reason="Dubbel gefactureerd", actor=None)
    # The tests' own on-commit delivery ran eagerly in this process; start again from "not yet".
    CreditNote.objects.filter(pk=credit_note.pk).update(pdf="", pdf_rendered_at=None, emailed_at=None)

    producer = _producer(broker_settings)
    for _ in range(2):  # a redelivery: the worker must still send one e-mail
        producer.send_task("invoicing.tasks.credit_note_email_task", args=[credit_note.pk], queue=worker_queue)
        producer.send_task("invoicing.tasks.credit_note_pdf_render_task", args=[credit_note.pk], queue=worker_queue)

    # Done when the worker has finished all four tasks (two of them redeliveries).
    log_path = tmp_path / "worker.log"
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if log_path.read_bytes().decode(errors="replace").count("succeeded") >= 4:
            break
        time.sleep(0.5)
    worker_log = log_path.read_bytes().decode(errors="replace")
    assert worker_log.count("succeeded") >= 4, worker_log
    rendered = CreditNote.objects.get(pk=credit_note.pk)
    assert Path(rendered.pdf.path).read_bytes().startswith(b"%PDF")
    mails = [path.read_text(encoding="utf-8") for path in mails_dir.glob("*.log")]
    sent = [m for m in mails if credit_note.number in m]
    assert len(sent) == 1, worker_log
    assert rendered.emailed_at is not None and rendered.pdf_rendered_at is not None
