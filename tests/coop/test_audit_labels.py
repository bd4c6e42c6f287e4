"""History pages say what happened in words, in the reader's language, for every action the code writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coop.audit_labels import ACTION_LABELS, audit_action_label

LITERAL_ACTION = re.compile(r'action="([a-z_]+\.[a-z_.]+)"')
APPS = ("coop", "members", "jobs", "invoicing")


def test_every_literal_action_in_the_code_has_a_label():
    found = set()
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            found |= set(LITERAL_ACTION.findall(path.read_text(encoding="utf-8")))
    assert found, "the scan found no actions: the pattern is wrong"
    assert sorted(found - set(ACTION_LABELS)) == []


def test_label_is_translated_and_unknown_action_shows_its_code():
    with translation.override("nl"):
        assert audit_action_label("member.admitted") == "Toegelaten als lid"
    with translation.override("en"):
        assert audit_action_label("member.admitted") == "Admitted as a member"
    assert audit_action_label("something.new") == "something.new"


@pytest.mark.django_db
def test_member_history_page_shows_words_not_codes(client, coordinator, applicant):
    client.force_login(coordinator)
    response = client.post(
        reverse("office_application_detail", args=[applicant.pk]), {"decision": "admit", "share_capital": "paid"}
    )
    assert response.status_code in (200, 302)
    applicant.refresh_from_db()
    assert applicant.status == "active"
    client.force_login(applicant.user)
    with translation.override("nl"):
        html = client.get(reverse("member_history")).content.decode()
    assert "Toegelaten als lid" in html
    assert "member.admitted" not in html
