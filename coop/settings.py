"""Settings for Wijkwerk, read from environment variables only (django-environ).

The embedded default (no environment at all) is the demo: SQLite, a filesystem Celery broker,
console e-mail. The local fake Stripe is a development tool that runs only with STRIPE_FAKE=on
(`make run` and the tests set it); `ENV=production` refuses it, and switches on the secure settings that
`manage.py check --deploy` asks for. Every variable is listed in `.env.example`.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from coop.broker import filesystem_broker_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENV = env.str("ENV", default="development")
PRODUCTION = ENV == "production"

SECRET_KEY = env.str(
    "SECRET_KEY",
    default="" if PRODUCTION else "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop",
)
if PRODUCTION and not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when ENV=production")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "djmoney",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "coop",
    "coop.rulebook",
    "coop.ledger",
    "members",
    "jobs",
    "invoicing",
    "coop.governance",
    "coop.transparency",
    "coop.demo",
]

MIDDLEWARE = [
    # Stripe's webhooks go straight to their view (signature-authenticated machine endpoint).
    "members.middleware.MachineEndpointMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy on every page; see "Browser policies".
    "csp.middleware.CSPMiddleware",
    "members.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Per-IP limits on the public sign-up forms (FORM_RATE_LIMITS): after sessions, auth and locale,
    # so the refusal page is translated; before any view, so a refused POST stores nothing.
    "members.middleware.FormRateLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "members.middleware.AssistedModeMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coop.urls"
WSGI_APPLICATION = "coop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "members.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is shared by web, worker and beat in the demo: WAL and IMMEDIATE transactions keep the
# three writers from failing with "database is locked" (measured, see STYLE.md).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The statements PostgreSQL caches per connection (the foreign-key checks at commit, the
    # ledger's balance trigger) are planned for the tables' current size on every call. A worker's
    # connection otherwise keeps the plans it made while a table was small (a sequential scan),
    # and every commit grows slower as the table grows: measured on the invoice run, the database's
    # CPU per invoice went from 11 to 22 ms over 4,000 invoices, and stayed at 11-12 ms with this.
    # Django's own queries are not prepared, so nothing else changes.
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        db_options = DATABASES["default"].setdefault("OPTIONS", {})
        db_options["options"] = f"{db_options.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses the published demo password when ENV=production, on every login path (admin too).
    "members.adapters.DemoPasswordRefusedBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal_home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Wijkwerk] "
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Lock the pair (computer, account), not the computer alone: members log in at the shared service-desk
# computer, and one person's typos must not lock everyone else out there. allauth's per-IP limit
# (ACCOUNT_RATE_LIMITS) still slows one address that tries many accounts.
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "coop.lockout.lockout_username"
# django-axes owns the per-account lockout (and shows account/lockout.html); allauth keeps only its
# per-IP flood limit, so a person never meets two different "too many tries" messages.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# --- Rate limits ------------------------------------------------------------------------------
# Operational limits (how much one address may send), not coop policy. Behind N reverse proxies that
# append to X-Forwarded-For, set TRUSTED_PROXY_COUNT=N so the limits count the real client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# POSTs per client IP to the public forms, as N/s, N/m, N/h or N/d (members.middleware).
FORM_RATE_LIMITS = {
    "member_apply": env.str("RATE_LIMIT_MEMBER_APPLY", default="5/h"),
    "business_register": env.str("RATE_LIMIT_BUSINESS_REGISTER", default="5/h"),
}

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Public uploads only (none today; a coop's logo would be one). No URL pattern serves them: the
# reverse proxy may publish MEDIA_ROOT, never PRIVATE_MEDIA_ROOT.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Invoices, credit notes, payout (SEPA) files: names, amounts, IBANs. Stored in the "private" storage,
# served only by views that check who asks (coop/files.py). PRIVATE_MEDIA_ACCEL_REDIRECT names the nginx
# `internal` location that maps to PRIVATE_MEDIA_ROOT (e.g. /_private/); empty: gunicorn streams the file.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "coop.files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Money ----------------------------------------------------------------------------------
CURRENCIES = ("EUR",)
DEFAULT_CURRENCY = "EUR"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# Only read by the filebased backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wijkwerk <noreply@wijkwerk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# Default: a filesystem broker under var/ so the demo needs no Redis; production sets
# CELERY_BROKER_URL=redis://... and every web and worker process shares it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
CELERY_BEAT_SCHEDULE["hours-approve-silently"] = {
    "task": "jobs.hours.tasks.hour_entries_approve_silently_task",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["jobs-offers-expire"] = {"task": "jobs.tasks.offers_expire_task", "schedule": 300.0}
# Matching: every quarter hour one round per coop (each round offers all open seats at once).
CELERY_BEAT_SCHEDULE["matching-rounds"] = {
    "task": "jobs.matching.tasks.matching_rounds_enqueue_task",
    "schedule": 900.0,
}
# Invoicing: daily at 02:30, bills the coops whose invoice period (rulebook) ended yesterday.
CELERY_BEAT_SCHEDULE["invoicing-runs-due"] = {
    "task": "invoicing.tasks.invoice_runs_due_task",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=2, minute=30),
}
# Shares: daily at 03:00 (after the invoice run), shares members agreed to pay from wages.
CELERY_BEAT_SCHEDULE["invoicing-share-wage-deductions"] = {
    "task": "invoicing.tasks.share_wage_deductions_task",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=3, minute=0),
}
# Payments: daily at 09:00, payment reminders on the rulebook's reminder_days schedule.
CELERY_BEAT_SCHEDULE["payments-reminders"] = {
    "task": "invoicing.payments.tasks.invoice_reminders_send_task",
    "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=9, minute=0),
}
# Payments: hourly, ask Stripe again for every fee the task after the payment could not get.
CELERY_BEAT_SCHEDULE["payments-fees-sweep"] = {
    "task": "invoicing.payments.tasks.payment_fees_sweep_task",
    "schedule": 3600.0,
}

# Governance: close votes whose time is up, and remind who has not voted yet.
CELERY_BEAT_SCHEDULE["governance-close-votes"] = {
    "task": "coop.governance.tasks.proposals_close_due_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["governance-vote-reminders"] = {
    "task": "coop.governance.tasks.vote_reminders_send_task",
    "schedule": 1800.0,
}

# --- Caches ---------------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Counted in the cache: per user (so per API token) once logged in, per client IP before that.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
    "EXCEPTION_HANDLER": "coop.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkwerk API",
    "DESCRIPTION": "Business portal API of a Wijkwerk neighbourhood cooperative.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the vendored sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the 400/403/404 it can return (coop/api.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coop.api.schema_add_error_responses",
    ],
}

# --- Stripe ---------------------------------------------------------------------------------
# Per-coop keys live encrypted in the database; this key encrypts them at rest. The development
# default is public (it is in this file): `check --deploy` refuses it (coop/checks.py).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="" if PRODUCTION else "dev-only-field-key")
# The local fake Stripe (coop/demo/stripe_fake) is a development tool, off unless switched on. With it
# on, the demo seed gives each demo coop random test keys and the SDK talks to the fake server. A coop
# without keys of its own has no online payment at all, in every mode.
STRIPE_FAKE = env.bool("STRIPE_FAKE", default=False)
if PRODUCTION and STRIPE_FAKE:
    raise ImproperlyConfigured(
        "STRIPE_FAKE=on is not allowed when ENV=production: the local fake Stripe is a development tool. "
        "Remove STRIPE_FAKE (or set STRIPE_FAKE=off) and give each coop its own Stripe keys."
    )
STRIPE_FAKE_HOST = env.str("STRIPE_FAKE_HOST", default="127.0.0.1")
STRIPE_FAKE_PORT = env.int("STRIPE_FAKE_PORT", default=12111)
STRIPE_API_BASE = env.str(
    "STRIPE_API_BASE", default=f"http://{STRIPE_FAKE_HOST}:{STRIPE_FAKE_PORT}" if STRIPE_FAKE else ""
)
STRIPE_PAYMENT_METHODS = env.list("STRIPE_PAYMENT_METHODS", default=["ideal", "card", "sepa_debit"])

# --- Browser policies -------------------------------------------------------------------------
# Decision 034. No inline scripts and no event handler attributes anywhere: scripts come from our own
# static files only. Inline STYLES stay allowed (htmx's indicator style, Swagger UI and admin widgets
# set them; a style cannot run code). Forms may post to us, and the pay button's redirect may go to
# Stripe Checkout (Chrome checks form-action on redirects), or to the local fake in development.
_form_targets = ["'self'", "https://checkout.stripe.com"]
if STRIPE_API_BASE:
    _form_targets.append(STRIPE_API_BASE.rstrip("/"))
_csp = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": _form_targets,
    }
}
# Enforced in production; in development only reported (the browser console shows what would break),
# so Django's debug pages keep working while a developer sees any inline script at once.
CONTENT_SECURITY_POLICY = _csp if PRODUCTION else None
CONTENT_SECURITY_POLICY_REPORT_ONLY = None if PRODUCTION else _csp
# Powerful browser features the site never uses, switched off for it and anything it could embed.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
    ),
)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Production -----------------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
