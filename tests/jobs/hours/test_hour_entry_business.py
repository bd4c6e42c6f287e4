"""A business contact approves, corrects or marks hours not done — only their own business's hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import AuditEvent
from jobs.hours.exceptions import HoursError, HoursPermissionError
from jobs.hours.services import hour_entries_approve_bulk, hour_entry_approve, hour_entry_correct
from jobs.models import HourEntry
from tests.factories import business_with_contact
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import ApprovedHourEntryFactory, SubmittedHourEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(fatima_assignment):  # type: ignore[no-untyped-def]
    return SubmittedHourEntryFactory(assignment=fatima_assignment)


@pytest.fixture
def jan_entry(jan_assignment):  # type: ignore[no-untyped-def]
    return SubmittedHourEntryFactory(assignment=jan_assignment)


def _snapshot() -> list[tuple]:
    return list(
        HourEntry.objects.order_by("pk").values_list(
            "pk", "status", "corrected_start_time", "corrected_end_time", "corrected_break_minutes", "approved_at"
        )
    )


def test_business_approves_one_entry(client, bakery, entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    response = client.post(reverse("hour_entry_business_approve", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.APPROVED
    assert entry.approved_at is not None and entry.handled_by == bakery.contact
    event = AuditEvent.objects.get(action="hour_entry.approved")
    assert event.actor == bakery.contact and event.data == {"old": "submitted", "new": "approved"}


def test_business_cannot_see_or_approve_another_business_entry(client, bakery, lunetten_shop, jan_entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    before = _snapshot()
    for name in ("hour_entry_business_detail", "hour_entry_business_correct", "hour_entry_business_not_done"):
        assert client.get(reverse(name, args=[jan_entry.pk])).status_code == 404
    assert client.post(reverse("hour_entry_business_approve", args=[jan_entry.pk])).status_code == 404
    assert client.post(reverse("hour_entry_business_not_done", args=[jan_entry.pk]), {"reason": "x"}).status_code == 404
    with pytest.raises(HoursPermissionError):
        hour_entry_approve(entry_id=jan_entry.pk, actor=bakery.contact)
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action__startswith="hour_entry.").exists()


def test_second_business_in_the_same_coop_cannot_approve(client, kanaleneiland, entry):  # type: ignore[no-untyped-def]
    _, other_contact = business_with_contact(kanaleneiland)
    client.force_login(other_contact)
    assert client.post(reverse("hour_entry_business_approve", args=[entry.pk])).status_code == 404
    assert HourEntry.objects.get().status == HourEntry.Status.SUBMITTED


def test_business_list_shows_only_own_entries(client, bakery, entry, jan_entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    with translation.override("en"):
        response = client.get(reverse("hour_entry_business_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{entry.pk}"' in body
    assert f'value="{jan_entry.pk}"' not in body


@pytest.mark.parametrize("name", ["hour_entry_business_list"])
def test_outsider_and_member_get_403_on_business_pages(client, outsider, fatima, name):  # type: ignore[no-untyped-def]
    for user in (outsider, fatima.user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse("hour_entry_business_bulk_approve"), {"entries": ["1"]}).status_code == 403


def test_outsider_gets_404_or_403_on_entry_pages(client, outsider, entry):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    for name in ("hour_entry_business_detail", "hour_entry_business_correct", "hour_entry_business_not_done"):
        assert client.get(reverse(name, args=[entry.pk])).status_code in (403, 404)
    assert HourEntry.objects.get().status == HourEntry.Status.SUBMITTED


def test_bulk_approve_approves_all_chosen(client, fatima, bakery):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    entries = [
        SubmittedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=today - dt.timedelta(days=d)))
        for d in (1, 2, 3)
    ]
    client.force_login(bakery.contact)
    response = client.post(reverse("hour_entry_business_bulk_approve"), {"entries": [str(e.pk) for e in entries[:2]]})
    assert response.status_code == 302
    statuses = dict(HourEntry.objects.values_list("pk", "status"))
    assert statuses == {entries[0].pk: "approved", entries[1].pk: "approved", entries[2].pk: "submitted"}
    assert AuditEvent.objects.filter(action="hour_entry.approved").count() == 2


def test_bulk_with_one_entry_of_another_business_changes_nothing(client, bakery, entry, jan_entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    before = _snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("hour_entry_business_bulk_approve"), {"entries": [str(entry.pk), str(jan_entry.pk)]}
        )
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action__startswith="hour_entry.").exists()


def test_bulk_with_unknown_id_changes_nothing(bakery, entry):  # type: ignore[no-untyped-def]
    before = _snapshot()
    with pytest.raises(HoursPermissionError):
        hour_entries_approve_bulk(entry_ids=[entry.pk, entry.pk + 999], actor=bakery.contact)
    assert _snapshot() == before


def test_bulk_skips_entries_already_handled(bakery, fatima):  # type: ignore[no-untyped-def]
    done = ApprovedHourEntryFactory(assignment=assignment_at(fatima, bakery))
    todo = SubmittedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, start_time=dt.time(14), end_time=dt.time(16)),
        start_time=dt.time(14),
        end_time=dt.time(16),
        break_minutes=0,
    )
    result = hour_entries_approve_bulk(entry_ids=[done.pk, todo.pk], actor=bakery.contact)
    assert [e.pk for e in result.approved] == [todo.pk]
    assert [e.pk for e in result.already_handled] == [done.pk]


def test_bulk_without_a_choice_is_refused(client, bakery, entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    assert client.post(reverse("hour_entry_business_bulk_approve"), {}).status_code == 302
    with pytest.raises(HoursError):
        hour_entries_approve_bulk(entry_ids=[], actor=bakery.contact)
    assert HourEntry.objects.get().status == HourEntry.Status.SUBMITTED


def test_business_corrects_with_a_reason_the_member_sees(
    client,
    bakery,
    fatima,
    entry,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
):
    client.force_login(bakery.contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hour_entry_business_correct", args=[entry.pk]),
            {"start_time": "09:30", "end_time": "13:00", "break_minutes": "15", "reason": "Arrived at half past nine"},
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.CORRECTED
    assert (entry.start_time, entry.corrected_start_time) == (dt.time(9), dt.time(9, 30))
    assert entry.hours_worked == Decimal("3.25")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [fatima.user.email]
    client.force_login(fatima.user)
    with translation.override("en"):
        body = client.get(reverse("hour_entry_member_detail", args=[entry.pk])).content.decode()
    assert "Arrived at half past nine" in body


def test_correction_without_reason_is_refused(client, bakery, entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    before = _snapshot()
    response = client.post(
        reverse("hour_entry_business_correct", args=[entry.pk]),
        {"start_time": "09:30", "end_time": "13:00", "break_minutes": "15", "reason": ""},
    )
    assert response.status_code == 400
    with pytest.raises(HoursError):
        hour_entry_correct(
            entry_id=entry.pk,
            actor=bakery.contact,
            start_time=dt.time(9, 30),
            end_time=dt.time(13),
            break_minutes=15,
            reason="  ",
        )
    assert _snapshot() == before


def test_correction_longer_than_shift_plus_tolerance_is_refused(client, bakery, entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    before = _snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("hour_entry_business_correct", args=[entry.pk]),
            {"start_time": "08:00", "end_time": "14:00", "break_minutes": "0", "reason": "More"},
        )
    assert response.status_code == 400
    assert "longer than the shift" in response.content.decode()
    assert _snapshot() == before


def test_business_marks_not_done(client, bakery, entry):  # type: ignore[no-untyped-def]
    client.force_login(bakery.contact)
    response = client.post(reverse("hour_entry_business_not_done", args=[entry.pk]), {"reason": "Nobody came"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourEntry.Status.NOT_DONE and entry.correction_reason == "Nobody came"
    assert AuditEvent.objects.filter(action="hour_entry.marked_not_done").count() == 1


def test_handled_entry_cannot_be_handled_again(client, bakery, entry):  # type: ignore[no-untyped-def]
    hour_entry_approve(entry_id=entry.pk, actor=bakery.contact)
    client.force_login(bakery.contact)
    before = _snapshot()
    client.post(reverse("hour_entry_business_not_done", args=[entry.pk]), {"reason": "changed my mind"})
    client.post(
        reverse("hour_entry_business_correct", args=[entry.pk]),
        {"start_time": "09:30", "end_time": "13:00", "break_minutes": "15", "reason": "x"},
    )
    assert _snapshot() == before


def _queries_for(client, persona, member, rows: int) -> int:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for i in range(rows):
        SubmittedHourEntryFactory(assignment=assignment_at(member, persona, date=today - dt.timedelta(days=i + 1)))
    client.force_login(persona.contact)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("hour_entry_business_list"))
    assert response.status_code == 200
    assert response.content.decode().count('name="entries"') == rows
    return len(ctx.captured_queries)


def test_business_list_costs_the_same_queries_for_1_and_50_rows(client, bakery, lunetten_shop, fatima, jan):  # type: ignore[no-untyped-def]
    assert _queries_for(client, lunetten_shop, jan, 1) == _queries_for(client, bakery, fatima, 50)


def test_every_page_renders_for_its_owner(client, fatima, bakery, coordinator, fatima_assignment):  # type: ignore[no-untyped-def]
    from tests.jobs.hours.factories import DisputedHourEntryFactory

    entry = SubmittedHourEntryFactory(assignment=fatima_assignment)
    disputed = DisputedHourEntryFactory(
        assignment=assignment_at(fatima, bakery, start_time=dt.time(14), end_time=dt.time(16)),
        start_time=dt.time(14),
        end_time=dt.time(16),
        break_minutes=0,
        corrected_start_time=dt.time(14, 30),
        corrected_end_time=dt.time(16),
        corrected_break_minutes=0,
    )
    pages = {
        fatima.user: [
            reverse("hour_entry_my_list"),
            reverse("hour_entry_member_detail", args=[disputed.pk]),
            reverse("hour_entry_member_detail", args=[entry.pk]),
        ],
        bakery.contact: [
            reverse("hour_entry_business_list"),
            reverse("hour_entry_business_list") + "?status=all",
            reverse("hour_entry_business_detail", args=[entry.pk]),
            reverse("hour_entry_business_correct", args=[entry.pk]),
            reverse("hour_entry_business_not_done", args=[entry.pk]),
        ],
        coordinator: [reverse("hour_entry_dispute_list"), reverse("hour_entry_dispute_decide", args=[disputed.pk])],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            for language in ("en", "nl"):
                with translation.override(language):
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, (url, language)
