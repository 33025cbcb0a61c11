"""Waiting before trying again when another writer held what a commit needed.

DynamoDB refuses a transaction that touches an item another transaction holds
(TransactionConflict) rather than queueing it; every writer that retries at once collides
again, so each waits a random time under a ceiling that doubles ("full jitter"), bounded.
"""

from __future__ import annotations

import random
import time

BASE_SECONDS = 0.02
CEILING_SECONDS = 1.0


def pause(attempt: int) -> None:
    """Before try number `attempt` + 1 (the first retry is attempt 1)."""
    time.sleep(random.uniform(0, min(CEILING_SECONDS, BASE_SECONDS * 2 ** attempt)))  # noqa: S311 - jitter
