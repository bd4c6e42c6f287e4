"""Thin tasks of the hours workflow."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from jobs.hours.selectors import hour_entries_due_for_silent_approval
from jobs.hours.services import hour_entry_approve_silently


@shared_task
def hour_entries_approve_silently_task() -> int:
    """Periodic: approve every submitted entry past its coop's silent-approval days; one transaction each.

    Safe to run twice: the service re-checks the status under a row lock and skips handled entries.
    """
    now = timezone.now()
    approved = 0
    for entry_id in hour_entries_due_for_silent_approval(now=now):
        if hour_entry_approve_silently(entry_id=entry_id, now=now) is not None:
            approved += 1
    return approved
