"""Writes of the demo app: seeding the demo neighbourhood federation (see seed.py)."""

from coop.demo.services.seed import DEFAULT_COOPS, DemoSeedError, DemoSeedResult, demo_logins, demo_seed

__all__ = ["DEFAULT_COOPS", "DemoSeedError", "DemoSeedResult", "demo_logins", "demo_seed"]
