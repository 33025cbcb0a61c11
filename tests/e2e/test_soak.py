"""A short soak on the local stack with faults on (see tests/soak.py; `make soak` runs 2,000 orders)."""

from __future__ import annotations

import pytest

from tests.soak import run


@pytest.mark.e2e
def test_under_faults_nothing_is_broken_stuck_or_lost():
    result = run(orders=60, seed=11)

    assert result["soak_faults_injected"] > 0
    assert result["soak_violations"] == []
    assert result["soak_stuck_orders"] == 0, result["soak_statuses"]
    assert result["soak_failure_messages"] == {}  # only the poisoned push waits in a dead-letter queue
