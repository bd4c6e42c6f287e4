"""The hard constraints a seat must respect, checked again inside every write that fills one.

The matching engine filters with the same rules in bulk; this module is the per-pair check that
services run after taking their locks, so a hand assignment or an accepted offer can never break
them by accident.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.rulebook.selectors import rule_value
from coop.templatetags.money import format_money
from jobs.models import Assignment, Shift
from members.models import Member, MemberSkill


def shift_is_open_for_work(shift: Shift) -> str | None:
    """A message if the shift can no longer take people (cancelled, closed job, already started)."""
    from django.utils import timezone

    if shift.status != Shift.Status.OPEN or shift.job.status != shift.job.Status.OPEN:
        return _("This shift is cancelled or the job is closed.")
    now = timezone.localtime()
    if (shift.date, shift.start_time) <= (now.date(), now.time()):
        return _("This shift has already started.")
    return None


def shift_seats_taken(shift: Shift) -> int:
    return Assignment.objects.filter(shift=shift, status=Assignment.Status.ACTIVE).count()


def member_overlapping_assignment(member: Member, shift: Shift) -> Assignment | None:
    """An active assignment of the member that overlaps the shift in time, if any."""
    return (
        Assignment.objects.select_related("shift__job")
        .filter(
            member=member,
            status=Assignment.Status.ACTIVE,
            shift__date=shift.date,
            shift__start_time__lt=shift.end_time,
            shift__end_time__gt=shift.start_time,
        )
        .exclude(shift=shift)
        .first()
    )


def member_week_hours(member: Member, day: dt.date) -> Decimal:
    """Hours of the member's active assignments in the ISO week of `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    total = Decimal(0)
    for assignment in Assignment.objects.select_related("shift").filter(
        member=member,
        status=Assignment.Status.ACTIVE,
        shift__date__gte=monday,
        shift__date__lt=monday + dt.timedelta(days=7),
    ):
        total += assignment.shift.hours
    return total


def member_month_earnings(member: Member, day: dt.date, *, with_shift: Shift | None = None) -> Money:
    """The member's wage from active assignments in the calendar month of `day` (plus `with_shift`).

    Each shift at the member wage of its job's category in the rulebook of the job's coop in force
    on `day`, as the matching engine counts it against the member's own monthly limit.
    """
    first = day.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    shifts = [
        a.shift
        for a in Assignment.objects.select_related("shift__job__coop").filter(
            member=member, status=Assignment.Status.ACTIVE, shift__date__gte=first, shift__date__lt=next_first
        )
    ]
    if with_shift is not None and all(s.pk != with_shift.pk for s in shifts):
        shifts.append(with_shift)
    books: dict[int, Rulebook] = {}
    total = Decimal(0)
    for shift in shifts:
        coop = shift.job.coop
        rules = books.setdefault(coop.pk, Rulebook.for_coop(coop))
        # The legal floor is in the Rulebook's member wage, as in matching.
        total += shift.hours * rules.member_wage(shift.job.category, on=day).amount
    return eur(total)


def member_earnings_cap_exceeded(member: Member, shift: Shift) -> Money | None:
    """The member's own monthly earnings limit if this shift would take them over it, else None."""
    profile = getattr(member, "profile", None)
    cap = getattr(profile, "monthly_earnings_cap", None)
    if cap is None:
        return None
    if member_month_earnings(member, shift.date, with_shift=shift).amount > cap.amount:
        return cap
    return None


def hard_constraint_failures(*, member: Member, shift: Shift, check_seats: bool = True) -> list[str]:
    """Translated reasons why the member may not take a seat on this shift (empty list: allowed)."""
    failures: list[str] = []
    job = shift.job
    if member.status != Member.Status.ACTIVE:
        failures.append(_("%(name)s is not an active member.") % {"name": member.first_name})
    if member.coop_id != job.coop_id and not rule_value(job.coop, "matching_allow_neighbouring_coops", on=shift.date):
        failures.append(_("%(name)s is a member of another coop.") % {"name": member.first_name})
    closed = shift_is_open_for_work(shift)
    if closed:
        failures.append(closed)
    required = list(job.required_skills.all())
    if required:
        held = {
            ms.skill_id: ms
            for ms in MemberSkill.objects.select_related("skill").filter(profile__member=member, skill__in=required)
        }
        for skill in required:
            member_skill = held.get(skill.pk)
            if member_skill is None:
                failures.append(_("Missing skill: %(skill)s.") % {"skill": skill.name})
            elif not member_skill.is_valid_on(shift.date):
                failures.append(_("Certificate not valid on the shift date: %(skill)s.") % {"skill": skill.name})
    profile = getattr(member, "profile", None)
    if profile is not None and not profile.is_available(shift.weekday, shift.daypart):
        failures.append(_("%(name)s is not available at this time of the week.") % {"name": member.first_name})
    overlap = member_overlapping_assignment(member, shift)
    if overlap is not None:
        failures.append(
            _("%(name)s already works at that time (%(shift)s).") % {"name": member.first_name, "shift": overlap.shift}
        )
    max_hours = rule_value(job.coop, "max_hours_per_week", on=shift.date)
    if member_week_hours(member, shift.date) + shift.hours > Decimal(max_hours):
        failures.append(
            _("This would take %(name)s over %(hours)s hours in that week.")
            % {"name": member.first_name, "hours": max_hours}
        )
    cap = member_earnings_cap_exceeded(member, shift)
    if cap is not None:
        failures.append(
            _("This would take %(name)s over their own monthly earnings limit of %(cap)s.")
            % {"name": member.first_name, "cap": format_money(cap)}
        )
    if check_seats and shift_seats_taken(shift) >= shift.seats:
        failures.append(_("All places on this shift are taken."))
    if Assignment.objects.filter(shift=shift, member=member, status=Assignment.Status.ACTIVE).exists():
        failures.append(_("%(name)s already works on this shift.") % {"name": member.first_name})
    return failures
