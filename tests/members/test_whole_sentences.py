"""Sentences with a link or a status in them are translated whole, not glued from pieces."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("nl", '">Word lid</a> of <a class="utrecht-link" href="{register}">registreer uw bedrijf</a>.'),
        ("en", '">Become a member</a> or <a class="utrecht-link" href="{register}">register your business</a>.'),
    ],
)
def test_login_page_offers_membership_or_business_registration_in_one_sentence(client, language, sentence):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<a class="utrecht-link" href="{reverse("member_apply")}' in body
    assert sentence.format(register=reverse("business_register")) in body


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("nl", 'Je lidmaatschap: <span class="utrecht-badge-status">Actief</span>'),
        ("en", 'Your membership: <span class="utrecht-badge-status">Active</span>'),
    ],
)
def test_member_home_names_the_membership_status_in_one_sentence(client, fatima, language, sentence):
    client.force_login(fatima.user)
    body = client.get(reverse("member_home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert sentence in body


def test_membership_status_page_names_the_status_in_one_sentence(client, fatima):
    client.force_login(fatima.user)
    body = client.get(reverse("member_status"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Je lidmaatschap: Actief" in body
