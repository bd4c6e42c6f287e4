"""`python -m invoicing.stripe_fake`: the local fake Stripe for `make run` (see Procfile.dev).

Environment: STRIPE_FAKE_PORT (12111), STRIPE_FAKE_HOST (127.0.0.1), STRIPE_FAKE_WEBHOOK_BASE or else
SITE_URL (the web app webhooks go to, http://127.0.0.1:8000), STRIPE_FAKE_SEED (must match the web
app's setting; both default to the same development seed).
"""

from __future__ import annotations

import os
import signal
import sys

from invoicing.stripe_fake.app import FakeStripe
from invoicing.stripe_fake.credentials import DEFAULT_SEED
from invoicing.stripe_fake.server import fake_server_start


def main() -> None:
    host = os.environ.get("STRIPE_FAKE_HOST", "127.0.0.1")
    port = int(os.environ.get("STRIPE_FAKE_PORT", "12111"))
    site = os.environ.get("STRIPE_FAKE_WEBHOOK_BASE") or os.environ.get("SITE_URL") or "http://127.0.0.1:8000"
    app = FakeStripe(
        webhook_base=f"{site.rstrip('/')}/payments/webhooks/stripe/",
        seed=os.environ.get("STRIPE_FAKE_SEED", DEFAULT_SEED),
    )
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
