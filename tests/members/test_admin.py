"""The Django admin for coordinators: scoped to their coops, no direct status edits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_coordinator(coordinator):
    coordinator.is_staff = True
    coordinator.save()
    return coordinator


def test_coordinator_sees_only_own_coop_members_in_admin(client, staff_coordinator, fatima, jan):
    client.force_login(staff_coordinator)
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [fatima]
    assert client.get(reverse("admin:members_member_change", args=[jan.pk])).status_code == 302  # "doesn't exist"


def test_admin_cannot_change_status_directly(client, staff_coordinator, fatima):
    client.force_login(staff_coordinator)
    url = reverse("admin:members_member_change", args=[fatima.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    data = {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "postcode": "3526KL",
        "house_number": "1",
        "phone": "0612345678",
        "iban": "NL91ABNA0417164300",
        "date_of_birth": "1985-05-17",
        "languages": '["nl"]',
        "status": "left",
        "_save": "Save",
    }
    client.post(url, data)
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE


def test_coordinator_sees_only_own_coop_businesses_in_admin(client, staff_coordinator, bakery, lunetten_shop):
    client.force_login(staff_coordinator)
    response = client.get(reverse("admin:members_business_changelist"))
    assert list(response.context["cl"].result_list) == [bakery.business]


def test_superuser_sees_everyone(client, fatima, jan):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:members_member_changelist"))
    assert set(response.context["cl"].result_list) == {fatima, jan}


def test_admin_change_leaves_an_audit_row(client, staff_coordinator, fatima):
    from coop.models import AuditEvent

    client.force_login(staff_coordinator)
    url = reverse("admin:members_member_change", args=[fatima.pk])
    data = {
        "first_name": "Fatima",
        "last_name": "El-Amrani",
        "postcode": fatima.postcode,
        "house_number": fatima.house_number,
        "phone": fatima.phone,
        "iban": fatima.iban,
        "date_of_birth": "1985-05-17",
        "languages": '["nl", "ar"]',
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fatima.refresh_from_db()
    assert fatima.last_name == "El-Amrani"
    event = AuditEvent.objects.get(action="member.admin_changed")
    assert event.actor == staff_coordinator
    assert event.data["last_name"] == {"old": "El Amrani", "new": "El-Amrani"}
