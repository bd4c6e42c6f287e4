"""E-mail goes out through a task queued on commit, so a rolled-back change sends nothing."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send_task(subject: str, body: str, to: list[str], html: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def email_send_on_commit(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Queue one e-mail to be sent after the current transaction commits."""
    transaction.on_commit(lambda: email_send_task.delay(subject, body, to, html))
