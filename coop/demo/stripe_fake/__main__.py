"""`python -m coop.demo.stripe_fake`: the local fake Stripe for `make run` (see Procfile.dev).

Runs only when switched on (STRIPE_FAKE=on, which `make run` sets; never with ENV=production).
Environment: STRIPE_FAKE_PORT (12111), STRIPE_FAKE_HOST (127.0.0.1), STRIPE_FAKE_WEBHOOK_BASE or else
SITE_URL (the web app webhooks go to, http://127.0.0.1:8000). Each coop's webhook secret is read from
its StripeAccount in the app's database (same DATABASE_URL and FIELD_ENCRYPTION_KEY as the web app).
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
    import django
    from django.conf import settings

    django.setup()
    if not settings.STRIPE_FAKE:
        sys.exit("The local fake Stripe is a development tool: start it with STRIPE_FAKE=on (make run does).")

    from coop.demo.stripe_fake.app import FakeStripe
    from coop.demo.stripe_fake.server import fake_server_start

    host = os.environ.get("STRIPE_FAKE_HOST", "127.0.0.1")
    port = int(os.environ.get("STRIPE_FAKE_PORT", "12111"))
    site = os.environ.get("STRIPE_FAKE_WEBHOOK_BASE") or os.environ.get("SITE_URL") or "http://127.0.0.1:8000"
    app = FakeStripe(webhook_base=f"{site.rstrip('/')}/payments/webhooks/stripe/")
    server, base = fake_server_start(app, host=host, port=port)
    print(f"Fake Stripe listening on {base}; webhooks go to {app.webhook_base}<coop>/", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
