"""Factories for jobs tests: open jobs with future shifts, pending offers, active assignments."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from coop.money import eur
from jobs.models import Assignment, Job, Offer, Shift
from members.models import MemberSkill, Skill
from tests.factories import ActiveMemberFactory, BusinessFactory, CooperativeFactory

ALL_WEEK = (1 << 21) - 1


class OpenJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    coop = factory.SubFactory(CooperativeFactory)
    business = factory.SubFactory(BusinessFactory)
    title = factory.Sequence(lambda n: f"Vakken vullen {n}")
    category = "default"
    street = "Kanaleneiland Centrum 5"
    postcode = "3526AB"
    hourly_client_rate = factory.LazyFunction(lambda: eur("25.00"))


class OpenShiftFactory(factory.django.DjangoModelFactory):
    """A four-hour morning shift (09:00-13:00) three days from now."""

    class Meta:
        model = Shift

    job = factory.SubFactory(OpenJobFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))
    start_time = dt.time(9, 0)
    end_time = dt.time(13, 0)
    seats = 1


class PendingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    shift = factory.SubFactory(OpenShiftFactory)
    member = factory.SubFactory(ActiveMemberFactory)
    status = Offer.Status.PENDING
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))


class ExpiredOfferFactory(PendingOfferFactory):
    """Still pending in the table, but its answer time has passed."""

    expires_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1))


class PlannedAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    shift = factory.SubFactory(OpenShiftFactory)
    member = factory.SubFactory(ActiveMemberFactory)
    status = Assignment.Status.ACTIVE


def make_available(member: object, mask: int = ALL_WEEK) -> None:
    """Make the member available every day-part (or in `mask`)."""
    profile = member.profile  # type: ignore[attr-defined]
    profile.availability_mask = mask
    profile.save(update_fields=["availability_mask"])


def give_skill(member: object, skill: Skill, valid_until: dt.date | None = None) -> MemberSkill:
    return MemberSkill.objects.create(
        profile=member.profile,
        skill=skill,  # type: ignore[attr-defined]
        certificate_valid_until=valid_until,
    )
