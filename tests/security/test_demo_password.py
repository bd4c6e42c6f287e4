"""The published demo password never logs anyone in when ENV=production (a demo database in production)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from members.adapters import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_user(fatima):  # type: ignore[no-untyped-def]
    """Fatima as a seeded demo account: the published password, a verified address."""
    fatima.user.set_password(DEMO_PASSWORD)
    fatima.user.save()
    EmailAddress.objects.update_or_create(
        user=fatima.user, email=fatima.user.email, defaults={"verified": True, "primary": True}
    )
    return fatima.user


def _login(client, email, password):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return client.post(reverse("account_login"), {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


@override_settings(PRODUCTION=True, ENV="production")
def test_demo_password_is_refused_at_login_in_production_with_a_way_out(client, demo_user):
    response = _login(client, demo_user.email, DEMO_PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "public demo password" in page
    assert "Forgot your password?" in page
    assert "_auth_user_id" not in client.session


@override_settings(PRODUCTION=True, ENV="production")
def test_demo_password_is_refused_for_an_unknown_address_in_the_same_words(client, demo_user):
    # Same answer whether the account exists or not: the refusal tells nothing about accounts.
    response = _login(client, "nobody@example.nl", DEMO_PASSWORD)
    assert "public demo password" in response.content.decode()


@override_settings(PRODUCTION=True, ENV="production")
def test_demo_password_never_authenticates_in_production_on_other_paths(rf, demo_user):
    # The Django admin's login goes through django.contrib.auth.authenticate, not allauth.
    assert authenticate(rf.post("/admin/login/"), username=demo_user.email, password=DEMO_PASSWORD) is None
    assert authenticate(rf.post("/admin/login/"), email=demo_user.email, password=DEMO_PASSWORD) is None


@override_settings(PRODUCTION=True, ENV="production")
def test_a_real_password_still_logs_in_in_production(client, demo_user):
    demo_user.set_password("a long real password 42")
    demo_user.save()
    response = _login(client, demo_user.email, "a long real password 42")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo_user.pk)


def test_demo_password_logs_in_in_development(client, demo_user):
    # The counterpart: proves the refusal above is about production, not about this account.
    response = _login(client, demo_user.email, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo_user.pk)


def test_demo_password_authenticates_on_other_paths_in_development(rf, demo_user):
    assert authenticate(rf.post("/admin/login/"), username=demo_user.email, password=DEMO_PASSWORD) == demo_user
