import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_wrong_password_is_refused_with_a_message(client, fatima):
    response = _login(client, "fatima@example.nl", "wrong password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_too_many_failures_show_the_lockout_page_even_with_the_right_password(client, fatima):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "fatima@example.nl", "wrong password").status_code == 200
    locked = _login(client, "fatima@example.nl", "wrong password")
    assert locked.status_code == 429
    assert "account/lockout.html" in [t.name for t in locked.templates]
    with translation.override("en"):
        assert "Too many tries" in locked.content.decode()
    assert reverse("account_reset_password") in locked.content.decode()

    still_locked = _login(client, "fatima@example.nl", "correct horse battery")
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in_before_the_limit(client, fatima):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=fatima.user, email=fatima.user.email, defaults={"verified": True, "primary": True}
    )
    _login(client, "fatima@example.nl", "wrong password")
    response = _login(client, "fatima@example.nl", "correct horse battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(fatima.user.pk)


def test_lockout_follows_the_account_to_another_computer(client, fatima, applicant):
    # The failures are counted for the e-mail address, not for an empty username.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fatima@example.nl", "wrong password")
    elsewhere = client.post(
        reverse("account_login"), {"login": "fatima@example.nl", "password": "x"}, REMOTE_ADDR="10.1.2.3"
    )
    assert elsewhere.status_code == 429
    other_member = client.post(
        reverse("account_login"), {"login": "yusuf@example.nl", "password": "x"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other_member.status_code == 200
    assert "account/lockout.html" not in [t.name for t in other_member.templates]
