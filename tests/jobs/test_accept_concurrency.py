"""Accepting offers at the same moment, on PostgreSQL with real row locks and two connections."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jobs.models import Assignment
from jobs.services.offers import offer_accept
from tests.factories import ActiveMemberFactory
from tests.jobs.factories import OpenShiftFactory, PendingOfferFactory, make_available

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite ignores select_for_update)"
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    """Run each call in its own thread and connection, released together; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except ValidationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_cannot_both_take_the_last_seat(kanaleneiland, attempt):
    shift = OpenShiftFactory(job__coop=kanaleneiland, seats=1)
    a = PendingOfferFactory(shift=shift, member__coop=kanaleneiland)
    b = PendingOfferFactory(shift=shift, member__coop=kanaleneiland)
    make_available(a.member)
    make_available(b.member)
    results = race(
        lambda: offer_accept(offer_id=a.pk, member=a.member, actor=None),
        lambda: offer_accept(offer_id=b.pk, member=b.member, actor=None),
    )
    assert sum(isinstance(r, Assignment) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert Assignment.objects.filter(shift=shift, status="active").count() == 1


def test_one_member_cannot_accept_two_overlapping_shifts_at_once(kanaleneiland):
    member = ActiveMemberFactory(coop=kanaleneiland)
    make_available(member)
    first = OpenShiftFactory(job__coop=kanaleneiland)
    second = OpenShiftFactory(job__coop=kanaleneiland, date=first.date, start_time=dt.time(11), end_time=dt.time(15))
    o1 = PendingOfferFactory(shift=first, member=member)
    o2 = PendingOfferFactory(shift=second, member=member)
    results = race(
        lambda: offer_accept(offer_id=o1.pk, member=member, actor=None),
        lambda: offer_accept(offer_id=o2.pk, member=member, actor=None),
    )
    # A pending offer holds the member's time, as in a matching round: while both stand (only a race
    # makes two), each accept sees the other and neither goes through; she says no to one first.
    assert all(isinstance(r, ValidationError) for r in results)
    assert Assignment.objects.filter(member=member, status="active").count() == 0


def test_the_same_offer_accepted_in_two_tabs_gives_one_assignment(kanaleneiland):
    offer = PendingOfferFactory(shift=OpenShiftFactory(job__coop=kanaleneiland, seats=3), member__coop=kanaleneiland)
    make_available(offer.member)
    results = race(
        lambda: offer_accept(offer_id=offer.pk, member=offer.member, actor=None),
        lambda: offer_accept(offer_id=offer.pk, member=offer.member, actor=None),
    )
    assert sum(isinstance(r, Assignment) for r in results) == 1
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1
    assert Assignment.objects.count() == 1
