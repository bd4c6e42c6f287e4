"""Member pages: open work that fits me, shift detail with why, schedule week, iCal feed, hours widget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from coop.models import AuditEvent
from jobs.models import CalendarFeed
from jobs.selectors.schedule import member_hours_summary
from tests.factories import ActiveMemberFactory
from tests.jobs.conftest import english
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PlannedAssignmentFactory, give_skill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    english(client)


def test_open_work_lists_shifts_that_fit_my_skills_with_my_wage(client, fatima, kanaleneiland, forklift, bakery_shift):
    needs_forklift = OpenShiftFactory(job=OpenJobFactory(coop=kanaleneiland, title="Pallets"))
    needs_forklift.job.required_skills.add(forklift)
    client.force_login(fatima.user)
    response = client.get(reverse("member_shift_list"))
    shifts = [row.shift for row in response.context["rows"]]
    assert shifts == [bakery_shift]
    assert "You earn €15.00 per hour." in response.content.decode()
    give_skill(fatima, forklift)
    shifts = [row.shift for row in client.get(reverse("member_shift_list")).context["rows"]]
    assert set(shifts) == {bakery_shift, needs_forklift}
    shifts = [r.shift for r in client.get(reverse("member_shift_list"), {"skill": forklift.pk}).context["rows"]]
    assert shifts == [needs_forklift]


def test_open_work_filters_by_date_and_neighbourhood(client, fatima, kanaleneiland, bakery_shift):
    elsewhere = OpenShiftFactory(
        job=OpenJobFactory(coop=kanaleneiland, postcode="3511AA"), date=bakery_shift.date + dt.timedelta(days=1)
    )
    client.force_login(fatima.user)
    url = reverse("member_shift_list")
    assert {r.shift for r in client.get(url).context["rows"]} == {bakery_shift, elsewhere}
    assert [r.shift for r in client.get(url, {"distance": "neighbourhood"}).context["rows"]] == [bakery_shift]
    assert [r.shift for r in client.get(url, {"day": elsewhere.date.isoformat()}).context["rows"]] == [elsewhere]


def test_full_cancelled_and_past_shifts_are_not_listed(client, fatima, kanaleneiland, bakery_shift):
    PlannedAssignmentFactory(shift=bakery_shift, member__coop=kanaleneiland)
    OpenShiftFactory(job__coop=kanaleneiland, status="cancelled")
    OpenShiftFactory(job__coop=kanaleneiland, date=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(fatima.user)
    assert client.get(reverse("member_shift_list")).context["rows"] == []


def test_coop_a_member_never_sees_coop_b_work(client, jan, fatima, bakery_shift, lunetten):
    lunetten_shift = OpenShiftFactory(job__coop=lunetten)
    client.force_login(jan.user)
    assert [r.shift for r in client.get(reverse("member_shift_list")).context["rows"]] == [lunetten_shift]
    assert client.get(reverse("member_shift_detail", args=[bakery_shift.pk])).status_code == 404
    client.force_login(fatima.user)
    assert client.get(reverse("member_shift_detail", args=[lunetten_shift.pk])).status_code == 404


def test_open_work_list_costs_the_same_queries_for_1_and_50_shifts(client, fatima, kanaleneiland):
    client.force_login(fatima.user)
    OpenShiftFactory(job__coop=kanaleneiland)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("member_shift_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(49):
        OpenShiftFactory(job__coop=kanaleneiland)
    assert count() == one


def test_shift_detail_shows_why_and_the_pending_offer(client, fatima_offer, monkeypatch):
    from jobs.matching import explain

    reason = explain.Reason(code="skills", message="You have every skill this job needs.", ok=True)
    monkeypatch.setattr(explain, "explain_member_shift", lambda *, member, shift: [reason])
    client.force_login(fatima_offer.member.user)
    response = client.get(reverse("member_shift_detail", args=[fatima_offer.shift_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "You have every skill this job needs." in body
    assert reverse("member_offer_accept", args=[fatima_offer.pk]) in body


def test_schedule_week_shows_my_shifts_and_navigates(client, fatima, bakery_shift):
    PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    client.force_login(fatima.user)
    response = client.get(reverse("member_schedule"), {"week": bakery_shift.date.isoformat()})
    body = response.content.decode()
    assert bakery_shift.job.title in body
    monday = bakery_shift.date - dt.timedelta(days=bakery_shift.date.weekday())
    assert response.context["monday"] == monday
    assert f"?week={(monday + dt.timedelta(days=7)).isoformat()}" in body
    other_week = client.get(reverse("member_schedule"), {"week": (monday + dt.timedelta(days=7)).isoformat()})
    assert bakery_shift.job.title not in other_week.content.decode()
    assert client.get(reverse("member_schedule"), {"week": "nonsense"}).status_code == 200


def test_schedule_never_shows_another_members_work(client, fatima, bakery_shift, kanaleneiland):
    other = ActiveMemberFactory(coop=kanaleneiland)
    PlannedAssignmentFactory(shift=bakery_shift, member=other)
    client.force_login(fatima.user)
    body = client.get(reverse("member_schedule"), {"week": bakery_shift.date.isoformat()}).content.decode()
    assert bakery_shift.job.title not in body


def _feed_url(client, member):
    client.force_login(member.user)
    client.get(reverse("member_calendar"))
    return reverse("calendar_feed", kwargs={"token": CalendarFeed.objects.get(member=member).token})


def test_ical_feed_contains_my_shifts_and_works_without_login(client, fatima, bakery_shift, kanaleneiland):
    assignment = PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    PlannedAssignmentFactory(shift=OpenShiftFactory(job__coop=kanaleneiland), member__coop=kanaleneiland)
    cancelled = PlannedAssignmentFactory(member=fatima, shift__job__coop=kanaleneiland, status="cancelled")
    url = _feed_url(client, fatima)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"assignment-{assignment.pk}@wijkwerk"
    start = event.decoded("dtstart")
    assert start.date() == bakery_shift.date and start.time() == bakery_shift.start_time
    assert event.decoded("dtend").time() == bakery_shift.end_time
    assert bakery_shift.job.title in str(event["summary"])
    assert "3526AB" in str(event["location"])
    assert cancelled.shift.job.title not in response.content.decode()


def test_ical_feed_needs_the_right_token_and_regenerate_kills_the_old_one(client, fatima, bakery_shift):
    url = _feed_url(client, fatima)
    assert client.get(reverse("calendar_feed", kwargs={"token": "wrong"})).status_code == 404
    client.post(reverse("member_calendar"))
    assert client.get(url).status_code == 404
    new_url = reverse("calendar_feed", kwargs={"token": CalendarFeed.objects.get(member=fatima).token})
    assert new_url != url and client.get(new_url).status_code == 200
    assert AuditEvent.objects.filter(action="calendar_feed.regenerated").count() == 1


def test_hours_widget_counts_this_week_and_month_against_target(fatima, kanaleneiland):
    today = timezone.localdate()
    PlannedAssignmentFactory(member=fatima, shift__job__coop=kanaleneiland, shift__date=today)  # 4 h
    PlannedAssignmentFactory(
        member=fatima, shift__job__coop=kanaleneiland, shift__date=today - dt.timedelta(days=40)
    )  # another month
    summary = member_hours_summary(member=fatima, today=today)
    assert summary.week_hours == Decimal("4.00")
    assert summary.month_hours == Decimal("4.00")
    assert summary.target_week == Decimal(20)
    assert summary.week_percent == 20
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string("jobs/_member_hours_widget.html", {"hours": summary})
    assert "This week: 4 of 20 hours" in html


def test_shift_detail_explains_with_the_matching_engine(client, fatima, bakery_shift, forklift):
    bakery_shift.job.required_skills.add(forklift)
    client.force_login(fatima.user)
    response = client.get(reverse("member_shift_detail", args=[bakery_shift.pk]))
    assert response.status_code == 200
    assert response.context["explained"] is True
    reasons = response.context["reasons"]
    assert reasons and any(not r.ok for r in reasons)  # she lacks the skill and is not available
    for reason in reasons:
        assert reason.message in response.content.decode()


def test_hours_widget_tag_renders_for_a_member(fatima, kanaleneiland):
    from django.template import Context, Template
    from django.utils import translation

    PlannedAssignmentFactory(member=fatima, shift__job__coop=kanaleneiland, shift__date=timezone.localdate())
    with translation.override("en"):
        html = Template("{% load jobs_widgets %}{% member_hours_widget member %}").render(Context({"member": fatima}))
    assert "This week: 4 of 20 hours" in html


def test_member_home_shows_the_work_widget(client, fatima_offer):
    client.force_login(fatima_offer.member.user)
    response = client.get(reverse("member_home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 offer is waiting for your answer." in body
    assert "This week:" in body


def test_business_page_shows_the_jobs_widget(client, bakery, bakery_shift):
    client.force_login(bakery.contact)
    response = client.get(reverse("business_home"), follow=True)
    body = response.content.decode()
    assert "1 open job" in body and reverse("business_job_post") in body
