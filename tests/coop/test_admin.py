import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from coop.models import AuditEvent, Cooperative
from coop.rulebook.models import RuleValue, RuleVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)


def test_admin_has_no_door_to_make_a_rule_version(client, admin_user, kanaleneiland):
    """Only a decision of the members makes a version: not even a superuser can type one in the admin."""
    client.force_login(admin_user)
    before = (RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count())
    assert client.get(reverse("admin:rulebook_ruleversion_add")).status_code == 403
    assert client.post(reverse("admin:rulebook_ruleversion_add"), {"coop": kanaleneiland.pk}).status_code == 403
    with pytest.raises(NoReverseMatch):
        reverse("admin:rulebook_ruleversion_new_for_coop", args=[kanaleneiland.pk])
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


def test_coordinator_sees_only_the_rule_versions_of_their_own_coop(client, kanaleneiland, lunetten_coordinator):
    lunetten_coordinator.is_staff = True
    lunetten_coordinator.save()
    client.force_login(lunetten_coordinator)
    version = RuleVersion.objects.get(coop=kanaleneiland)
    assert client.get(reverse("admin:rulebook_ruleversion_change", args=[version.pk])).status_code == 302
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
