"""The demo's fake-Stripe keys: random per coop, stored like a coordinator's keys, only with the fake on."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from coop.demo.services.stripe_keys import demo_stripe_keys_seed
from coop.demo.stripe_fake.app import webhook_target_from_database
from invoicing.models import StripeAccount
from invoicing.payments.services import stripe_keys_for
from tests.invoicing.payments.test_forged_payments import formerly_derived_secret

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000/payments/webhooks/stripe/"


def test_fake_on_gives_each_coop_its_own_random_keys_and_the_fake_reads_them(kanaleneiland, lunetten, settings):
    settings.STRIPE_FAKE = True
    assert demo_stripe_keys_seed(coops=[kanaleneiland, lunetten], actor=None) == ["kanaleneiland", "lunetten"]
    a, b = stripe_keys_for(kanaleneiland), stripe_keys_for(lunetten)
    assert a is not None and b is not None
    assert a.webhook_secret != b.webhook_secret
    assert a.webhook_secret != formerly_derived_secret("kanaleneiland")
    assert webhook_target_from_database(a.secret_key, BASE) == (f"{BASE}kanaleneiland/", a.webhook_secret)
    assert webhook_target_from_database(b.secret_key, BASE) == (f"{BASE}lunetten/", b.webhook_secret)
    assert webhook_target_from_database("sk_test_fake_kanaleneiland", BASE) is None
    # Running it again keeps the keys a coop has.
    assert demo_stripe_keys_seed(coops=[kanaleneiland], actor=None) == []
    assert stripe_keys_for(kanaleneiland) == a


def test_fake_off_stores_no_keys(kanaleneiland, settings):
    settings.STRIPE_FAKE = False
    assert demo_stripe_keys_seed(coops=[kanaleneiland], actor=None) == []
    assert StripeAccount.objects.count() == 0
    with pytest.raises(CommandError, match="STRIPE_FAKE"):
        call_command("demo_stripe_keys")
    assert StripeAccount.objects.count() == 0


def test_command_gives_keys_to_a_demo_database_seeded_before(kanaleneiland, settings, capsys):
    settings.STRIPE_FAKE = True
    call_command("demo_stripe_keys")
    assert stripe_keys_for(kanaleneiland) is not None
    assert "kanaleneiland" in capsys.readouterr().out
