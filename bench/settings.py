"""Settings for the benchmark server only: the real settings with the bench URLconf (bench/urls.py).

Never used in production: `coop.settings` keeps `coop.urls`, which has no floor view.
"""

import os

from coop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The floor view verifies with this secret (set by bench/webhooks.py for the server it starts).
BENCH_FLOOR_WEBHOOK_SECRET = os.environ.get("BENCH_FLOOR_WEBHOOK_SECRET", "")
