"""Browser policies: a Content-Security-Policy without inline scripts, and a Permissions-Policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.platform.test_settings import _manage, production_env

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PRODUCTION_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://checkout.stripe.com"],
    }
}


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_production_settings_enforce_a_csp_without_inline_scripts(client):
    # The same dict settings.py builds when ENV=production (there it is CONTENT_SECURITY_POLICY).
    assert settings.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["script-src"] == ["'self'"]
    with override_settings(CONTENT_SECURITY_POLICY=settings.CONTENT_SECURITY_POLICY_REPORT_ONLY):
        response = client.get(reverse("account_login"))
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no nonce, no other origin
    assert csp["script-src-attr"] == ["'none'"]  # no onclick= and friends
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "https://checkout.stripe.com" in csp["form-action"]


@override_settings(CONTENT_SECURITY_POLICY=PRODUCTION_CSP, CONTENT_SECURITY_POLICY_REPORT_ONLY=None)
def test_every_page_gets_both_headers(client, coordinator):
    client.force_login(coordinator)
    for name in ("account_login", "office_home", "api_docs"):
        response = client.get(reverse(name))
        assert "script-src 'self'" in response["Content-Security-Policy"], name
        assert "camera=()" in response["Permissions-Policy"], name
        assert "geolocation=()" in response["Permissions-Policy"], name


def test_development_only_reports_the_policy(client):
    response = client.get(reverse("account_login"))
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_production_settings_module_enforces_the_policy(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'], s.CONTENT_SECURITY_POLICY_REPORT_ONLY, "
        "'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, bool(s.PERMISSIONS_POLICY))"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[\"'self'\"] None True True"


def test_templates_have_no_inline_scripts_or_event_handlers():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text):
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_api_docs_page_has_no_inline_script(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("api_docs")).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "swagger-ui-bundle.js" in html
