"""Test settings: the real settings, with tasks eager unless a test starts a real worker."""

import os
from pathlib import Path

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")

from coop.settings import *  # noqa: F403
from coop.settings import BASE_DIR, DATABASES, STATIC_ROOT

# The tests use the local fake Stripe (a development tool), switched on here as `make run` does. Set
# as a setting, not an environment variable: the production-settings tests start subprocesses.
STRIPE_FAKE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a real Celery worker process can open the same test database.
    # One file per pytest process so parallel runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}

# WhiteNoise warns on every request when STATIC_ROOT does not exist (collectstatic never runs in tests).
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
