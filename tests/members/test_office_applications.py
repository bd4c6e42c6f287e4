"""The office decides on applications: admit (number, share capital, profile) or reject (with a reason)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coop.models import AuditEvent
from members.models import Member, MemberShare, WorkerProfile
from tests.factories import ActiveMemberFactory
from tests.members.factories import confirmed_applicant, unconfirmed_applicant

pytestmark = pytest.mark.django_db


def test_application_list_shows_confirmed_first_and_marks_unconfirmed(client, coordinator, kanaleneiland):
    late = confirmed_applicant(kanaleneiland, last_name="Later")
    early = unconfirmed_applicant(kanaleneiland, last_name="Eerder")
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.get(reverse("office_application_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows == [late, early]
    assert "not confirmed yet" in response.content.decode()


def test_admit_assigns_next_number_share_capital_and_profile(
    client, coordinator, kanaleneiland, django_capture_on_commit_callbacks
):
    ActiveMemberFactory(coop=kanaleneiland, member_number=41)
    applicant = confirmed_applicant(kanaleneiland)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "paid"}
        )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.ACTIVE
    assert applicant.member_number == 42
    share = applicant.shares.get()
    assert share.total.amount == Decimal("25.00")  # defaults.json membership_share_capital
    assert share.status == MemberShare.Status.PAID
    assert applicant.decided_by == coordinator
    assert WorkerProfile.objects.filter(member=applicant).exists()
    event = AuditEvent.objects.get(action="member.admitted")
    assert event.actor == coordinator and event.coop == kanaleneiland
    assert event.data["old"] == "applied" and event.data["member_number"] == 42
    assert mail.outbox[-1].to == [applicant.user.email]


def test_member_numbers_are_per_coop(client, coordinator, kanaleneiland, lunetten, jan):
    jan.member_number = 7
    jan.save()
    applicant = confirmed_applicant(kanaleneiland)
    client.force_login(coordinator)
    client.post(
        reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "owed"}
    )
    applicant.refresh_from_db()
    assert applicant.member_number == 1
    assert applicant.shares.get().status == MemberShare.Status.OWED


def test_board_member_may_admit_too(client, board_member, kanaleneiland):
    applicant = confirmed_applicant(kanaleneiland)
    client.force_login(board_member)
    client.post(
        reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "owed"}
    )
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.ACTIVE


def test_reject_needs_a_reason_and_changes_nothing_without_one(client, coordinator, applicant):
    client.force_login(coordinator)
    before = AuditEvent.objects.count()
    with translation.override("en"):
        response = client.post(
            reverse("office_application_detail", args=[applicant.pk]),
            {"decision": "reject", "reason": "   "},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLIED
    assert AuditEvent.objects.count() == before


def test_reject_emails_the_reason(client, coordinator, applicant, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("office_application_detail", args=[applicant.pk]),
            {"decision": "reject", "reason": "You live outside the neighbourhood."},
        )
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.REJECTED
    assert applicant.rejection_reason == "You live outside the neighbourhood."
    assert mail.outbox[-1].to == [applicant.user.email]
    assert "You live outside the neighbourhood." in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="member.rejected", actor=coordinator).exists()


def test_admitting_twice_does_not_give_a_second_number(client, coordinator, applicant):
    client.force_login(coordinator)
    url = reverse("office_application_detail", args=[applicant.pk])
    client.post(url, {"decision": "admit", "share_capital": "owed"})
    response = client.post(url, {"decision": "admit", "share_capital": "owed"})
    assert response.status_code == 302  # no longer an application: sent to the member page
    applicant.refresh_from_db()
    assert applicant.member_number == 1
    assert AuditEvent.objects.filter(action="member.admitted").count() == 1


def test_lunetten_coordinator_cannot_see_or_decide_kanaleneiland_application(client, lunetten_coordinator, applicant):
    client.force_login(lunetten_coordinator)
    assert applicant not in client.get(reverse("office_application_list")).context["page"].object_list
    assert client.get(reverse("office_application_detail", args=[applicant.pk])).status_code == 404
    response = client.post(
        reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "paid"}
    )
    assert response.status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLIED


@pytest.mark.parametrize("persona", ["outsider", "fatima", "bakery", "applicant"])
def test_non_staff_get_403_on_office_pages(client, request, persona, applicant):
    obj = request.getfixturevalue(persona)
    user = getattr(obj, "user", None) or getattr(obj, "contact", None) or obj
    client.force_login(user)
    for url in (
        reverse("office_home"),
        reverse("office_application_list"),
        reverse("office_application_detail", args=[applicant.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "paid"}
        ).status_code
        == 403
    )


def test_anonymous_is_sent_to_login(client, applicant):
    response = client.get(reverse("office_application_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_application_list_costs_the_same_for_1_and_50_rows(client, coordinator, kanaleneiland):
    client.force_login(coordinator)
    confirmed_applicant(kanaleneiland)
    url = reverse("office_application_list")
    _queries_for(client, url)  # warm caches (content types, session)
    one = _queries_for(client, url)
    for _ in range(24):
        confirmed_applicant(kanaleneiland)
        unconfirmed_applicant(kanaleneiland)
    assert _queries_for(client, url) == one
