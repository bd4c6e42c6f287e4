"""Production settings pass Django's deploy check; every variable settings.py reads is documented."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "coop.settings",
        "ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "wijkwerk.example.org",
        "DATABASE_URL": "postgres://wijkwerk:secret@127.0.0.1:5432/wijkwerk",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = ""
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_settings_fail_the_deploy_check(tmp_path):
    # Proves the check above can fail: the development defaults are not fit for production.
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_SETTINGS_MODULE": "coop.settings"})
    assert result.returncode != 0


def test_every_environment_variable_settings_reads_is_in_env_example():
    source = (BASE_DIR / "coop" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r'os\.environ(?:\.get)?[\(\[]\s*"([A-Z][A-Z0-9_]+)"', source)) - {"DJANGO_SETTINGS_MODULE"}
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))
    assert read, "found no env(...) calls: the pattern is out of date"
    assert read <= documented, f"add to .env.example: {sorted(read - documented)}"


def test_production_static_files_collect_with_hashed_names(tmp_path):
    # ENV=production serves hashed, compressed files through WhiteNoise: every {% static %} the page
    # frame uses must be in the manifest, or the page would fail with a 500.
    env = production_env(tmp_path)
    result = _manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    for name in [
        "vendor/utrecht/component-library.css",
        "vendor/utrecht/html.css",
        "css/wijkwerk-theme.css",
        "css/wijkwerk.css",
        "vendor/htmx/htmx.min.js",
    ]:
        assert f'"{name}"' in manifest, name
