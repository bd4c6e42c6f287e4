"""A member's own monthly earnings limit and the coop's weekly hours limit hold when an offer is
accepted and when a coordinator assigns by hand, not only when the matching round makes offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.rulebook.models import RuleVersion
from jobs.matching.pair import pair_load
from jobs.models import Assignment, Offer
from tests.factories import rule_version_decided
from tests.jobs.conftest import english
from tests.jobs.factories import OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory

pytestmark = pytest.mark.django_db

# The founding rulebook (defaults.json) pays €15.00 an hour in the "default" job category and the
# shifts of OpenShiftFactory last four hours: €60.00 each.


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def set_cap(member, amount):  # type: ignore[no-untyped-def]
    profile = member.profile
    profile.monthly_earnings_cap = None if amount is None else eur(amount)
    profile.save(update_fields=["monthly_earnings_cap", "monthly_earnings_cap_currency"])


@pytest.fixture
def afternoon_shift_worked(bakery_shift, available_fatima):  # type: ignore[no-untyped-def]
    """Fatima already works the afternoon of the same day (same month, same week)."""
    afternoon = OpenShiftFactory(
        job=bakery_shift.job, date=bakery_shift.date, start_time=dt.time(14), end_time=dt.time(18)
    )
    return PlannedAssignmentFactory(shift=afternoon, member=available_fatima)


def test_month_earnings_count_active_assignments_and_the_new_shift(
    bakery_shift, available_fatima, afternoon_shift_worked
):
    def fits() -> bool:
        rules = Rulebook.for_coop(bakery_shift.job.coop)
        return pair_load(member=available_fatima, shift=bakery_shift, rules=rules).checks["earnings_cap"]

    set_cap(available_fatima, "120.00")  # 60.00 worked + 60.00 for this shift
    assert fits()
    set_cap(available_fatima, "119.99")
    assert not fits()


def test_accept_is_refused_above_the_members_own_earnings_limit(
    client, fatima_offer, available_fatima, afternoon_shift_worked
):
    set_cap(available_fatima, "100.00")
    client.force_login(available_fatima.user)
    response = client.post(reverse("member_offer_accept", args=[fatima_offer.pk]), follow=True)
    body = response.content.decode()
    assert "you would earn more than your own limit of" in body and "100" in body
    assert Assignment.objects.filter(shift=fatima_offer.shift).count() == 0
    fatima_offer.refresh_from_db()
    assert fatima_offer.status == Offer.Status.PENDING

    set_cap(available_fatima, "120.00")  # exactly reaching the limit is allowed
    client.post(reverse("member_offer_accept", args=[fatima_offer.pk]))
    fatima_offer.refresh_from_db()
    assert fatima_offer.status == Offer.Status.ACCEPTED


def test_accept_is_refused_above_the_coops_weekly_hours(client, kanaleneiland, fatima_offer, afternoon_shift_worked):
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2025, 6, 1),
        changes={"max_hours_per_week": 6},
        source=RuleVersion.Source.GENERAL_MEETING,
    )
    client.force_login(fatima_offer.member.user)
    response = client.post(reverse("member_offer_accept", args=[fatima_offer.pk]), follow=True)
    assert "you would have more than 6 hours that week (you have 4)" in response.content.decode()
    assert Assignment.objects.filter(shift=fatima_offer.shift).count() == 0


def test_hand_assignment_respects_the_earnings_limit_unless_overridden(
    client, coordinator, bakery_shift, available_fatima, afternoon_shift_worked
):
    set_cap(available_fatima, "100.00")
    PendingOfferFactory(shift=bakery_shift, member=available_fatima)
    client.force_login(coordinator)
    url = reverse("office_shift_assign", args=[bakery_shift.pk])
    response = client.post(url, {"member": available_fatima.pk, "reason": "Vaste kracht", "override_reason": ""})
    assert response.status_code == 400
    assert "over their own monthly earnings limit of" in response.content.decode()
    assert Assignment.objects.filter(shift=bakery_shift).count() == 0

    set_cap(available_fatima, None)  # no limit: nothing to check
    response = client.post(url, {"member": available_fatima.pk, "reason": "Vaste kracht", "override_reason": ""})
    assert response.status_code == 302
    assert Assignment.objects.filter(shift=bakery_shift, member=available_fatima).count() == 1
