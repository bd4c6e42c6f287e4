"""The member portal: own details, worker profile, skills, pause/resume/leave, history and consent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from coop.models import AuditEvent
from members.models import Daypart, Member, MemberSkill, WorkerProfile, availability_bit
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    "member_home",
    "member_details",
    "member_profile",
    "member_skills",
    "member_status",
    "member_history",
    "member_consent",
]


def test_home_shows_status_and_next_step(client, fatima):
    client.force_login(fatima.user)
    with translation.override("en"):
        response = client.get(reverse("member_home"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello Fatima" in body
    assert "Fill in your work profile" in body


def test_applicant_home_says_to_wait(client, applicant):
    client.force_login(applicant.user)
    with translation.override("en"):
        body = client.get(reverse("member_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A coordinator looks at your application" in body


def test_member_changes_details_with_audit(client, fatima):
    client.force_login(fatima.user)
    response = client.post(
        reverse("member_details"),
        {
            "phone": "030 123 4567",
            "iban": "NL91ABNA0417164300",
            "postcode": "3527 tk",
            "house_number": "3",
            "languages": ["nl", "en"],
        },
    )
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert (fatima.phone, fatima.iban, fatima.postcode, fatima.languages) == (
        "+31301234567",
        "NL91ABNA0417164300",
        "3527TK",
        ["nl", "en"],
    )
    event = AuditEvent.objects.get(action="member.details_changed")
    assert event.actor == fatima.user and event.on_behalf_of is None
    assert event.data["iban"] == {"old": "…6789", "new": "…4300"}  # never the full account number


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "NL00ABNA0417164300", "IBAN is not correct"),
        ("phone", "0612", "Dutch phone number"),
        ("postcode", "ABCD 12", "Dutch postcode"),
        ("languages", ["klingon"], "valid choice"),
    ],
)
def test_bad_details_change_nothing(client, fatima, field, value, message):
    client.force_login(fatima.user)
    data = {
        "phone": "0612345678",
        "iban": "NL91ABNA0417164300",
        "postcode": "3526KL",
        "house_number": "1",
        "languages": ["nl"],
        field: value,
    }
    before = (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count())
    with translation.override("en"):
        response = client.post(reverse("member_details"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count()) == before


def _profile_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"target_hours_per_week": "20", "monthly_earnings_cap": "", "max_travel": "cycling"}
    data.update(overrides)
    return data


def test_availability_grid_becomes_the_mask(client, fatima):
    client.force_login(fatima.user)
    response = client.post(
        reverse("member_profile"),
        _profile_data(
            available_0_0="on",
            available_2_2="on",
            available_6_1="on",
            monthly_earnings_cap="650.50",
            max_travel="neighbourhood",
            target_hours_per_week="12",
        ),
    )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(member=fatima)
    assert profile.availability_mask == (
        availability_bit(0, Daypart.MORNING)
        | availability_bit(2, Daypart.EVENING)
        | availability_bit(6, Daypart.AFTERNOON)
    )
    assert profile.is_available(2, Daypart.EVENING) and not profile.is_available(2, Daypart.MORNING)
    assert profile.monthly_earnings_cap.amount == Decimal("650.50")
    assert profile.target_hours_per_week == 12 and profile.max_travel == "neighbourhood"
    assert AuditEvent.objects.filter(action="member.profile_changed", actor=fatima.user).exists()
    # The page shows the saved grid again.
    page = client.get(reverse("member_profile"))
    assert page.context["form"].initial["available_2_2"] is True


@pytest.mark.parametrize(
    "overrides",
    [
        {"target_hours_per_week": "-1"},
        {"target_hours_per_week": "200"},
        {"monthly_earnings_cap": "-5"},
        {"monthly_earnings_cap": "lots"},
        {"max_travel": "by plane"},
    ],
)
def test_bad_profile_input_changes_nothing(client, fatima, overrides):
    client.force_login(fatima.user)
    before = (WorkerProfile.objects.values().get(member=fatima), AuditEvent.objects.count())
    assert client.post(reverse("member_profile"), _profile_data(**overrides)).status_code == 400
    assert (WorkerProfile.objects.values().get(member=fatima), AuditEvent.objects.count()) == before


def test_skills_with_certificate_dates(client, fatima):
    hygiene = SkillFactory(slug="food-hygiene", requires_certificate=True, certificate_name="HACCP")
    cleaning = SkillFactory(slug="cleaning")
    client.force_login(fatima.user)
    response = client.post(
        reverse("member_skills"),
        {
            f"skill_{hygiene.pk}": "on",
            f"valid_until_{hygiene.pk}": "2030-01-31",
            f"skill_{cleaning.pk}": "on",
        },
    )
    assert response.status_code == 302
    skills = {ms.skill.slug: ms.certificate_valid_until for ms in MemberSkill.objects.filter(profile__member=fatima)}
    assert skills == {"food-hygiene": dt.date(2030, 1, 31), "cleaning": None}
    # Untick one: it is removed.
    client.post(reverse("member_skills"), {f"skill_{hygiene.pk}": "on", f"valid_until_{hygiene.pk}": "2030-01-31"})
    assert list(MemberSkill.objects.filter(profile__member=fatima).values_list("skill__slug", flat=True)) == [
        "food-hygiene"
    ]


@pytest.mark.parametrize(("valid_until", "message"), [("", "needs a certificate"), ("2001-01-01", "has expired")])
def test_certificate_skill_needs_a_valid_date(client, fatima, valid_until, message):
    hygiene = SkillFactory(slug="food-hygiene", requires_certificate=True, certificate_name="HACCP")
    client.force_login(fatima.user)
    with translation.override("en"):
        response = client.post(
            reverse("member_skills"),
            {f"skill_{hygiene.pk}": "on", f"valid_until_{hygiene.pk}": valid_until},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MemberSkill.objects.exists()


def test_member_pauses_resumes_and_leaves_with_history_kept(client, fatima):
    client.force_login(fatima.user)
    url = reverse("member_status")
    client.post(url, {"action": "pause", "reason": "Holiday"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.PAUSED
    client.post(url, {"action": "resume"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE
    client.post(url, {"action": "leave", "reason": "Moving"})
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.LEFT
    # A member who left cannot come back through resume.
    response = client.post(url, {"action": "resume"})
    assert response.status_code == 400
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.LEFT
    history = client.get(reverse("member_history")).context["audit_events"]
    assert [e.action for e in history] == ["member.left", "member.resumed", "member.paused"]


def test_unknown_status_action_changes_nothing(client, fatima):
    client.force_login(fatima.user)
    assert client.post(reverse("member_status"), {"action": "admit"}).status_code == 400
    fatima.refresh_from_db()
    assert fatima.status == Member.Status.ACTIVE


def test_member_who_left_cannot_edit_details(client, fatima):
    fatima.status = Member.Status.LEFT
    fatima.save()
    client.force_login(fatima.user)
    response = client.post(
        reverse("member_details"),
        {"phone": "0611111111", "iban": "NL91ABNA0417164300", "postcode": "3526KL", "house_number": "1"},
    )
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.phone == "0612345678"


def test_member_gives_and_withdraws_consent(client, fatima):
    client.force_login(fatima.user)
    client.post(reverse("member_consent_change"), {"consent": "give"})
    fatima.refresh_from_db()
    assert fatima.has_assisted_consent
    assert fatima.assisted_consent_note
    client.post(reverse("member_consent_change"), {"consent": "withdraw"})
    fatima.refresh_from_db()
    assert not fatima.has_assisted_consent
    actions = list(
        AuditEvent.objects.filter(subject_id=str(fatima.pk), action__startswith="member.").values_list(
            "action", flat=True
        )
    )
    assert set(actions) == {"member.consent_given", "member.consent_withdrawn"}


@pytest.mark.parametrize("name", MEMBER_PAGES)
@pytest.mark.parametrize("persona", ["outsider", "bakery", "coordinator"])
def test_non_members_get_403_on_member_pages(client, request, persona, name, fatima):
    obj = request.getfixturevalue(persona)
    client.force_login(getattr(obj, "contact", None) or obj)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name", ["member_details", "member_profile", "member_skills", "member_status", "member_consent_change"]
)
def test_outsider_posts_change_nothing(client, outsider, fatima, name):
    client.force_login(outsider)
    before = (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count())
    assert client.post(reverse(name), {"action": "leave", "consent": "give", "phone": "0611111111"}).status_code == 403
    assert (Member.objects.values().get(pk=fatima.pk), AuditEvent.objects.count()) == before


def test_member_pages_show_only_own_data(client, fatima, jan):
    Member.objects.filter(pk=fatima.pk).update(iban="NL91ABNA0417164300")
    client.force_login(jan.user)
    body = client.get(reverse("member_details")).content.decode()
    assert "NL91ABNA0417164300" not in body
    assert client.get(reverse("member_home")).context["member"] == jan


def test_anonymous_is_sent_to_login(client, fatima):
    response = client.get(reverse("member_home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_other_apps_can_add_a_widget_to_the_member_home(client, fatima, tmp_path, settings):
    from members import portal_widgets

    (tmp_path / "widget_test.html").write_text("<p>Offers for {{ member.first_name }}: {{ widget.count }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    portal_widgets.member_widget_register(template="widget_test.html", context=lambda request, member: {"count": 3})
    try:
        client.force_login(fatima.user)
        assert "Offers for Fatima: 3" in client.get(reverse("member_home")).content.decode()
    finally:
        portal_widgets._MEMBER_WIDGETS.pop("widget_test.html")
