"""The office's member list and detail, status changes by staff, businesses and skills; all coop-scoped."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coop.audit import audit_record
from coop.models import AuditEvent
from members.models import BusinessRelation, Member, MemberSkill, Role, Skill
from members.selectors import CURRENT_COOP_SESSION_KEY
from tests.factories import ActiveMemberFactory, BusinessFactory, SkillFactory, UserFactory, business_with_contact

pytestmark = pytest.mark.django_db


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_member_list_searches_and_filters(client, coordinator, fatima, applicant):
    client.force_login(coordinator)
    page = client.get(reverse("office_member_list"), {"q": "Fatima"}).context["page"]
    assert list(page.object_list) == [fatima]
    page = client.get(reverse("office_member_list"), {"status": "applied"}).context["page"]
    assert list(page.object_list) == [applicant]
    page = client.get(reverse("office_member_list"), {"q": str(fatima.member_number)}).context["page"]
    assert fatima in page.object_list


def test_member_list_never_shows_another_coops_members(client, coordinator, fatima, jan):
    client.force_login(coordinator)
    page = client.get(reverse("office_member_list"), {"q": "Jan"}).context["page"]
    assert jan not in page.object_list
    assert list(client.get(reverse("office_member_list")).context["page"].object_list) == [fatima]


def test_member_list_costs_the_same_for_1_and_50_rows(client, coordinator, kanaleneiland):
    client.force_login(coordinator)
    ActiveMemberFactory(coop=kanaleneiland)
    url = reverse("office_member_list")
    _queries_for(client, url)
    one = _queries_for(client, url)
    ActiveMemberFactory.create_batch(49, coop=kanaleneiland)
    assert _queries_for(client, url) == one


def test_member_detail_shows_profile_skills_and_history(client, coordinator, fatima):
    skill = SkillFactory(name_en="Food hygiene", requires_certificate=True, certificate_name="HACCP")
    MemberSkill.objects.create(profile=fatima.profile, skill=skill, certificate_valid_until="2027-03-01")
    audit_record(actor=coordinator, action="member.paused", subject=fatima, data={"reason": "holiday"})
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.get(reverse("office_member_detail", args=[fatima.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Food hygiene" in body
    assert "holiday" in body


def test_coordinator_of_lunetten_gets_404_for_kanaleneiland_member(client, lunetten_coordinator, fatima):
    client.force_login(lunetten_coordinator)
    assert client.get(reverse("office_member_detail", args=[fatima.pk])).status_code == 404
    for name in ("office_member_status", "office_member_consent", "office_assisted_start"):
        response = client.post(reverse(name, args=[fatima.pk]), {"action": "pause", "reason": "x", "note": "x"})
        assert response.status_code == 404, name
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE and not fatima.has_assisted_consent


def test_board_member_of_lunetten_gets_404_for_kanaleneiland_member(client, lunetten, fatima):
    from tests.factories import staff_user

    board = staff_user(lunetten, Role.Kind.BOARD)
    client.force_login(board)
    assert client.get(reverse("office_member_detail", args=[fatima.pk])).status_code == 404


def test_service_centre_coordinator_sees_only_the_current_coop(client, kanaleneiland, lunetten, fatima, jan):
    user = UserFactory()
    Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, coop=kanaleneiland)
    Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, coop=lunetten)
    client.force_login(user)
    session = client.session
    session[CURRENT_COOP_SESSION_KEY] = lunetten.pk
    session.save()
    assert list(client.get(reverse("office_member_list")).context["page"].object_list) == [jan]
    assert client.get(reverse("office_member_detail", args=[fatima.pk])).status_code == 404
    session = client.session
    session[CURRENT_COOP_SESSION_KEY] = kanaleneiland.pk
    session.save()
    assert client.get(reverse("office_member_detail", args=[fatima.pk])).status_code == 200


def test_coordinator_pauses_and_resumes_with_reason(client, coordinator, fatima):
    client.force_login(coordinator)
    url = reverse("office_member_status", args=[fatima.pk])
    assert client.post(url, {"action": "pause", "reason": "Sick for a month"}).status_code == 302
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.PAUSED
    client.post(url, {"action": "resume", "reason": "Better"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE
    reasons = list(AuditEvent.objects.filter(subject_id=str(fatima.pk)).values_list("data__reason", flat=True))
    assert set(reasons) >= {"Sick for a month", "Better"}


def test_coordinator_status_change_needs_a_reason(client, coordinator, fatima):
    client.force_login(coordinator)
    response = client.post(reverse("office_member_status", args=[fatima.pk]), {"action": "leave", "reason": ""})
    assert response.status_code == 400
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE


def test_left_member_cannot_be_resumed_by_coordinator(client, coordinator, fatima):
    client.force_login(coordinator)
    url = reverse("office_member_status", args=[fatima.pk])
    client.post(url, {"action": "leave", "reason": "Moved away"})
    before = AuditEvent.objects.count()
    response = client.post(url, {"action": "resume", "reason": "oops"})
    assert response.status_code == 400
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.LEFT
    assert AuditEvent.objects.count() == before


def test_coordinator_records_consent_given_in_person(client, coordinator, fatima):
    client.force_login(coordinator)
    client.post(reverse("office_member_consent", args=[fatima.pk]), {"note": "Signed form at the desk, 21 Nov"})
    fatima.refresh_from_db()
    assert fatima.has_assisted_consent
    assert fatima.assisted_consent_note == "Signed form at the desk, 21 Nov"
    assert AuditEvent.objects.filter(action="member.consent_given", actor=coordinator).exists()


@pytest.mark.parametrize("persona", ["outsider", "fatima", "bakery"])
def test_non_staff_get_403_on_member_office_pages(client, request, persona, fatima, jan):
    obj = request.getfixturevalue(persona)
    client.force_login(getattr(obj, "user", None) or getattr(obj, "contact", None) or obj)
    for url in (
        reverse("office_member_list"),
        reverse("office_member_detail", args=[fatima.pk]),
        reverse("office_member_detail", args=[jan.pk]),
        reverse("office_business_list"),
        reverse("office_skill_list"),
        reverse("office_skill_create"),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("office_member_status", args=[jan.pk]), {"action": "pause", "reason": "x"}).status_code
        == 403
    )


# --- Businesses in the office ----------------------------------------------------------------


def test_business_list_shows_only_businesses_of_the_current_coop(client, coordinator, bakery, lunetten_shop):
    client.force_login(coordinator)
    assert list(client.get(reverse("office_business_list")).context["page"].object_list) == [bakery.business]
    assert client.get(reverse("office_business_detail", args=[bakery.business.pk])).status_code == 200
    assert client.get(reverse("office_business_detail", args=[lunetten_shop.business.pk])).status_code == 404


def test_business_working_with_both_coops_is_visible_to_both(
    client, coordinator, lunetten_coordinator, bakery, lunetten
):
    BusinessRelation.objects.create(business=bakery.business, coop=lunetten)
    for user in (coordinator, lunetten_coordinator):
        client.force_login(user)
        assert client.get(reverse("office_business_detail", args=[bakery.business.pk])).status_code == 200


def test_business_list_costs_the_same_for_1_and_50_rows(client, coordinator, kanaleneiland, fatima):
    client.force_login(coordinator)
    business_with_contact(kanaleneiland)
    url = reverse("office_business_list")
    _queries_for(client, url)
    one = _queries_for(client, url)
    for _ in range(49):
        business = BusinessFactory(run_by_member=fatima)
        BusinessRelation.objects.create(business=business, coop=kanaleneiland)
    assert _queries_for(client, url) == one


# --- Skills ----------------------------------------------------------------------------------


def test_coordinator_creates_edits_and_deactivates_a_skill(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("office_skill_create"),
        {
            "slug": "food-hygiene",
            "name_nl": "Voedselhygiëne",
            "name_en": "Food hygiene",
            "requires_certificate": "on",
            "certificate_name": "HACCP",
        },
    )
    assert response.status_code == 302
    skill = Skill.objects.get(slug="food-hygiene")
    assert skill.requires_certificate and skill.certificate_name == "HACCP" and skill.is_active
    client.post(
        reverse("office_skill_edit", args=[skill.pk]),
        {
            "slug": "food-hygiene",
            "name_nl": "Hygiëne",
            "name_en": "Food hygiene",
            "requires_certificate": "on",
            "certificate_name": "HACCP",
        },
    )
    skill.refresh_from_db()
    assert skill.name_nl == "Hygiëne" and not skill.is_active
    assert AuditEvent.objects.filter(action__in=["skill.created", "skill.changed"]).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"slug": "vca", "name_nl": "", "name_en": "Safety"}, "This field is required"),
        ({"slug": "vca", "name_nl": "VCA", "name_en": "Safety", "requires_certificate": "on"}, "which certificate"),
        ({"slug": "taken", "name_nl": "VCA", "name_en": "Safety"}, "already used"),
        ({"slug": "not a slug!", "name_nl": "VCA", "name_en": "Safety"}, "valid"),
    ],
)
def test_bad_skill_input_saves_nothing(client, coordinator, data, message):
    SkillFactory(slug="taken")
    before = (Skill.objects.count(), AuditEvent.objects.count())
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.post(reverse("office_skill_create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Skill.objects.count(), AuditEvent.objects.count()) == before


def test_skill_list_costs_the_same_for_1_and_50_rows(client, coordinator):
    client.force_login(coordinator)
    SkillFactory()
    url = reverse("office_skill_list")
    _queries_for(client, url)
    one = _queries_for(client, url)
    SkillFactory.create_batch(49)
    assert _queries_for(client, url) == one
