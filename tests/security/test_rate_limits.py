"""Per-IP rate limits on the public sign-up forms, and API throttling per token and per IP."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from members.middleware import rate_parse
from tests.members.conftest import application_data, business_data, db_snapshot

pytestmark = pytest.mark.django_db

LIMITS = {"member_apply": "3/h", "business_register": "2/h"}


def _post(client, name, data, ip="203.0.113.7"):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return client.post(reverse(name), data, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


@override_settings(FORM_RATE_LIMITS=LIMITS)
@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("member_apply", application_data, lambda: {**application_data(), "postcode": "99999"}),
        ("business_register", business_data, lambda: {**business_data(), "kvk_number": "1"}),
    ],
    ids=["apply", "business-register"],
)
def test_too_many_posts_from_one_address_get_a_translated_429_and_store_nothing(client, kanaleneiland, name, good, bad):
    allowed, _seconds = rate_parse(LIMITS[name])
    before = db_snapshot()
    for _ in range(allowed):
        assert _post(client, name, bad()).status_code == 200  # refused by the form, but counted
    blocked = _post(client, name, good())
    assert blocked.status_code == 429
    assert "This form was sent too often" in blocked.content.decode()
    assert "form_rate_limited" in " ".join(t.name or "" for t in blocked.templates)
    assert db_snapshot() == before
    # Another address is not blocked: the same good data goes through.
    assert _post(client, name, good(), ip="198.51.100.9").status_code == 302
    assert db_snapshot() != before


@override_settings(FORM_RATE_LIMITS=LIMITS)
def test_showing_the_form_is_not_counted(client, kanaleneiland):
    for _ in range(10):
        assert client.get(reverse("member_apply"), REMOTE_ADDR="203.0.113.7").status_code == 200
    assert _post(client, "member_apply", application_data()).status_code == 302


def test_the_dutch_page_says_it_in_dutch(client, kanaleneiland, settings):
    settings.FORM_RATE_LIMITS = {"member_apply": "1/h"}
    client.post(reverse("member_apply"), {}, REMOTE_ADDR="203.0.113.7")
    with translation.override("nl"):
        response = client.post(reverse("member_apply"), {}, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 429
    assert '<html lang="nl"' in response.content.decode()


def test_limits_come_from_settings_with_defaults():
    from django.conf import settings

    assert set(settings.FORM_RATE_LIMITS) == {"member_apply", "business_register"}
    for rate in settings.FORM_RATE_LIMITS.values():
        assert rate_parse(rate)[0] > 0


# --- API throttling ----------------------------------------------------------------------------
@pytest.fixture
def low_api_rates(monkeypatch):  # type: ignore[no-untyped-def]
    # DRF binds DEFAULT_THROTTLE_RATES to the throttle classes at import; lower them in place.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/min")


def test_api_calls_past_the_limit_of_one_token_get_429(client, fatima, bakery, low_api_rates):
    token = Token.objects.create(user=fatima.user)
    other = Token.objects.create(user=bakery.contact)
    url = reverse("me_api")
    for _ in range(3):
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 429
    assert "Retry-After" in response
    # Per token: another business's token from the same address is not blocked.
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 200


def test_anonymous_api_calls_past_the_limit_of_one_address_get_429(client, low_api_rates):
    url = reverse("api_schema")
    for _ in range(2):
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(url, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_api_throttles_are_configured_in_settings():
    from django.conf import settings

    rest = settings.REST_FRAMEWORK
    assert "rest_framework.throttling.UserRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert "rest_framework.throttling.AnonRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert set(rest["DEFAULT_THROTTLE_RATES"]) == {"user", "anon"}
