"""Assisted mode: a coordinator acts for a consenting member; every write names both people and the consent."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coop.models import AuditEvent
from members.middleware import SESSION_KEY
from members.models import Member
from members.selectors import member_acting_as
from tests.members.factories import ConsentingMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def henk(kanaleneiland) -> Member:
    """An older member of Kanaleneiland without a smartphone, who signed a consent form at the desk."""
    from tests.factories import UserFactory

    user = UserFactory(email="henk@example.nl", first_name="Henk", last_name="de Boer")
    return ConsentingMemberFactory(user=user, coop=kanaleneiland, phone="0687654321")


def _start(client, coordinator, member):
    client.force_login(coordinator)
    return client.post(reverse("office_assisted_start", args=[member.pk]))


def test_coordinator_acts_for_member_and_sees_their_data(client, coordinator, henk):
    response = _start(client, coordinator, henk)
    assert response.status_code == 302 and response["Location"] == reverse("member_home")
    assert client.session[SESSION_KEY] == henk.pk
    page = client.get(reverse("member_details"))
    assert page.status_code == 200
    assert page.context["member"] == henk
    assert "0687654321" in page.content.decode()
    started = AuditEvent.objects.get(action="member.assisted_started")
    assert (started.actor, started.on_behalf_of, started.consent_note) == (
        coordinator,
        henk.user,
        "In person at the service desk, signed form",
    )


def test_every_write_in_assisted_mode_records_both_people_and_consent(client, coordinator, henk):
    _start(client, coordinator, henk)
    client.post(reverse("member_status"), {"action": "pause", "reason": "In hospital"})
    henk.refresh_from_db()
    assert henk.status == Member.Status.PAUSED
    event = AuditEvent.objects.get(action="member.paused")
    assert event.actor == coordinator
    assert event.on_behalf_of == henk.user
    assert event.consent_note == henk.assisted_consent_note
    client.post(
        reverse("member_details"),
        {
            "phone": "030 765 4321",
            "iban": henk.iban,
            "postcode": henk.postcode,
            "house_number": "9",
            "languages": ["nl"],
        },
    )
    event = AuditEvent.objects.get(action="member.details_changed")
    assert (event.actor, event.on_behalf_of) == (coordinator, henk.user)


def test_stop_button_ends_assisted_mode(client, coordinator, henk):
    _start(client, coordinator, henk)
    response = client.post(reverse("assisted_stop"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("member_home")).status_code == 403  # the coordinator is no member
    assert AuditEvent.objects.filter(action="member.assisted_stopped", actor=coordinator).exists()


def test_member_without_consent_cannot_be_assisted(client, coordinator, fatima):
    before = AuditEvent.objects.count()
    response = _start(client, coordinator, fatima)
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.count() == before


def test_lunetten_coordinator_cannot_act_for_kanaleneiland_member(client, lunetten_coordinator, henk):
    assert _start(client, lunetten_coordinator, henk).status_code == 404
    # Even a forged session key does not work: the middleware drops it.
    session = client.session
    session[SESSION_KEY] = henk.pk
    session.save()
    assert client.get(reverse("member_home")).status_code == 403
    assert SESSION_KEY not in client.session


def test_board_member_cannot_start_assisted_mode(client, board_member, henk):
    assert _start(client, board_member, henk).status_code == 403


def test_withdrawn_consent_stops_assisted_mode_on_next_page(client, coordinator, henk):
    _start(client, coordinator, henk)
    Member.objects.filter(pk=henk.pk).update(assisted_consent_at=None, assisted_consent_note="")
    assert client.get(reverse("member_home")).status_code == 403
    assert SESSION_KEY not in client.session


def test_coordinator_cannot_give_or_withdraw_consent_for_the_member(client, coordinator, henk):
    _start(client, coordinator, henk)
    assert client.post(reverse("member_consent_change"), {"consent": "withdraw"}).status_code == 403
    henk.refresh_from_db()
    assert henk.has_assisted_consent


def test_member_acting_as_helper_for_other_apps(coordinator, henk, fatima):
    rf = RequestFactory()
    request = rf.get("/")
    request.user = coordinator
    request.assisted_member = henk
    member, ctx = member_acting_as(request)
    assert member == henk
    assert (ctx.actor, ctx.on_behalf_of, ctx.consent_note) == (coordinator, henk.user, henk.assisted_consent_note)
    assert ctx.is_assisted
    row = ctx.record(action="test.done", subject=henk)
    assert (row.actor, row.on_behalf_of, row.consent_note, row.coop) == (
        coordinator,
        henk.user,
        henk.assisted_consent_note,
        henk.coop,
    )

    request = rf.get("/")
    request.user = fatima.user
    request.assisted_member = None
    member, ctx = member_acting_as(request)
    assert member == fatima and ctx.actor == fatima.user and not ctx.is_assisted
