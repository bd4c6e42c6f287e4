"""A member's planned work: the week schedule, the iCal feed and hours against the stapelbaan target."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from jobs.models import Assignment, CalendarFeed
from members.models import Member


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def assignment_list_for_member_between(*, member: Member, start: dt.date, end: dt.date) -> QuerySet[Assignment]:
    """Active assignments of the member with start <= date < end, in time order."""
    return (
        Assignment.objects.filter(
            member=member, status=Assignment.Status.ACTIVE, shift__date__gte=start, shift__date__lt=end
        )
        .select_related("shift__job__business")
        .order_by("shift__date", "shift__start_time")
    )


@dataclass
class ScheduleDay:
    date: dt.date
    assignments: list[Assignment]


def schedule_week_for_member(*, member: Member, monday: dt.date) -> list[ScheduleDay]:
    """Seven days from `monday`, each with the member's assignments (one query)."""
    days = [ScheduleDay(monday + dt.timedelta(days=i), []) for i in range(7)]
    for assignment in assignment_list_for_member_between(
        member=member, start=monday, end=monday + dt.timedelta(days=7)
    ):
        days[(assignment.shift.date - monday).days].assignments.append(assignment)
    return days


def assignment_list_for_feed(*, member: Member, today: dt.date) -> QuerySet[Assignment]:
    """What the iCal feed shows: active assignments from 60 days back on."""
    return (
        Assignment.objects.filter(
            member=member, status=Assignment.Status.ACTIVE, shift__date__gte=today - dt.timedelta(days=60)
        )
        .select_related("shift__job__business", "shift__job__coop")
        .order_by("shift__date", "shift__start_time")
    )


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed | None:
    if not token:
        return None
    return CalendarFeed.objects.select_related("member__coop").filter(token=token).first()


@dataclass
class HoursSummary:
    week_hours: Decimal
    month_hours: Decimal
    target_week: Decimal
    target_month: Decimal

    @property
    def week_percent(self) -> int:
        return int(min(self.week_hours / self.target_week * 100, Decimal(100))) if self.target_week else 0

    @property
    def month_percent(self) -> int:
        return int(min(self.month_hours / self.target_month * 100, Decimal(100))) if self.target_month else 0


def member_hours_summary(*, member: Member, today: dt.date) -> HoursSummary:
    """Planned and worked hours this ISO week and this calendar month against the member's target.

    Hours are those of active assignments (their shift times); the monthly target is the weekly
    target times the weeks in the month (days / 7).
    """
    monday = week_start(today)
    first = today.replace(day=1)
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    start = min(monday, first)
    end = max(monday + dt.timedelta(days=7), first + dt.timedelta(days=days_in_month))
    week = Decimal(0)
    month = Decimal(0)
    for assignment in Assignment.objects.filter(
        member=member, status=Assignment.Status.ACTIVE, shift__date__gte=start, shift__date__lt=end
    ).select_related("shift"):
        hours = assignment.shift.hours
        if monday <= assignment.shift.date < monday + dt.timedelta(days=7):
            week += hours
        if assignment.shift.date.month == today.month and assignment.shift.date.year == today.year:
            month += hours
    profile = getattr(member, "profile", None)
    target = Decimal(profile.target_hours_per_week if profile else 0)
    return HoursSummary(
        week_hours=week.quantize(Decimal("0.01")),
        month_hours=month.quantize(Decimal("0.01")),
        target_week=target,
        target_month=(target * Decimal(days_in_month) / Decimal(7)).quantize(Decimal("0.1")),
    )
