"""Posting and closing jobs, cancelling shifts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.limits import text_length_errors
from coop.models import Cooperative
from coop.money import eur, to_decimal
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.selectors import rule_values
from jobs.models import SHIFT_SEATS_MAX, Assignment, Job, Offer, Shift
from jobs.notifications import shift_cancelled_notify_on_commit
from jobs.pricing import minimum_client_rate
from members.models import Business, BusinessRelation, Member, Skill
from members.selectors import business_ids_for_contact

# Input sanity, not policy: a weekly repeat longer than a year is almost surely a typo.
MAX_REPEAT_WEEKS = 53
# Input sanity, not policy: a shift more than two years ahead is almost surely a typo in the year
# (9999-12-31 would otherwise be stored, and would sit in every "upcoming" list for ever).
SHIFT_HORIZON_DAYS = 731


@dataclass(frozen=True)
class ShiftSpec:
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    seats: int


def shift_horizon(today: dt.date) -> dt.date:
    """The last day a new shift (or a weekly repeat) may fall on."""
    return today + dt.timedelta(days=SHIFT_HORIZON_DAYS)


def shift_spec_errors(spec: ShiftSpec, *, now: dt.datetime | None = None) -> list[str]:
    """Translated problems with one shift row (end before start, in the past or too far ahead, seats)."""
    now = timezone.localtime(now)
    errors: list[str] = []
    if spec.end_time <= spec.start_time:
        errors.append(_("The end time must be after the start time."))
    if (spec.date, spec.start_time) <= (now.date(), now.time()):
        errors.append(_("This shift is in the past. Choose a date and time from now on."))
    elif spec.date > shift_horizon(now.date()):
        errors.append(
            _("This shift is too far ahead. Choose %(day)s at the latest.")
            % {"day": shift_horizon(now.date()).strftime("%d-%m-%Y")}
        )
    if spec.seats is None or spec.seats < 1:
        errors.append(_("A shift needs at least one place."))
    elif spec.seats > SHIFT_SEATS_MAX:
        errors.append(_("A shift can have at most %(limit_value)s places.") % {"limit_value": SHIFT_SEATS_MAX})
    return errors


def shifts_expand_weekly(specs: list[ShiftSpec], repeat_weekly_until: dt.date | None) -> list[ShiftSpec]:
    """The shift rows plus their weekly repeats up to and including `repeat_weekly_until`."""
    result: list[ShiftSpec] = []
    for spec in specs:
        result.append(spec)
        if repeat_weekly_until is None:
            continue
        day = spec.date + dt.timedelta(days=7)
        weeks = 0
        while day <= repeat_weekly_until and weeks < MAX_REPEAT_WEEKS:
            result.append(ShiftSpec(day, spec.start_time, spec.end_time, spec.seats))
            day += dt.timedelta(days=7)
            weeks += 1
    return sorted(result, key=lambda s: (s.date, s.start_time))


def business_coops_for_posting(business: Business) -> list[Cooperative]:
    """The coops a business works with now (active relation)."""
    return [
        rel.coop
        for rel in BusinessRelation.objects.select_related("coop").filter(
            business=business, status=BusinessRelation.Status.ACTIVE
        )
    ]


def members_worked_for_business(*, business: Business, coop: Cooperative) -> list[Member]:
    """Members of `coop` who had an assignment with this business before (continuity candidates)."""
    return list(
        Member.objects.filter(
            coop=coop,
            assignments__shift__job__business=business,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def job_post_check(
    *,
    actor: Any,
    business: Business,
    coop: Cooperative,
    category: str,
    skills: list[Skill],
    hourly_client_rate: Money,
    shifts: list[ShiftSpec],
    repeat_weekly_until: dt.date | None = None,
    preferred_members: list[Member] | None = None,
) -> dict[str, list[str]]:
    """Every reason the posting would be refused, by field ("__all__" for the whole form)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if business.pk not in business_ids_for_contact(actor):
        add("business", _("You can only post jobs for your own business."))
        return errors
    if coop.pk not in {c.pk for c in business_coops_for_posting(business)}:
        add("coop", _("Your business does not work with this coop."))
        return errors
    try:
        _version, values = rule_values(coop, on=timezone.localdate())
    except RulebookError as exc:
        add("__all__", str(exc))
        return errors
    if category not in values["member_wage_hourly"]:
        add("category", _("Choose one of the job categories."))
    for skill in skills:
        if not isinstance(skill, Skill) or skill.pk is None or not skill.is_active:
            add("skills", _("Unknown skill. Choose skills from the list."))
            break
    if not shifts:
        add("shifts", _("Add at least one shift."))
    for index, spec in enumerate(shifts):
        for message in shift_spec_errors(spec):
            add("shifts", _("Shift %(n)s: %(problem)s") % {"n": index + 1, "problem": message})
    if repeat_weekly_until is not None and shifts and repeat_weekly_until < min(s.date for s in shifts):
        add("repeat_weekly_until", _("The repeat end date must be after the first shift."))
    if repeat_weekly_until is not None and repeat_weekly_until > shift_horizon(timezone.localdate()):
        add(
            "repeat_weekly_until",
            _("The repeat end date is too far ahead. Choose %(day)s at the latest.")
            % {"day": shift_horizon(timezone.localdate()).strftime("%d-%m-%Y")},
        )
    if preferred_members:
        allowed = {m.pk for m in members_worked_for_business(business=business, coop=coop)}
        if any(m.pk not in allowed for m in preferred_members):
            add("preferred_members", _("You can only ask back members who worked for you before."))
    if "category" not in errors and not errors.get("shifts"):
        rate = to_decimal(hourly_client_rate) if hourly_client_rate is not None else None
        if rate is None or rate <= 0:
            add("hourly_client_rate", _("Enter an hourly rate above zero."))
        else:
            expanded = shifts_expand_weekly(shifts, repeat_weekly_until)
            try:
                needed = max(
                    (minimum_client_rate(coop=coop, category=category, on=day) for day in {s.date for s in expanded}),
                    key=to_decimal,
                )
            except RulebookError as exc:
                add("__all__", str(exc))
            else:
                if rate < to_decimal(needed):
                    add(
                        "hourly_client_rate",
                        _(
                            "This rate is too low to pay the member wage, the employer costs and the minimum "
                            "margin. The lowest rate we can accept is %(minimum)s per hour."
                        )
                        % {"minimum": money_text(needed)},
                    )
    return errors


def money_text(amount: Money) -> str:
    """An amount as plain text for a message ("€ 22,31" / "€22.31")."""
    from coop.templatetags.money import format_money

    return format_money(amount)


@transaction.atomic
def job_post(
    *,
    actor: Any,
    business: Business,
    coop: Cooperative,
    title: str,
    description: str = "",
    category: str,
    skills: list[Skill] | None = None,
    language: str = "",
    street: str,
    postcode: str,
    city: str = "Utrecht",
    hourly_client_rate: Money,
    assign_mode: str = Job.AssignMode.AUTO,
    preferred_members: list[Member] | None = None,
    shifts: list[ShiftSpec],
    repeat_weekly_until: dt.date | None = None,
) -> Job:
    """Create a job with its shifts (weekly repeats expanded) and an audit row.

    Raises PermissionDenied if the actor may not post for the business, ValidationError (a dict by
    field) for any bad input; nothing is saved then.
    """
    skills = list(skills or [])
    preferred = list(preferred_members or [])
    errors = job_post_check(
        actor=actor,
        business=business,
        coop=coop,
        category=category,
        skills=skills,
        hourly_client_rate=hourly_client_rate,
        shifts=shifts,
        repeat_weekly_until=repeat_weekly_until,
        preferred_members=preferred,
    )
    if "business" in errors:
        raise PermissionDenied(errors["business"][0])
    for field, value in (("title", title), ("street", street), ("postcode", postcode)):
        if not (value or "").strip():
            errors.setdefault(field, []).append(_("This field is required."))
    if assign_mode not in Job.AssignMode.values:
        errors.setdefault("assign_mode", []).append(_("Choose who picks the members."))
    # As stored: an API or service caller is held to the same lengths as the form.
    texts = {
        "title": title.strip(),
        "description": description.strip(),
        "street": street.strip(),
        "postcode": postcode.replace(" ", ""),
        "city": city.strip(),
    }
    for field, messages in text_length_errors(
        {name: (text, getattr(Job._meta.get_field(name), "max_length", 0)) for name, text in texts.items()}
    ).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    job = Job.objects.create(
        coop=coop,
        business=business,
        title=title.strip(),
        description=description.strip(),
        category=category,
        language=language,
        street=street.strip(),
        postcode=postcode.replace(" ", "").upper(),
        city=city.strip(),
        hourly_client_rate=eur(hourly_client_rate),  # type: ignore[misc]  # djmoney field takes Money
        assign_mode=assign_mode,
        created_by=actor,
    )
    job.required_skills.set(skills)
    job.preferred_members.set(preferred)
    expanded = shifts_expand_weekly(shifts, repeat_weekly_until)
    Shift.objects.bulk_create(
        [Shift(job=job, date=s.date, start_time=s.start_time, end_time=s.end_time, seats=s.seats) for s in expanded]
    )
    audit_record(
        actor=actor,
        action="job.posted",
        subject=job,
        coop=coop,
        data={
            "business": business.pk,
            "rate": str(job.hourly_client_rate.amount),
            "category": category,
            "shifts": len(expanded),
            "assign_mode": assign_mode,
        },
    )
    return job


def _pending_offers_withdraw(*, shifts: list[Shift], actor: Any) -> int:
    """Withdraw every pending offer on these shifts (inside the caller's transaction)."""
    from jobs.services.offers import _offer_transition

    count = 0
    for offer in Offer.objects.select_for_update().filter(shift__in=shifts, status=Offer.Status.PENDING).order_by("pk"):
        _offer_transition(offer=offer, new_status=Offer.Status.WITHDRAWN, actor=actor)
        count += 1
    return count


@transaction.atomic
def shift_cancel(*, actor: Any, shift_id: int, reason: str, on_behalf_of: Any = None) -> Shift:
    """Cancel a shift: assignments cancelled (members told after commit), pending offers withdrawn.

    Raises ValidationError if no reason is given, the shift is already cancelled or has started.
    """
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give a reason, so the members know why.")]})
    # Lock the shift so an accept running now either finishes first (and its member is told) or
    # sees the cancelled status after our commit.
    shift = Shift.objects.select_for_update(of=("self",)).select_related("job").get(pk=shift_id)
    if shift.status == Shift.Status.CANCELLED:
        raise ValidationError(_("This shift is already cancelled."))
    now = timezone.localtime()
    if (shift.date, shift.start_time) <= (now.date(), now.time()):
        # Once a shift has started, members may have worked: hours and invoices depend on it.
        raise ValidationError(_("This shift has already started and can no longer be cancelled."))
    shift.status = Shift.Status.CANCELLED
    shift.cancelled_reason = reason.strip()[:300]
    shift.save(update_fields=["status", "cancelled_reason"])
    now = timezone.now()
    cancelled_ids: list[int] = []
    for assignment in (
        Assignment.objects.select_for_update().filter(shift=shift, status=Assignment.Status.ACTIVE).order_by("pk")
    ):
        assignment.status = Assignment.Status.CANCELLED
        assignment.cancelled_at = now
        assignment.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=actor,
            action="assignment.cancelled",
            subject=assignment,
            coop=shift.job.coop,
            data={"old": "active", "new": "cancelled", "reason": shift.cancelled_reason},
        )
        cancelled_ids.append(assignment.pk)
    withdrawn = _pending_offers_withdraw(shifts=[shift], actor=actor)
    audit_record(
        actor=actor,
        action="shift.cancelled",
        subject=shift,
        coop=shift.job.coop,
        on_behalf_of=on_behalf_of,
        data={
            "old": "open",
            "new": "cancelled",
            "reason": shift.cancelled_reason,
            "assignments_cancelled": len(cancelled_ids),
            "offers_withdrawn": withdrawn,
        },
    )
    shift_cancelled_notify_on_commit(cancelled_ids)
    return shift


@transaction.atomic
def job_close(*, actor: Any, job_id: int) -> Job:
    """Close a job: no new offers; pending offers withdrawn; planned assignments stay.

    Raises ValidationError if the job is not open.
    """
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status != Job.Status.OPEN:
        raise ValidationError(_("This job is already closed."))
    job.status = Job.Status.CLOSED
    job.save(update_fields=["status"])
    withdrawn = _pending_offers_withdraw(shifts=list(job.shifts.all()), actor=actor)
    audit_record(
        actor=actor,
        action="job.closed",
        subject=job,
        coop=job.coop,
        data={"old": "open", "new": "closed", "offers_withdrawn": withdrawn},
    )
    return job
