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


def test_lockout_is_for_the_account_on_that_computer_not_for_everyone_there(client, fatima, coordinator):
    # A shared service-desk computer: Fatima's typos must not lock out the coordinator.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fatima@example.nl", "wrong password")
    assert _login(client, "fatima@example.nl", "correct horse battery").status_code == 429
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=coordinator, email=coordinator.email, defaults={"verified": True, "primary": True}
    )
    colleague = _login(client, "ingrid@example.nl", "correct horse battery")
    assert colleague.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)
