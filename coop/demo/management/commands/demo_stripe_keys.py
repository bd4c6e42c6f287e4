"""`manage.py demo_stripe_keys`: random fake-Stripe test keys for every coop that has none (STRIPE_FAKE=on only).

`make run` calls it on a database seeded before the demo seed stored keys itself; a no-op otherwise.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coop.demo.services.stripe_keys import demo_stripe_keys_seed
from coop.models import Cooperative


class Command(BaseCommand):
    help = "Give each coop without Stripe keys random test keys for the local fake Stripe (STRIPE_FAKE=on only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.STRIPE_FAKE:
            raise CommandError("The local fake Stripe is off (STRIPE_FAKE); no test keys were stored.")
        slugs = demo_stripe_keys_seed(coops=Cooperative.objects.order_by("slug"), actor=None)
        self.stdout.write(f"Fake Stripe test keys stored for: {', '.join(slugs)}." if slugs else "Every coop has keys.")
