"""After login, `portal_home` sends each person to the portal that fits them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("coordinator", "office_home"),
        ("board_member", "office_home"),
        ("fatima", "member_home"),
        ("applicant", "member_home"),
        ("bakery", "business_home"),
        ("outsider", "home"),
    ],
)
def test_portal_home_redirects_to_the_right_portal(client, request, persona, target):
    obj = request.getfixturevalue(persona)
    client.force_login(getattr(obj, "contact", None) or getattr(obj, "user", None) or obj)
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_anonymous_portal_home_asks_to_log_in(client, db):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
