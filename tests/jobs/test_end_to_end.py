"""End to end: a business posts a job in the UI, a matching round offers its seats to the right members,
a member accepts in the UI, and the schedule and iCal feed show the shift.

Runs on SQLite for the quick loop and on PostgreSQL in CI (where the row locks and the matching
round's advisory lock are real).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from jobs.matching.services import matching_round_run
from jobs.models import Assignment, CalendarFeed, Job, MatchingRound, Offer
from members.models import Daypart, availability_bit
from tests.factories import ActiveMemberFactory, UserFactory
from tests.jobs.conftest import english, next_weekday
from tests.jobs.factories import ALL_WEEK, make_available

pytestmark = pytest.mark.django_db


def test_posted_job_is_offered_by_a_round_accepted_and_shows_in_schedule_and_ical(
    client, bakery, kanaleneiland, available_fatima, jan, django_capture_on_commit_callbacks
):
    english(client)
    day = next_weekday(2)  # a Wednesday at least a week ahead
    # Another available member of Kanaleneiland, one who is never available on Wednesday mornings,
    # and Jan of Lunetten (another coop, not offered: neighbouring coops are off by default).
    samira = ActiveMemberFactory(coop=kanaleneiland, user=UserFactory(email="samira@example.nl", first_name="Samira"))
    make_available(samira)
    busy = ActiveMemberFactory(coop=kanaleneiland, user=UserFactory(email="busy@example.nl", first_name="Bas"))
    make_available(busy, ALL_WEEK & ~availability_bit(2, Daypart.MORNING))
    make_available(jan)

    # 1. The business posts a job with one shift of two seats through the UI.
    client.force_login(bakery.contact)
    response = client.post(
        reverse("business_job_post"),
        {
            "business": bakery.business.pk,
            "coop": kanaleneiland.pk,
            "title": "Broodjes smeren",
            "category": "default",
            "street": "Kanaleneiland Centrum 5",
            "postcode": "3526AB",
            "city": "Utrecht",
            "hourly_client_rate": "24.00",
            "assign_mode": "auto",
            "shifts-TOTAL_FORMS": "1",
            "shifts-INITIAL_FORMS": "0",
            "shifts-MIN_NUM_FORMS": "1",
            "shifts-MAX_NUM_FORMS": "20",
            "shifts-0-date": day.isoformat(),
            "shifts-0-start_time": "09:00",
            "shifts-0-end_time": "13:00",
            "shifts-0-seats": "2",
        },
    )
    assert response.status_code == 302
    shift = Job.objects.get().shifts.get()

    # 2. A matching round offers the two seats to the two members who fit, and e-mails them.
    with django_capture_on_commit_callbacks(execute=True):
        round_ = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.MANUAL)
    offers = Offer.objects.filter(shift=shift, status=Offer.Status.PENDING)
    assert {o.member for o in offers} == {available_fatima, samira}
    assert round_.offers_made == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([available_fatima.user.email, samira.user.email])
    fatima_offer = offers.get(member=available_fatima)

    # 3. Fatima accepts in the UI.
    client.force_login(available_fatima.user)
    assert (
        reverse("member_offer_accept", args=[fatima_offer.pk])
        in client.get(reverse("member_offer_list")).content.decode()
    )
    response = client.post(reverse("member_offer_accept", args=[fatima_offer.pk]))
    assert response.status_code == 302
    assignment = Assignment.objects.get(member=available_fatima)
    assert assignment.shift == shift and assignment.status == Assignment.Status.ACTIVE

    # 4. Her schedule for that week and her private iCal feed show the shift.
    schedule = client.get(reverse("member_schedule"), {"week": day.isoformat()}).content.decode()
    assert "Broodjes smeren" in schedule and "09:00" in schedule
    client.get(reverse("member_calendar"))
    token = CalendarFeed.objects.get(member=available_fatima).token
    client.logout()
    feed = client.get(reverse("calendar_feed", kwargs={"token": token}))
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert (start.date(), start.time()) == (day, dt.time(9, 0))
    assert "Broodjes smeren" in str(events[0]["summary"])

    # 5. The business sees Fatima's first name on the shift; the seat she took is no longer open.
    client.force_login(bakery.contact)
    detail = client.get(reverse("business_job_detail", args=[shift.job_id])).content.decode()
    assert "Fatima" in detail
