"""The engine's fast paths compute exactly what the plain formulation of the model computes."""

from __future__ import annotations

import numpy as np
import pytest

from bench.matching import generate
from jobs.matching import engine


@pytest.mark.parametrize(("coops", "neighbourhood_only"), [(1, False), (1, True), (5, False)])
def test_block_scores_equal_the_plain_checks_and_score_parts(coops, neighbourhood_only):
    problem = generate(members=1500, jobs=300, coops=coops, seed=3)
    problem.coop_neighbourhood_only[0] = neighbourhood_only
    index = engine.member_index(problem)
    blocks = 0
    for coop, slot, block in engine.shift_blocks(problem, np.flatnonzero(problem.shift_seats > 0)):
        members = engine._pool_members(problem, index, coop, slot)
        if not len(members):
            continue
        fast = engine.block_scores(problem, coop, block, members)
        plain = engine._block_scores_plain(problem, coop, block, members)
        assert np.array_equal(fast[0], plain[0])
        assert np.array_equal(fast[1], plain[1])  # bit for bit: same sums in the same order
        blocks += 1
    assert blocks > 10
