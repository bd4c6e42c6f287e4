"""Work: jobs, shifts, matching rounds, offers, assignments and hour entries.

Design overview
---------------
A business posts a `Job` (what, where, which skills, the hourly client rate) for one coop; a job has
one or more `Shift`s (a date and time slot with a number of seats). The job's `category` is a key of
the coop's rulebook wage table (`member_wage_hourly`), so members vote on the wage per category.

Matching runs in `MatchingRound`s per coop, each stamped with the rule version it used. A round
creates `Offer`s (a seat offered to one member, with the score and the reasons); accepting one
creates an `Assignment` (a seat a member took). A coordinator can also assign by hand (logged).

After the shift the member registers an `HourEntry`; the business approves, corrects or marks it
"not done"; approved entries are billed by the invoice run (invoicing points back at them).
Statuses are explicit state machines (`TRANSITIONS`) guarded by check constraints.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.limits import DESCRIPTION_MAX_LENGTH
from coop.models import Cooperative
from coop.rulebook.models import RuleVersion
from members.models import Business, Daypart, Language, Member, Skill


def daypart_of(start: dt.time) -> int:
    """The part of day a shift starting at `start` falls in (morning < 12:00 <= afternoon < 17:00 <= evening)."""
    if start.hour < 12:
        return Daypart.MORNING
    if start.hour < 17:
        return Daypart.AFTERNOON
    return Daypart.EVENING


# Technical sanity, not policy: the matching engine and the pages are built for neighbourhood-sized
# shifts; a shift for more people than this is a typo (the column itself would take 32,767).
SHIFT_SEATS_MAX = 200


class Job(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class AssignMode(models.TextChoices):
        AUTO = "auto", _("The coop picks")
        PICK = "pick", _("Show me candidates")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="jobs")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="jobs")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    category = models.CharField(_("category"), max_length=40)
    required_skills = models.ManyToManyField(Skill, blank=True, related_name="jobs", verbose_name=_("skills needed"))
    language = models.CharField(_("language needed"), max_length=5, choices=Language.choices, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("city"), max_length=100, default="Utrecht")
    hourly_client_rate = MoneyField(
        _("hourly rate for the client"), max_digits=8, decimal_places=2, default_currency="EUR"
    )
    assign_mode = models.CharField(_("who chooses"), max_length=4, choices=AssignMode.choices, default=AssignMode.AUTO)
    preferred_members: models.ManyToManyField[Member, Any] = models.ManyToManyField(
        Member, blank=True, related_name="preferred_by_jobs", verbose_name=_("members we would like back")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "closed", "cancelled"]), name="job_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(hourly_client_rate__gt=0), name="job_rate_positive"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH), name="job_description_length"
            ),
        ]
        indexes = [models.Index(fields=["coop", "status"])]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="shifts")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    seats = models.PositiveSmallIntegerField(_("places"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    cancelled_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="shift_seats_positive"),
            models.CheckConstraint(condition=models.Q(seats__lte=SHIFT_SEATS_MAX), name="shift_seats_at_most_max"),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(status__in=["open", "cancelled"]), name="shift_status_valid"),
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.job} {self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def hours(self) -> Decimal:
        start = dt.datetime.combine(self.date, self.start_time)
        end = dt.datetime.combine(self.date, self.end_time)
        return Decimal((end - start).seconds) / Decimal(3600)

    @property
    def weekday(self) -> int:
        return self.date.weekday()

    @property
    def daypart(self) -> int:
        return daypart_of(self.start_time)


class MatchingRound(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled")
        MANUAL = "manual", _("By hand")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="matching_rounds")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="matching_rounds")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    open_seats = models.PositiveIntegerField(default=0)
    offers_made = models.PositiveIntegerField(default=0)
    unfilled_seats = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.coop} {self.started_at:%Y-%m-%d %H:%M}"


class Offer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.EXPIRED: set(),
        Status.WITHDRAWN: set(),
    }

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="offers")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="offers")
    round = models.ForeignKey(MatchingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="offers")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    score = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal(0))
    reasons = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("answer before"))
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "declined", "expired", "withdrawn"]),
                name="offer_status_valid",
            ),
            models.UniqueConstraint(
                fields=["shift", "member"],
                condition=models.Q(status="pending"),
                name="offer_one_pending_per_member_shift",
            ),
        ]
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.member} -> {self.shift} ({self.status})"


class Assignment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assignments")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="assignment")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["shift__date", "shift__start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "cancelled"]), name="assignment_status_valid"
            ),
            models.UniqueConstraint(
                fields=["shift", "member"],
                condition=models.Q(status="active"),
                name="assignment_one_active_per_member_shift",
            ),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} @ {self.shift}"


def calendar_token_new() -> str:
    """A fresh unguessable token for a member's private calendar URL."""
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private iCal URL: whoever has the token can read that member's schedule."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=calendar_token_new)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.member}"


class HourEntry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        CORRECTED = "corrected", _("Corrected by client")
        NOT_DONE = "not_done", _("Marked as not done")
        DISPUTED = "disputed", _("Disputed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.APPROVED, Status.CORRECTED, Status.NOT_DONE},
        Status.CORRECTED: {Status.DISPUTED, Status.APPROVED},
        Status.NOT_DONE: {Status.DISPUTED},
        Status.DISPUTED: {Status.APPROVED, Status.NOT_DONE},
        Status.APPROVED: set(),
    }

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="hour_entry")
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    corrected_start_time = models.TimeField(null=True, blank=True)
    corrected_end_time = models.TimeField(null=True, blank=True)
    corrected_break_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    correction_reason = models.CharField(_("reason for correction"), max_length=500, blank=True)
    dispute_reason = models.CharField(_("why I do not agree"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)
    silently_approved = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["submitted", "approved", "corrected", "not_done", "disputed"]),
                name="hour_entry_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="hour_entry_ends_after_start"
            ),
            # A correction is all three values or none, and ends after it starts.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        corrected_start_time__isnull=True,
                        corrected_end_time__isnull=True,
                        corrected_break_minutes__isnull=True,
                    )
                    | models.Q(
                        corrected_start_time__isnull=False,
                        corrected_break_minutes__isnull=False,
                        corrected_end_time__gt=models.F("corrected_start_time"),
                    )
                ),
                name="hour_entry_correction_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False),
                name="hour_entry_approved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.assignment} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    # Derived facts (no queries). The corrected values count once a business corrected the entry or
    # a coordinator decided other times; otherwise the member's own registration counts.
    @property
    def is_corrected(self) -> bool:
        return self.corrected_start_time is not None

    @property
    def effective_start_time(self) -> dt.time:
        return self.corrected_start_time if self.corrected_start_time is not None else self.start_time

    @property
    def effective_end_time(self) -> dt.time:
        return self.corrected_end_time if self.corrected_end_time is not None else self.end_time

    @property
    def effective_break_minutes(self) -> int:
        return self.corrected_break_minutes if self.corrected_break_minutes is not None else self.break_minutes

    @property
    def minutes_worked(self) -> int:
        """(end - start) - break in whole minutes, from the effective (possibly corrected) times."""
        return max(
            self.minutes_between(self.effective_start_time, self.effective_end_time) - self.effective_break_minutes, 0
        )

    @property
    def hours_worked(self) -> Decimal:
        """Hours worked as a Decimal rounded half-up to 0.01 h (what the invoice shows and bills)."""
        return self.hours_from_minutes(self.minutes_worked)

    @property
    def is_billable(self) -> bool:
        return self.status == self.Status.APPROVED

    @staticmethod
    def minutes_between(start: dt.time, end: dt.time) -> int:
        """Whole minutes from `start` to `end` on the same day (negative when end is before start)."""
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)

    @staticmethod
    def hours_from_minutes(minutes: int) -> Decimal:
        """Minutes as Decimal hours, rounded half-up to 0.01 h."""
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
