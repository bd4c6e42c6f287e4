"""Factories for invoicing tests: approved hour entries ready to bill, named by state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from coop.models import Cooperative
from coop.money import eur
from jobs.models import Assignment, HourEntry, Job, Shift
from members.models import Business, Member


def job_for(
    coop: Cooperative,
    business: Business,
    *,
    rate: str = "30.00",
    category: str = "cleaning",
    title: str = "Schoonmaak winkel",
) -> Job:
    return Job.objects.create(
        coop=coop,
        business=business,
        title=title,
        category=category,
        street="Kanaalweg 1",
        postcode="3526AB",
        hourly_client_rate=eur(rate),
    )


def approved_hours(
    *,
    coop: Cooperative,
    business: Business,
    member: Member,
    day: dt.date,
    start: dt.time = dt.time(9, 0),
    end: dt.time = dt.time(13, 0),
    break_minutes: int = 0,
    rate: str = "30.00",
    category: str = "cleaning",
    job: Job | None = None,
) -> HourEntry:
    """An approved hour entry of `member` for a shift of `business` on `day` (what the HOURS flow ends in)."""
    job = job or job_for(coop, business, rate=rate, category=category)
    shift = Shift.objects.create(job=job, date=day, start_time=start, end_time=end, seats=1)
    assignment = Assignment.objects.create(shift=shift, member=member)
    return HourEntry.objects.create(
        assignment=assignment,
        start_time=start,
        end_time=end,
        break_minutes=break_minutes,
        status=HourEntry.Status.APPROVED,
        approved_at=timezone.now(),
    )


def submitted_hours(*, coop: Cooperative, business: Business, member: Member, day: dt.date) -> HourEntry:
    job = job_for(coop, business)
    shift = Shift.objects.create(job=job, date=day, start_time=dt.time(9), end_time=dt.time(12), seats=1)
    assignment = Assignment.objects.create(shift=shift, member=member)
    return HourEntry.objects.create(assignment=assignment, start_time=dt.time(9), end_time=dt.time(12))


HOURS_4 = Decimal("4.00")
