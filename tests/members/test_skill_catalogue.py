"""One skill catalogue for all coops, edited only by the service centre (docs/decisions/035)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coop.models import AuditEvent
from members.models import Role, Skill
from members.selectors import AuditContext, user_is_service_centre
from members.services import skill_create, skill_update
from tests.factories import SkillFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

SKILL_DATA = {
    "slug": "cooking",
    "name_nl": "Koken",
    "name_en": "Cooking",
    "certificate_name": "",
    "is_active": "on",
}


@pytest.fixture
def service_desk(kanaleneiland, lunetten):
    """Samira of the shared service centre: coordinator in every coop of the installation."""
    user = staff_user(kanaleneiland, email="servicedesk@example.nl", is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, coop=lunetten)
    return user


@pytest.fixture
def coop_coordinator(coordinator, lunetten):
    """Ingrid coordinates Kanaleneiland only, in an installation that also holds Lunetten."""
    coordinator.is_staff = True
    coordinator.save()
    return coordinator


def _state() -> tuple[list[dict], int]:
    return (list(Skill.objects.order_by("pk").values()), AuditEvent.objects.count())


def test_the_service_centre_is_a_superuser_or_a_coordinator_of_every_coop(
    service_desk, coop_coordinator, board_member, lunetten
):
    assert user_is_service_centre(service_desk)
    assert user_is_service_centre(UserFactory(is_superuser=True))
    assert not user_is_service_centre(coop_coordinator)
    Role.objects.create(user=board_member, kind=Role.Kind.BOARD, coop=lunetten)
    assert not user_is_service_centre(board_member)  # board in both, but not the service desk


def test_coop_coordinator_cannot_add_or_change_skills_in_the_admin(client, coop_coordinator):
    skill = SkillFactory(slug="gardening", name_nl="Tuinieren", name_en="Gardening")
    client.force_login(coop_coordinator)
    before = _state()
    assert client.get(reverse("admin:members_skill_changelist")).status_code == 200  # may look
    assert client.post(reverse("admin:members_skill_add"), {**SKILL_DATA, "_save": "Save"}).status_code == 403
    response = client.post(
        reverse("admin:members_skill_change", args=[skill.pk]), {**SKILL_DATA, "slug": "gardening", "_save": "Save"}
    )
    assert response.status_code == 403
    assert _state() == before


def test_coop_coordinator_cannot_add_or_change_skills_in_the_office(client, coop_coordinator):
    skill = SkillFactory(slug="gardening", name_nl="Tuinieren", name_en="Gardening")
    client.force_login(coop_coordinator)
    before = _state()
    assert client.get(reverse("office_skill_create")).status_code == 403
    assert client.post(reverse("office_skill_create"), SKILL_DATA).status_code == 403
    assert (
        client.post(reverse("office_skill_edit", args=[skill.pk]), {**SKILL_DATA, "slug": "gardening"}).status_code
        == 403
    )
    page = client.get(reverse("office_skill_list"))
    assert page.status_code == 200
    assert reverse("office_skill_create") not in page.content.decode()
    assert _state() == before


def test_the_service_refuses_a_coop_coordinator_too(coop_coordinator):
    skill = SkillFactory(slug="gardening", name_nl="Tuinieren", name_en="Gardening")
    before = _state()
    ctx = AuditContext.for_user(coop_coordinator)
    with pytest.raises(PermissionDenied):
        skill_create(ctx=ctx, slug="cooking", name_nl="Koken", name_en="Cooking")
    with pytest.raises(PermissionDenied):
        skill_update(
            ctx=ctx,
            skill=skill,
            slug="gardening",
            name_nl="Tuin",
            name_en="Garden",
            requires_certificate=False,
            certificate_name="",
            is_active=False,
        )
    assert _state() == before


def test_service_centre_adds_and_changes_a_skill_in_the_admin_with_audit_rows(client, service_desk):
    client.force_login(service_desk)
    response = client.post(reverse("admin:members_skill_add"), {**SKILL_DATA, "_save": "Save"})
    assert response.status_code == 302
    skill = Skill.objects.get(slug="cooking")
    created = AuditEvent.objects.get(action="skill.created")
    assert (created.actor, created.subject_id) == (service_desk, str(skill.pk))
    response = client.post(
        reverse("admin:members_skill_change", args=[skill.pk]),
        {**SKILL_DATA, "name_nl": "Koken en bakken", "is_active": "", "_save": "Save"},
    )
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name_nl, skill.is_active) == ("Koken en bakken", False)
    changed = AuditEvent.objects.get(action="skill.changed")
    assert changed.actor == service_desk
    assert changed.data == {
        "name_nl": {"old": "Koken", "new": "Koken en bakken"},
        "is_active": {"old": True, "new": False},
    }


def test_service_centre_edits_skills_in_the_office(client, service_desk):
    client.force_login(service_desk)
    assert reverse("office_skill_create") in client.get(reverse("office_skill_list")).content.decode()
    assert client.post(reverse("office_skill_create"), SKILL_DATA).status_code == 302
    assert AuditEvent.objects.filter(action="skill.created", actor=service_desk).count() == 1


def test_a_skill_needing_a_certificate_without_its_name_is_refused_in_the_admin(client, service_desk):
    client.force_login(service_desk)
    before = _state()
    response = client.post(
        reverse("admin:members_skill_add"),
        {**SKILL_DATA, "requires_certificate": "on", "_save": "Save"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "which certificate" in response.content.decode()
    assert _state() == before


def test_nobody_deletes_a_skill_in_the_admin(client, service_desk):
    skill = SkillFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(reverse("admin:members_skill_delete", args=[skill.pk]), {"post": "yes"}).status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_outsider_gets_403_on_the_skill_admin(client, outsider):
    outsider.is_staff = True
    outsider.save()
    skill = SkillFactory()
    client.force_login(outsider)
    assert client.get(reverse("admin:members_skill_changelist")).status_code == 403
    assert client.get(reverse("admin:members_skill_change", args=[skill.pk])).status_code == 403
