"""Silent approval: hours the business leaves alone for the rulebook's days are approved and the business told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from coop.models import AuditEvent
from coop.rulebook.models import RuleVersion
from jobs.hours.services import hour_entry_approve_silently
from jobs.hours.tasks import hour_entries_approve_silently_task
from jobs.models import HourEntry
from tests.factories import rule_version_decided
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import CorrectedHourEntryFactory, SubmittedHourEntryFactory

pytestmark = pytest.mark.django_db


def _submitted_days_ago(entry: HourEntry, days: float) -> None:
    # submitted_at is auto_now_add: move it into the past with an update (the fixed clock of this test).
    HourEntry.objects.filter(pk=entry.pk).update(submitted_at=timezone.now() - dt.timedelta(days=days))


def test_entries_older_than_the_rule_are_approved_and_the_business_is_told(  # type: ignore[no-untyped-def]
    bakery, fatima, fatima_assignment, django_capture_on_commit_callbacks
):
    bakery.contact.preferred_language = "en"  # e-mails go out in the recipient's language
    bakery.contact.save(update_fields=["preferred_language"])
    old = SubmittedHourEntryFactory(assignment=fatima_assignment)
    fresh = SubmittedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, start_time=dt.time(14), end_time=dt.time(16)),
        start_time=dt.time(14),
        end_time=dt.time(16),
        break_minutes=0,
    )
    _submitted_days_ago(old, 7.01)  # the default rule: 7 days
    _submitted_days_ago(fresh, 6.9)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert hour_entries_approve_silently_task.delay().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == HourEntry.Status.APPROVED and old.silently_approved and old.approved_at
    assert fresh.status == HourEntry.Status.SUBMITTED and not fresh.silently_approved
    event = AuditEvent.objects.get(action="hour_entry.approved_silently")
    assert event.actor is None and event.data["days"] == 7
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bakery.contact.email]
    assert "approved automatically" in mail.outbox[0].subject


def test_running_twice_approves_once_and_mails_once(fatima_assignment, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    _submitted_days_ago(entry, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert hour_entries_approve_silently_task() == 1
        assert hour_entries_approve_silently_task() == 0
        assert hour_entry_approve_silently(entry_id=entry.pk) is None
    assert AuditEvent.objects.filter(action="hour_entry.approved_silently").count() == 1
    assert len(mail.outbox) == 1


def test_handled_entries_are_left_alone(fatima_assignment):  # type: ignore[no-untyped-def]
    entry = CorrectedHourEntryFactory(assignment=fatima_assignment)
    _submitted_days_ago(entry, 30)
    assert hour_entries_approve_silently_task() == 0
    assert HourEntry.objects.get().status == HourEntry.Status.CORRECTED


def test_days_come_from_the_rule_version_on_the_shift_date(fatima, bakery):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rule_version_decided(
        coop=fatima.coop,
        effective_from=today - dt.timedelta(days=5),
        changes={"hours_silent_approval_days": 2},
        source=RuleVersion.Source.VOTE,
    )
    before_change = SubmittedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, date=today - dt.timedelta(days=9))
    )
    after_change = SubmittedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, date=today - dt.timedelta(days=1))
    )
    _submitted_days_ago(before_change, 3)
    _submitted_days_ago(after_change, 3)
    assert hour_entries_approve_silently_task() == 1
    assert HourEntry.objects.get(pk=before_change.pk).status == HourEntry.Status.SUBMITTED  # 7 days then
    assert HourEntry.objects.get(pk=after_change.pk).status == HourEntry.Status.APPROVED  # 2 days now


def test_each_coop_uses_its_own_rulebook(fatima, jan, bakery, lunetten_shop):  # type: ignore[no-untyped-def]
    rule_version_decided(
        coop=jan.coop,
        effective_from=timezone.localdate() - dt.timedelta(days=30),
        changes={"hours_silent_approval_days": 14},
        source=RuleVersion.Source.VOTE,
    )
    kan = SubmittedHourEntryFactory(assignment=assignment_at(fatima, bakery))
    lun = SubmittedHourEntryFactory(assignment=assignment_at(jan, lunetten_shop))
    _submitted_days_ago(kan, 10)
    _submitted_days_ago(lun, 10)
    assert hour_entries_approve_silently_task() == 1
    assert HourEntry.objects.get(pk=kan.pk).status == HourEntry.Status.APPROVED
    assert HourEntry.objects.get(pk=lun.pk).status == HourEntry.Status.SUBMITTED


def test_beat_runs_the_task() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jobs.hours.tasks.hour_entries_approve_silently_task" in tasks
