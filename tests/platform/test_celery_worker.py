"""A real Celery worker process against the real broker (filesystem on SQLite runs, Redis when
CELERY_BROKER_URL is set), sharing the test database with this process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from coop.broker import filesystem_broker_options

pytestmark = [pytest.mark.worker, pytest.mark.slow]

BASE_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 90


def _database_url() -> str:
    """A DATABASE_URL for the test database this process uses (file SQLite or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def broker(tmp_path: Path) -> dict[str, str]:
    """Broker settings for this test: its own folder (filesystem) or the configured Redis."""
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        broker_dir = tmp_path / "broker"
        filesystem_broker_options(broker_dir)
        return {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_DIR": str(broker_dir)}
    return {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL}


@pytest.fixture
def queue() -> str:
    # A queue of our own, so a developer's running worker (or a parallel test run) never takes it.
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker(
    transactional_db: None, broker: dict[str, str], queue: str, mail_dir: Path, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        **broker,
        "DJANGO_SETTINGS_MODULE": "coop.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", "django-db"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coop",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _producer(broker: dict[str, str]) -> Celery:
    """A client app with the same broker settings as the worker (this process runs tasks eagerly)."""
    app = Celery("wijkwerk-test-producer", broker=broker["CELERY_BROKER_URL"])
    if "CELERY_BROKER_DIR" in broker:
        app.conf.broker_transport_options = filesystem_broker_options(Path(broker["CELERY_BROKER_DIR"]))
    return app


def test_worker_process_sends_the_queued_email(worker, broker, queue, mail_dir, tmp_path):
    producer = _producer(broker)
    producer.send_task(
        "members.tasks.email_send_task",
        args=["Welkom bij de wijkcoöperatie", "Je aanmelding is binnen.", ["fatima@example.nl"], None],
        queue=queue,
    )
    deadline = time.monotonic() + WAIT_SECONDS
    sent: list[Path] = []
    while time.monotonic() < deadline and not sent:
        if worker.poll() is not None:
            break
        sent = list(mail_dir.glob("*.log"))
        time.sleep(0.25)
    worker_log = (tmp_path / "worker.log").read_bytes().decode(errors="replace")
    assert sent, f"the worker sent no e-mail within {WAIT_SECONDS} s; worker log:\n{worker_log}"
    message = sent[0].read_text(encoding="utf-8")
    assert "To: fatima@example.nl" in message
    assert "Je aanmelding is binnen." in message
    assert "members.tasks.email_send_task" in worker_log and "succeeded" in worker_log
