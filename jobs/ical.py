"""The iCal gateway: a member's assignments as an RFC 5545 calendar (the `icalendar` library)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from jobs.models import Assignment
from members.models import Member


def calendar_for_member(*, member: Member, assignments: Iterable[Assignment]) -> bytes:
    """The member's schedule as .ics bytes; each assignment is one event with a stable UID."""
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Wijkwerk//jobs//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("My work at %(coop)s") % {"coop": member.coop.name})
    stamp = timezone.now()
    for assignment in assignments:
        shift = assignment.shift
        job = shift.job
        event = Event()
        event.add("uid", f"assignment-{assignment.pk}@wijkwerk")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(shift.date, shift.start_time, tzinfo=tz))
        event.add("dtend", dt.datetime.combine(shift.date, shift.end_time, tzinfo=tz))
        event.add("summary", f"{job.title} – {job.business}")
        event.add("location", f"{job.street}, {job.postcode} {job.city}")
        if job.description:
            event.add("description", job.description)
        cal.add_component(event)
    return cal.to_ical()
