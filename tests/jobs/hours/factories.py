"""Factories for the hours tests: a job with a shift in the past, an assignment, hour entries by state."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from coop.money import eur
from jobs.models import Assignment, HourEntry, Job, Shift
from tests.factories import ActiveMemberFactory, BusinessFactory, CooperativeFactory


class HoursJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    coop = factory.SubFactory(CooperativeFactory)
    business = factory.SubFactory(BusinessFactory)
    title = factory.Sequence(lambda n: f"Broodjes smeren {n}")
    category = "default"
    street = "Kanaleneiland Centrum 5"
    postcode = "3526AB"
    hourly_client_rate = factory.LazyFunction(lambda: eur("24.50"))


class PastShiftFactory(factory.django.DjangoModelFactory):
    """A shift of four hours (09:00-13:00) that took place yesterday."""

    class Meta:
        model = Shift

    job = factory.SubFactory(HoursJobFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    start_time = dt.time(9, 0)
    end_time = dt.time(13, 0)
    seats = 1


class FutureShiftFactory(PastShiftFactory):
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=2))


class ActiveAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    shift = factory.SubFactory(PastShiftFactory)
    member = factory.SubFactory(ActiveMemberFactory)
    status = Assignment.Status.ACTIVE


class SubmittedHourEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourEntry

    assignment = factory.SubFactory(ActiveAssignmentFactory)
    start_time = dt.time(9, 0)
    end_time = dt.time(13, 0)
    break_minutes = 15
    status = HourEntry.Status.SUBMITTED
    submitted_by = factory.LazyAttribute(lambda o: o.assignment.member.user)


class ApprovedHourEntryFactory(SubmittedHourEntryFactory):
    status = HourEntry.Status.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


class CorrectedHourEntryFactory(SubmittedHourEntryFactory):
    status = HourEntry.Status.CORRECTED
    corrected_start_time = dt.time(9, 30)
    corrected_end_time = dt.time(13, 0)
    corrected_break_minutes = 15
    correction_reason = "Started at half past nine"


class NotDoneHourEntryFactory(SubmittedHourEntryFactory):
    status = HourEntry.Status.NOT_DONE
    correction_reason = "Nobody came"


class DisputedHourEntryFactory(CorrectedHourEntryFactory):
    status = HourEntry.Status.DISPUTED
    dispute_reason = "I was there at nine, ask the baker"
