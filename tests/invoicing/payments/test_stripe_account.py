"""Per-coop Stripe keys: encrypted at rest, never shown again, set by the service centre."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from invoicing.models import StripeAccount
from invoicing.payments.encryption import SecretUnreadable, secret_decrypt
from invoicing.payments.exceptions import PaymentError
from invoicing.payments.services import stripe_account_set, stripe_keys_for

pytestmark = pytest.mark.django_db

SECRET = "sk_test_51Kanaleneiland0000000004242"
WEBHOOK = "whsec_kanaleneiland_secret_9876"


def test_keys_are_encrypted_at_rest_and_only_a_hint_is_kept(kanaleneiland, coordinator):
    stripe_account_set(
        coop=kanaleneiland,
        actor=coordinator,
        publishable_key="pk_test_abc1234",
        secret_key=SECRET,
        webhook_secret=WEBHOOK,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM invoicing_stripeaccount")
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert SECRET not in raw and WEBHOOK not in raw and "pk_test_abc1234" not in raw
    account = StripeAccount.objects.get()
    assert account.secret_key_hint == "4242"
    keys = stripe_keys_for(kanaleneiland)
    assert keys.secret_key == SECRET and keys.webhook_secret == WEBHOOK


def test_another_env_key_cannot_read_the_secrets(kanaleneiland, coordinator, settings):
    stripe_account_set(coop=kanaleneiland, actor=coordinator, secret_key=SECRET, webhook_secret=WEBHOOK)
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    with pytest.raises(SecretUnreadable):
        secret_decrypt(StripeAccount.objects.get().secret_key_encrypted)


@pytest.mark.parametrize("fake", [True, False])
def test_no_keys_means_no_online_payment_even_with_the_fake_on(kanaleneiland, settings, fake):
    settings.STRIPE_FAKE = fake
    assert stripe_keys_for(kanaleneiland) is None


def test_each_coop_verifies_with_its_own_stored_secret(kanaleneiland, lunetten, coop_keys):
    a_secret, b_secret = coop_keys(kanaleneiland), coop_keys(lunetten)
    a, b = stripe_keys_for(kanaleneiland), stripe_keys_for(lunetten)
    assert a is not None and b is not None
    assert (a.webhook_secret, b.webhook_secret) == (a_secret, b_secret)
    assert a.webhook_secret != b.webhook_secret


def test_wrong_key_shapes_are_refused_and_nothing_is_stored(kanaleneiland, coordinator):
    with pytest.raises(PaymentError):
        stripe_account_set(coop=kanaleneiland, actor=coordinator, secret_key="pk_live_oops")
    with pytest.raises(PaymentError):
        stripe_account_set(coop=kanaleneiland, actor=coordinator, webhook_secret="secret")
    assert StripeAccount.objects.count() == 0


def test_page_saves_keys_and_never_shows_them_again(client, kanaleneiland, coordinator):
    client.force_login(coordinator)
    url = reverse("payments:office_stripe_account")
    response = client.post(url, {"secret_key": SECRET, "webhook_secret": WEBHOOK, "publishable_key": ""})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert SECRET not in page and WEBHOOK not in page
    assert "4242" in page and "9876" in page
    assert f"/payments/webhooks/stripe/{kanaleneiland.slug}/" in page
    # Saving only one field keeps the others.
    client.post(url, {"publishable_key": "pk_test_new5555"})
    assert stripe_keys_for(kanaleneiland).secret_key == SECRET


def test_only_coordinators_of_the_coop_set_keys(client, kanaleneiland, board_member, outsider, lunetten_coordinator):
    url = reverse("payments:office_stripe_account")
    for user in (board_member, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"secret_key": SECRET}).status_code == 403
    client.force_login(lunetten_coordinator)
    client.post(url, {"secret_key": "sk_test_lunetten", "webhook_secret": "whsec_lunetten"})
    assert StripeAccount.objects.get().coop.slug == "lunetten"
    assert not StripeAccount.objects.filter(coop=kanaleneiland).exists()  # only their own coop's account
