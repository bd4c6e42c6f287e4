"""A small seeded demo federation for the demo tests."""

from __future__ import annotations

import pytest

from coop.demo.services import DemoSeedResult, demo_seed


@pytest.fixture
def seeded(db: None) -> DemoSeedResult:
    """Kanaleneiland and Lunetten with 30 generated residents and 5 businesses (seed 7)."""
    return demo_seed(members=30, businesses=5, seed=7)
