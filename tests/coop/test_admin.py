import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from coop.models import AuditEvent, Cooperative
from coop.rulebook.forms import RuleVersionNewForm
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import rule_value, rule_version_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)


def new_version_data(coop, **overrides):
    latest = RuleVersion.objects.filter(coop=coop).order_by("-number").first()
    assert latest is not None
    form = RuleVersionNewForm(coop=coop, current=rule_version_values(latest))
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update({"effective_from": "2026-04-01", "source": "general_meeting", "note": "ALV 20 March"})
    data.update(overrides)
    return data


def test_new_version_in_admin_changes_only_what_was_changed(client, admin_user, kanaleneiland):
    client.force_login(admin_user)
    url = reverse("admin:rulebook_ruleversion_new_for_coop", args=[kanaleneiland.pk])
    response = client.post(
        url, new_version_data(kanaleneiland, fund_share_percent="45.00", member_wage_hourly__care="16.25")
    )
    assert response.status_code == 302
    version = RuleVersion.objects.get(coop=kanaleneiland, number=2)
    assert version.created_by == admin_user
    assert rule_value(kanaleneiland, "fund_share_percent", on=dt.date(2026, 4, 1)) == Decimal("45.00")
    assert rule_value(kanaleneiland, "member_wage_hourly", on=dt.date(2026, 4, 1))["care"] == Decimal("16.25")
    event = AuditEvent.objects.get(action="rulebook.version_created", subject_id=str(version.pk))
    assert set(event.data["changes"]) == {"fund_share_percent", "member_wage_hourly"}


@pytest.mark.parametrize(
    ("overrides", "error_field"),
    [
        ({"fund_share_percent": "150"}, "fund_share_percent"),
        ({"max_hours_per_week": "lots"}, "max_hours_per_week"),
        ({"member_wage_hourly__default": "9.00"}, None),  # below the statutory minimum wage
        ({"effective_from": "2024-01-01", "fund_share_percent": "45"}, None),  # before the latest version
        ({}, None),  # nothing changed
    ],
)
def test_bad_new_version_shows_form_errors_and_saves_nothing(client, admin_user, kanaleneiland, overrides, error_field):
    client.force_login(admin_user)
    before = (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count())
    url = reverse("admin:rulebook_ruleversion_new_for_coop", args=[kanaleneiland.pk])
    response = client.post(url, new_version_data(kanaleneiland, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if error_field:
        assert error_field in form.errors
    else:
        assert form.non_field_errors()
    assert (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count()) == before


def test_rule_versions_cannot_be_changed_or_deleted_in_admin(client, admin_user, kanaleneiland):
    client.force_login(admin_user)
    version = RuleVersion.objects.get(coop=kanaleneiland)
    change_url = reverse("admin:rulebook_ruleversion_change", args=[version.pk])
    assert client.get(change_url).status_code == 200  # visible, read-only
    assert client.post(change_url, {"note": "edited"}).status_code == 403
    assert (
        client.post(reverse("admin:rulebook_ruleversion_delete", args=[version.pk]), {"post": "yes"}).status_code == 403
    )
    assert client.get(reverse("admin:rulebook_ruleversion_add")).status_code == 403
    version.refresh_from_db()
    assert version.note != "edited"


def test_coordinator_cannot_start_a_version_for_another_coop(client, kanaleneiland, lunetten_coordinator):
    lunetten_coordinator.is_staff = True
    lunetten_coordinator.save()
    client.force_login(lunetten_coordinator)
    url = reverse("admin:rulebook_ruleversion_new_for_coop", args=[kanaleneiland.pk])
    assert client.get(url).status_code == 404
    changelist = client.get(reverse("admin:rulebook_ruleversion_changelist"))
    assert changelist.status_code == 200
    assert {v.coop.slug for v in changelist.context["cl"].queryset} == {"lunetten"}


def test_audit_events_are_read_only_in_admin(client, admin_user, kanaleneiland):
    client.force_login(admin_user)
    event = AuditEvent.objects.filter(coop=kanaleneiland).first()
    assert event is not None
    url = reverse("admin:coop_auditevent_change", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "x"}).status_code == 403
    assert client.post(reverse("admin:coop_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403


def test_cooperative_added_in_admin_gets_its_founding_rulebook(client, admin_user):
    client.force_login(admin_user)
    data = {
        "name": "Overvecht",
        "slug": "overvecht",
        "legal_name": "Wijkcoöperatie Overvecht U.A.",
        "kvk_number": "91234567",
        "vat_id": "NL000099998B57",
        "iban": "NL91ABNA0417164300",
        "bic": "",
        "street": "Zamenhofdreef 1",
        "postcode": "3562JT",
        "city": "Utrecht",
        "email": "info@overvecht.example.nl",
        "phone": "",
        "website": "overvecht.example.nl",  # typed without a scheme
        "postcode_areas": '["3561", "3562"]',
        "invoice_prefix": "OVV",
        "wtta_number": "",
        "primary_color": "#2d6a4f",
        "accent_color": "#f4a261",
        "founded_on": "2026-01-01",
    }
    response = client.post(reverse("admin:coop_cooperative_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    coop = Cooperative.objects.get(slug="overvecht")
    assert coop.website == "https://overvecht.example.nl"
    version = RuleVersion.objects.get(coop=coop)
    assert (version.number, version.effective_from, version.source) == (1, dt.date(2026, 1, 1), "founding")
    assert AuditEvent.objects.filter(action="coop.created", coop=coop, actor=admin_user).exists()
