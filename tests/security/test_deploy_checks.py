"""Settings that must never reach production: the local fake Stripe, and a public FIELD_ENCRYPTION_KEY."""

from __future__ import annotations

import secrets

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from coop.checks import field_encryption_key_check, stripe_fake_off_check
from tests.platform.test_settings import _manage, production_env


def _deploy_ids() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True) if m.id and m.id.startswith("wijkwerk.")}


def test_production_settings_refuse_to_load_with_the_fake_stripe_on(tmp_path):
    env = {**production_env(tmp_path), "STRIPE_FAKE": "on"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "STRIPE_FAKE=on is not allowed when ENV=production" in result.stderr


def test_deploy_check_fails_on_a_placeholder_field_encryption_key_in_production_settings(tmp_path):
    env = {**production_env(tmp_path), "FIELD_ENCRYPTION_KEY": "deploy-check"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "wijkwerk.E002" in result.stderr + result.stdout


def test_deploy_check_fails_when_the_fake_stripe_is_on():
    with override_settings(STRIPE_FAKE=True, FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32)):
        assert [m.id for m in stripe_fake_off_check()] == ["wijkwerk.E001"]
        assert _deploy_ids() == {"wijkwerk.E001"}
    with override_settings(STRIPE_FAKE=False, FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32)):
        assert stripe_fake_off_check() == []
        assert _deploy_ids() == set()


def test_the_checks_only_run_with_deploy():
    with override_settings(STRIPE_FAKE=True, FIELD_ENCRYPTION_KEY=""):
        ids = {m.id for m in run_checks(include_deployment_checks=False)}
    assert not {"wijkwerk.E001", "wijkwerk.E002"} & ids


@pytest.mark.parametrize(
    "key",
    ["", "   ", "dev-only-field-key", "deploy-check", "CHANGE-ME", "changeme", "short-but-random-x9"],
    ids=["empty", "blank", "dev-default", "makefile-placeholder", "placeholder", "placeholder-lower", "short"],
)
def test_empty_default_or_short_field_encryption_key_fails_the_deploy_check(key):
    with override_settings(FIELD_ENCRYPTION_KEY=key, STRIPE_FAKE=False):
        assert [m.id for m in field_encryption_key_check()] == ["wijkwerk.E002"]
        assert "wijkwerk.E002" in _deploy_ids()


def test_a_long_random_field_encryption_key_passes():
    with override_settings(FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32), STRIPE_FAKE=False):
        assert field_encryption_key_check() == []
