"""The page frame: language switch, coop name and switch, assisted-mode banner, public home."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.middleware import SESSION_KEY as ASSISTED_SESSION_KEY
from members.models import Role
from members.selectors import CURRENT_COOP_SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "account_login"])
def test_pages_are_dutch_by_default_and_english_after_the_switch(client, kanaleneiland, url_name):
    url = reverse(url_name)
    dutch = client.get(url)
    assert dutch.status_code == 200
    assert '<html lang="nl"' in dutch.content.decode()
    assert 'name="language" value="en"' in dutch.content.decode()  # the switch is on the page

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == url

    english = client.get(url).content.decode()
    assert '<html lang="en"' in english
    assert 'name="language" value="nl"' in english
    assert "Log in" in english


def test_language_switch_ignores_an_outside_next_url(client, kanaleneiland):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code in (204, 302)
    if response.status_code == 302:
        assert "evil.example" not in response["Location"]


def test_one_coop_installation_shows_its_name_and_no_federation(client, kanaleneiland):
    page = client.get(reverse("home")).content.decode()
    assert "Kanaleneiland" in page
    assert kanaleneiland.legal_name in page
    assert "Lunetten" not in page
    assert 'name="coop"' not in page


def test_several_coops_show_their_neighbourhoods_to_visitors(client, kanaleneiland, lunetten):
    page = client.get(reverse("home")).content.decode()
    assert "Kanaleneiland" in page and "Lunetten" in page
    assert "3523" in page


def test_home_points_to_applying_and_registering(client, kanaleneiland):
    page = client.get(reverse("home")).content.decode()
    assert reverse("member_apply") in page
    assert reverse("business_register") in page
    assert reverse("account_login") in page


def test_coop_theme_colours_are_on_the_page_and_unsafe_colours_are_refused(client, kanaleneiland):
    kanaleneiland.primary_color = "#2d6a4f"
    kanaleneiland.save()
    assert "--wijkwerk-primary: #2d6a4f" in client.get(reverse("home")).content.decode()
    kanaleneiland.primary_color = "red;}"
    kanaleneiland.save()
    page = client.get(reverse("home")).content.decode()
    assert "red;}" not in page
    assert "--wijkwerk-primary: #1f5e8c" in page


@pytest.fixture
def two_coop_coordinator(coordinator, lunetten):
    Role.objects.create(user=coordinator, kind=Role.Kind.COORDINATOR, coop=lunetten)
    return coordinator


def test_staff_of_two_coops_switch_between_them(client, two_coop_coordinator, kanaleneiland, lunetten):
    client.force_login(two_coop_coordinator)
    page = client.get(reverse("home")).content.decode()
    assert 'name="coop"' in page
    response = client.post(reverse("coop_switch"), {"coop": lunetten.pk, "next": "/office/"})
    assert response.status_code == 302
    assert response["Location"] == "/office/"
    assert client.session[CURRENT_COOP_SESSION_KEY] == lunetten.pk


def test_coop_switch_refuses_a_coop_the_user_does_not_staff(client, coordinator, kanaleneiland, lunetten):
    client.force_login(coordinator)
    response = client.post(reverse("coop_switch"), {"coop": lunetten.pk, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert CURRENT_COOP_SESSION_KEY not in client.session
    assert 'name="coop"' not in client.get(reverse("home")).content.decode()


def test_coop_switch_needs_post(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("coop_switch")).status_code == 405


def test_assisted_mode_banner_names_the_member(client, coordinator, fatima):
    fatima.assisted_consent_at = timezone.now()
    fatima.assisted_consent_note = "signed at the service desk"
    fatima.save()
    client.force_login(coordinator)
    session = client.session
    session[ASSISTED_SESSION_KEY] = fatima.pk
    session.save()
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Assisted mode." in page
    assert "Fatima El Amrani" in page
    assert reverse("assisted_stop") in page


def test_navigation_shows_only_the_portals_a_person_has(client, fatima, coordinator, bakery):
    client.force_login(fatima.user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("member_home") in page
    assert reverse("office_home") not in page
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("office_home") in page
    assert reverse("member_home") not in page
    client.force_login(bakery.contact)
    page = client.get(reverse("home")).content.decode()
    assert reverse("business_home") in page
    assert reverse("office_home") not in page


def test_every_account_page_renders(client, kanaleneiland):
    for name in [
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'name="language"' in response.content.decode(), name
    bad_key = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}))
    assert bad_key.status_code == 200
    assert bad_key.context["token_fail"]
    assert client.get(reverse("account_confirm_email", args=["no-such-key"])).status_code == 200
