"""Every admin write of people's data leaves an audit row with old and new, or is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEvent
from members.models import Business, BusinessRelation, MemberSkill, Role, User
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_coordinator(coordinator):
    coordinator.is_staff = True
    coordinator.save()
    return coordinator


@pytest.fixture
def staff_outsider(outsider):
    """Admin access switched on, but no role in any coop."""
    outsider.is_staff = True
    outsider.save()
    return outsider


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _user_post_data(user: User, **overrides: object) -> dict[str, object]:
    now = timezone.localtime(user.date_joined)
    data: dict[str, object] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "groups": [],
        "user_permissions": [],
        "date_joined_0": now.date().isoformat(),
        "date_joined_1": now.time().strftime("%H:%M:%S"),
        "_save": "Save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def _profile_post_data(profile, forms: list[dict[str, str]], initial: int) -> dict[str, str]:
    data = {
        "target_hours_per_week": str(profile.target_hours_per_week),
        "monthly_earnings_cap_0": "",
        "monthly_earnings_cap_1": "EUR",
        "max_travel": profile.max_travel,
        "availability_mask": str(profile.availability_mask),
        "member_skills-TOTAL_FORMS": str(len(forms)),
        "member_skills-INITIAL_FORMS": str(initial),
        "member_skills-MIN_NUM_FORMS": "0",
        "member_skills-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, form in enumerate(forms):
        data.update({f"member_skills-{i}-{k}": v for k, v in form.items()})
    return data


# --- Roles --------------------------------------------------------------------------------------


def test_granting_a_role_in_the_admin_goes_through_the_service_and_is_audited(client, superuser, kanaleneiland):
    newcomer = UserFactory(email="nieuw@example.nl")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_role_add"),
        {"user": newcomer.pk, "kind": "coordinator", "coop": kanaleneiland.pk, "business": "", "_save": "Save"},
    )
    assert response.status_code == 302
    role = Role.objects.get(user=newcomer)
    event = AuditEvent.objects.get(action="role.granted")
    assert (event.actor, event.coop, event.subject_id) == (superuser, kanaleneiland, str(role.pk))
    assert event.data == {"user": "nieuw@example.nl", "kind": "coordinator", "coop": "kanaleneiland", "business": None}


@pytest.mark.parametrize(
    ("kind", "with_coop", "message"),
    [
        ("coordinator", False, "belongs to a coop"),
        ("business_contact", True, "belongs to a business"),
        ("board", True, "already has this role"),
    ],
)
def test_a_role_that_does_not_fit_is_refused_and_nothing_changes(
    client, superuser, kanaleneiland, board_member, bakery, kind, with_coop, message
):
    client.force_login(superuser)
    before = (list(Role.objects.values()), _actions())
    response = client.post(
        reverse("admin:members_role_add"),
        {
            "user": board_member.pk,
            "kind": kind,
            "coop": kanaleneiland.pk if with_coop else "",
            "business": "" if with_coop else bakery.business.pk,
            "_save": "Save",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (list(Role.objects.values()), _actions()) == before


def test_revoking_a_role_in_the_admin_is_audited(client, superuser, coordinator, kanaleneiland):
    role = Role.objects.get(user=coordinator)
    client.force_login(superuser)
    response = client.post(reverse("admin:members_role_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.get(action="role.revoked")
    assert (event.actor, event.coop, event.subject_id) == (superuser, kanaleneiland, str(role.pk))
    assert event.data["user"] == coordinator.email


def test_revoking_roles_in_bulk_audits_each_one(client, superuser, coordinator, board_member):
    roles = list(Role.objects.filter(user__in=[coordinator, board_member]).order_by("pk"))
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_role_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in roles], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Role.objects.filter(pk__in=[r.pk for r in roles]).exists()
    revoked = AuditEvent.objects.filter(action="role.revoked").order_by("id")
    assert [e.subject_id for e in revoked] == [str(r.pk) for r in roles]


def test_a_role_cannot_be_edited_in_place(client, superuser, coordinator, lunetten):
    role = Role.objects.get(user=coordinator)
    client.force_login(superuser)
    before = (list(Role.objects.values()), _actions())
    url = reverse("admin:members_role_change", args=[role.pk])
    assert client.get(url).status_code == 200  # visible, read-only
    response = client.post(url, {"user": coordinator.pk, "kind": "board", "coop": lunetten.pk, "_save": "Save"})
    assert response.status_code == 403
    assert (list(Role.objects.values()), _actions()) == before


@pytest.mark.parametrize("persona", ["staff_coordinator", "staff_outsider"])
def test_only_the_superuser_gives_or_takes_roles(client, request, persona, coordinator, kanaleneiland):
    user = request.getfixturevalue(persona)
    role = Role.objects.get(user=coordinator)
    client.force_login(user)
    before = (list(Role.objects.values()), _actions())
    add = client.post(
        reverse("admin:members_role_add"),
        {"user": user.pk, "kind": "board", "coop": kanaleneiland.pk, "business": "", "_save": "Save"},
    )
    delete = client.post(reverse("admin:members_role_delete", args=[role.pk]), {"post": "yes"})
    assert add.status_code == 403
    assert delete.status_code in (302, 403)  # 302: the admin's "not found" redirect for an unseen row
    assert (list(Role.objects.values()), _actions()) == before


# --- Users: admin access, groups and permissions ------------------------------------------------


def test_giving_admin_access_and_permissions_is_audited_with_old_and_new(client, superuser, coordinator):
    group = Group.objects.create(name="Service desk")
    perm = Permission.objects.get(codename="view_auditevent")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_user_change", args=[coordinator.pk]),
        _user_post_data(coordinator, is_staff="on", groups=[group.pk], user_permissions=[perm.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    coordinator.refresh_from_db()
    assert coordinator.is_staff and list(coordinator.groups.all()) == [group]
    event = AuditEvent.objects.get(action="user.access_changed")
    assert event.actor == superuser and event.subject_id == str(coordinator.pk)
    assert event.data == {
        "is_staff": {"old": False, "new": True},
        "groups": {"old": [], "new": ["Service desk"]},
        "user_permissions": {"old": [], "new": ["coop.view_auditevent"]},
    }
    assert not AuditEvent.objects.filter(action="user.details_changed").exists()


def test_making_someone_superuser_and_switching_a_login_off_are_audited(client, superuser, outsider):
    client.force_login(superuser)
    client.post(
        reverse("admin:members_user_change", args=[outsider.pk]),
        _user_post_data(outsider, is_superuser="on", is_staff="on"),
    )
    client.post(
        reverse("admin:members_user_change", args=[outsider.pk]),
        _user_post_data(outsider, is_active=False, first_name="Otto B."),
    )
    events = list(AuditEvent.objects.filter(subject_id=str(outsider.pk)).order_by("id"))
    assert [e.action for e in events] == ["user.access_changed", "user.details_changed", "user.access_changed"]
    assert events[0].data["is_superuser"] == {"old": False, "new": True}
    assert events[1].data == {"first_name": {"old": "Otto", "new": "Otto B."}}
    assert events[2].data == {
        "is_active": {"old": True, "new": False},
        "is_staff": {"old": True, "new": False},
        "is_superuser": {"old": True, "new": False},
    }


def test_a_login_made_in_the_admin_is_audited(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_user_add"),
        {"email": "Nieuw@Example.nl", "password1": "Wijk-werk-2026!", "password2": "Wijk-werk-2026!", "_save": "Save"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="nieuw@example.nl")
    assert user.check_password("Wijk-werk-2026!") and not user.is_staff
    assert AuditEvent.objects.get(action="user.created").subject_id == str(user.pk)


def test_a_password_set_in_the_admin_is_audited_without_the_password(client, superuser, outsider):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[outsider.pk]),
        {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.check_password("Nieuw-wachtwoord-2026")
    event = AuditEvent.objects.get(action="user.password_set_by_admin")
    assert event.subject_id == str(outsider.pk) and event.data == {}


def test_users_cannot_be_deleted_in_the_admin(client, superuser, outsider):
    client.force_login(superuser)
    response = client.post(reverse("admin:members_user_delete", args=[outsider.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=outsider.pk).exists()


@pytest.mark.parametrize("persona", ["staff_coordinator", "staff_outsider"])
def test_only_the_superuser_changes_users_in_the_admin(client, request, persona, fatima):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    before = (User.objects.values("is_staff", "is_superuser").get(pk=fatima.user.pk), _actions())
    response = client.post(
        reverse("admin:members_user_change", args=[fatima.user.pk]),
        _user_post_data(fatima.user, is_staff="on", is_superuser="on"),
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")  # "does not exist": never a saved change
    assert (User.objects.values("is_staff", "is_superuser").get(pk=fatima.user.pk), _actions()) == before


def test_changing_a_groups_permissions_is_audited_and_groups_are_not_deleted(client, superuser):
    group = Group.objects.create(name="Helpdesk")
    perm = Permission.objects.get(codename="view_member")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "Helpdesk", "permissions": [perm.pk]}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="group.changed")
    assert event.data == {"permissions": {"old": [], "new": ["members.view_member"]}}
    assert client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


# --- A member's skills (the inline on the worker profile) ---------------------------------------


def test_member_skills_edited_in_the_admin_go_through_the_service(client, staff_coordinator, fatima):
    profile = fatima.profile
    cooking, first_aid = (
        SkillFactory(slug="cooking"),
        SkillFactory(slug="first-aid", requires_certificate=True, certificate_name="EHBO"),
    )
    old = MemberSkill.objects.create(profile=profile, skill=cooking)
    valid_until = timezone.localdate() + dt.timedelta(days=300)
    client.force_login(staff_coordinator)
    response = client.post(
        reverse("admin:members_workerprofile_change", args=[profile.pk]),
        _profile_post_data(
            profile,
            [
                {"id": str(old.pk), "profile": str(profile.pk), "skill": str(cooking.pk), "DELETE": "on"},
                {"profile": str(profile.pk), "skill": str(first_aid.pk), "certificate_valid_until": str(valid_until)},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(MemberSkill.objects.filter(profile=profile).values_list("skill__slug", flat=True)) == ["first-aid"]
    event = AuditEvent.objects.get(action="member.skills_changed")
    assert (event.actor, event.coop) == (staff_coordinator, fatima.coop)
    assert event.data == {"old": {str(cooking.pk): None}, "new": {str(first_aid.pk): str(valid_until)}}


def test_an_expired_certificate_in_the_admin_is_refused_and_nothing_changes(client, staff_coordinator, fatima):
    profile = fatima.profile
    first_aid = SkillFactory(slug="first-aid", requires_certificate=True, certificate_name="EHBO")
    client.force_login(staff_coordinator)
    before = (list(MemberSkill.objects.values()), _actions())
    response = client.post(
        reverse("admin:members_workerprofile_change", args=[profile.pk]),
        _profile_post_data(
            profile,
            [{"profile": str(profile.pk), "skill": str(first_aid.pk), "certificate_valid_until": "2020-01-01"}],
            initial=0,
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    assert (list(MemberSkill.objects.values()), _actions()) == before


def test_worker_profile_change_in_the_admin_records_old_and_new(client, staff_coordinator, fatima):
    profile = fatima.profile
    client.force_login(staff_coordinator)
    data = _profile_post_data(profile, [], initial=0)
    data["target_hours_per_week"] = str(profile.target_hours_per_week + 4)
    assert client.post(reverse("admin:members_workerprofile_change", args=[profile.pk]), data).status_code == 302
    event = AuditEvent.objects.get(action="workerprofile.admin_changed")
    assert event.coop == fatima.coop
    assert event.data == {
        "target_hours_per_week": {"old": profile.target_hours_per_week, "new": profile.target_hours_per_week + 4}
    }


# --- Businesses ---------------------------------------------------------------------------------


def test_business_relations_and_new_businesses_cannot_be_made_in_the_admin(client, superuser, bakery, lunetten):
    client.force_login(superuser)
    b = bakery.business
    before = (list(BusinessRelation.objects.values()), Business.objects.count(), _actions())
    assert client.get(reverse("admin:members_business_add")).status_code == 403
    data = {
        "legal_name": b.legal_name,
        "trade_name": b.trade_name,
        "vat_id": b.vat_id,
        "street": b.street,
        "postcode": b.postcode,
        "city": b.city,
        "billing_email": b.billing_email,
        "phone": b.phone,
        "payment_term_days": "",
        "relations-TOTAL_FORMS": "1",
        "relations-INITIAL_FORMS": "0",
        "relations-0-coop": str(lunetten.pk),
        "relations-0-status": "active",
        "relations-0-since": "2026-01-01",
        "_save": "Save",
    }
    client.post(reverse("admin:members_business_change", args=[b.pk]), data)
    assert (list(BusinessRelation.objects.values()), Business.objects.count(), _actions()) == before


# --- Outsiders ----------------------------------------------------------------------------------

CHANGED_ADMIN_PAGES = [
    ("admin:members_member_changelist", None),
    ("admin:members_workerprofile_changelist", None),
    ("admin:members_business_changelist", None),
    ("admin:members_skill_add", None),
    ("admin:members_role_add", None),
    ("admin:members_user_add", None),
    ("admin:auth_group_add", None),
    ("admin:coop_cooperative_add", None),
]


@pytest.mark.parametrize(("name", "args"), CHANGED_ADMIN_PAGES)
def test_staff_outsider_gets_403_on_each_changed_admin_page(client, staff_outsider, kanaleneiland, name, args):
    client.force_login(staff_outsider)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), CHANGED_ADMIN_PAGES)
def test_non_staff_is_sent_to_the_admin_login_from_each_changed_page(client, outsider, name, args):
    client.force_login(outsider)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_staff_outsider_cannot_open_a_coops_records_in_the_admin(client, staff_outsider, fatima, bakery):
    client.force_login(staff_outsider)
    for url in (
        reverse("admin:members_member_change", args=[fatima.pk]),
        reverse("admin:members_workerprofile_change", args=[fatima.profile.pk]),
        reverse("admin:members_business_change", args=[bakery.business.pk]),
    ):
        assert client.get(url).status_code == 403, url
