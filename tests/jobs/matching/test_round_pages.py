"""Coordinator pages: rounds list (constant queries), round detail, run a round now; outsiders kept out."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.matching.services import matching_round_run
from jobs.models import MatchingRound, Offer
from tests.jobs.factories import OpenJobFactory
from tests.jobs.matching.conftest import member, monday_next_week, shift_on

pytestmark = pytest.mark.django_db


def english(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def rounds(coop, n):  # type: ignore[no-untyped-def]
    version = coop.rule_versions.get()
    MatchingRound.objects.bulk_create(
        [MatchingRound(coop=coop, rule_version=version, trigger=MatchingRound.Trigger.SCHEDULE) for _ in range(n)]
    )


def list_queries(client):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("matching_round_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_round_list_costs_the_same_queries_for_1_and_50_rounds(client, kanaleneiland, coordinator):
    client.force_login(coordinator)
    rounds(kanaleneiland, 1)
    one = list_queries(client)
    rounds(kanaleneiland, 49)
    assert list_queries(client) == one


def test_coordinator_runs_a_round_and_sees_offers_and_open_places(client, kanaleneiland, coordinator, job, cleaning):
    english(client)
    anna = member(kanaleneiland, "Anna")
    shift_on(job, monday_next_week(), seats=1)
    other_job = OpenJobFactory(coop=kanaleneiland, business=job.business, title="Ramen lappen")
    other_job.required_skills.add(cleaning)  # nobody has it: its place stays open
    shift_on(other_job, monday_next_week(), (14, 0), (16, 0), seats=1)
    client.force_login(coordinator)

    response = client.post(reverse("matching_round_run_now"), {"coop": kanaleneiland.pk})

    round_ = MatchingRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("matching_round_detail", args=[round_.pk])
    assert round_.started_by == coordinator
    assert round_.trigger == MatchingRound.Trigger.MANUAL
    page = client.get(response.url)
    assert page.status_code == 200
    assert anna.full_name in page.content.decode()
    assert "Has the skills" in page.content.decode()


def test_outsider_gets_403_everywhere(client, kanaleneiland, outsider):
    rounds(kanaleneiland, 1)
    client.force_login(outsider)
    assert client.get(reverse("matching_round_list")).status_code == 403
    assert client.get(reverse("matching_round_detail", args=[MatchingRound.objects.get().pk])).status_code == 403
    assert client.post(reverse("matching_round_run_now"), {"coop": kanaleneiland.pk}).status_code == 403
    assert not MatchingRound.objects.exclude(pk=MatchingRound.objects.get().pk).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("matching_round_list"))
    assert response.status_code == 302


def test_other_coops_coordinator_cannot_see_or_run_our_rounds(
    client, kanaleneiland, lunetten, lunetten_coordinator, job
):
    member(kanaleneiland, "Anna")
    shift_on(job, monday_next_week())
    round_ = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.SCHEDULE)
    client.force_login(lunetten_coordinator)
    assert client.get(reverse("matching_round_detail", args=[round_.pk])).status_code == 404
    assert client.post(reverse("matching_round_run_now"), {"coop": kanaleneiland.pk}).status_code == 403
    listing = client.get(reverse("matching_round_list"))
    assert listing.status_code == 200
    assert list(listing.context["rounds"]) == []
    assert MatchingRound.objects.count() == 1
    assert Offer.objects.count() == 1


def test_run_now_without_coop_is_refused(client, kanaleneiland, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("matching_round_run_now"), {"coop": "x"}).status_code == 403
    assert client.get(reverse("matching_round_run_now")).status_code == 405
    assert not MatchingRound.objects.exists()


def detail_queries(client, round_):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("matching_round_detail", args=[round_.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_round_detail_costs_the_same_queries_for_1_and_20_offers(client, kanaleneiland, coordinator, job):
    from tests.jobs.factories import PendingOfferFactory

    client.force_login(coordinator)
    rounds(kanaleneiland, 1)
    round_ = MatchingRound.objects.get()
    day = monday_next_week()
    PendingOfferFactory(round=round_, shift=shift_on(job, day), member=member(kanaleneiland, "M0"))
    one = detail_queries(client, round_)
    for i in range(1, 20):
        PendingOfferFactory(
            round=round_,
            shift=shift_on(job, day, (8 + i % 10, 0), (9 + i % 10, 0)),
            member=member(kanaleneiland, f"M{i}"),
        )
    assert detail_queries(client, round_) == one
