"""Matching personas: Kanaleneiland members with profiles, a bakery job with shifts next week."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coop.models import Cooperative
from jobs.models import Job, Shift
from members.models import Member, Skill
from tests.conftest import BusinessPersona
from tests.factories import ActiveMemberFactory, SkillFactory, UserFactory
from tests.jobs.factories import ALL_WEEK, OpenJobFactory, OpenShiftFactory, give_skill, make_available

__all__ = ["ALL_WEEK", "give_skill", "make_available", "member", "monday_next_week", "shift_on"]


def monday_next_week() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday() + 7)


def member(
    coop: Cooperative,
    name: str,
    *,
    target: int = 20,
    mask: int = ALL_WEEK,
    postcode: str = "3526KL",
    languages: list[str] | None = None,
    **profile: object,
) -> Member:
    """An active member with a worker profile: available all week unless `mask` says otherwise."""
    user = UserFactory(email=f"{name.lower()}@example.nl", first_name=name, last_name="Test")
    m = ActiveMemberFactory(user=user, coop=coop, postcode=postcode, languages=languages or ["nl"])
    m.profile.target_hours_per_week = target
    for key, value in profile.items():
        setattr(m.profile, key, value)
    m.profile.save()
    make_available(m, mask)
    return m


def shift_on(
    job: Job, day: dt.date, start: tuple[int, int] = (9, 0), end: tuple[int, int] = (13, 0), seats: int = 1
) -> Shift:
    return OpenShiftFactory(job=job, date=day, start_time=dt.time(*start), end_time=dt.time(*end), seats=seats)


@pytest.fixture
def cleaning(db: None) -> Skill:
    return SkillFactory(slug="schoonmaak", name_nl="Schoonmaken", name_en="Cleaning")


@pytest.fixture
def hygiene(db: None) -> Skill:
    return SkillFactory(
        slug="hygiene",
        name_nl="Hygiënecode",
        name_en="Food hygiene",
        requires_certificate=True,
        certificate_name="HACCP",
    )


@pytest.fixture
def job(bakery: BusinessPersona, kanaleneiland: Cooperative) -> Job:
    return OpenJobFactory(coop=kanaleneiland, business=bakery.business, title="Broodjes smeren")
