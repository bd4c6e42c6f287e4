"""Hours personas: Fatima worked yesterday's shift at the bakery (Kanaleneiland); Jan at the Lunetten shop."""

from __future__ import annotations

import pytest
from django.utils import translation

from coop.models import Cooperative
from jobs.models import Assignment, Shift
from members.models import Member
from tests.conftest import BusinessPersona
from tests.jobs.hours.factories import ActiveAssignmentFactory, HoursJobFactory, PastShiftFactory


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """These tests read English messages: pages default to English here, not the site's Dutch."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def bakery_shift(kanaleneiland: Cooperative, bakery: BusinessPersona) -> Shift:
    """Yesterday 09:00-13:00 at the bakery."""
    return PastShiftFactory(job=HoursJobFactory(coop=kanaleneiland, business=bakery.business))


@pytest.fixture
def fatima_assignment(fatima: Member, bakery_shift: Shift) -> Assignment:
    return ActiveAssignmentFactory(shift=bakery_shift, member=fatima)


@pytest.fixture
def shop_shift(lunetten: Cooperative, lunetten_shop: BusinessPersona) -> Shift:
    return PastShiftFactory(job=HoursJobFactory(coop=lunetten, business=lunetten_shop.business))


@pytest.fixture
def jan_assignment(jan: Member, shop_shift: Shift) -> Assignment:
    return ActiveAssignmentFactory(shift=shop_shift, member=jan)


def assignment_at(member: Member, business: BusinessPersona, **shift_kwargs: object) -> Assignment:
    """An active assignment of `member` on a new past shift of `business` (in the member's coop)."""
    job = HoursJobFactory(coop=member.coop, business=business.business)
    return ActiveAssignmentFactory(shift=PastShiftFactory(job=job, **shift_kwargs), member=member)
