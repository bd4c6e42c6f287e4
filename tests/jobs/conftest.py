"""Jobs personas: a forklift skill, Fatima available all week, a job of the bakery with one shift."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jobs.models import Job, Offer, Shift
from members.models import Member, Skill
from tests.conftest import BusinessPersona
from tests.factories import SkillFactory
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PendingOfferFactory, make_available


@pytest.fixture
def forklift(db: None) -> Skill:
    return SkillFactory(slug="heftruck", name_nl="Heftruck rijden", name_en="Forklift driving")


@pytest.fixture
def available_fatima(fatima: Member) -> Member:
    make_available(fatima)
    return fatima


@pytest.fixture
def bakery_job(bakery: BusinessPersona, kanaleneiland: object) -> Job:
    return OpenJobFactory(coop=kanaleneiland, business=bakery.business, title="Broodjes smeren")


@pytest.fixture
def bakery_shift(bakery_job: Job) -> Shift:
    return OpenShiftFactory(job=bakery_job)


@pytest.fixture
def fatima_offer(bakery_shift: Shift, available_fatima: Member) -> Offer:
    return PendingOfferFactory(shift=bakery_shift, member=available_fatima)


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> dt.date:
    """A date with the given weekday at least a week from today."""
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def english(client) -> None:  # type: ignore[no-untyped-def]
    """Make the test client ask for English pages (Dutch is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
