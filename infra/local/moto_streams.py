"""Bounds the shard iterators moto's DynamoDB Streams backend remembers.

moto keeps every shard iterator it hands out, forever: each GetRecords adds one
(about 1.8 KB, measured). The pump reads every stream about ten times a second, so a
local stack left running would grow by some 65 MB an hour per stream event source.
Real iterators expire after 15 minutes; a reader that follows NextShardIterator only
ever uses the newest, so keeping the most recent ones changes nothing it can see.
"""

from __future__ import annotations

import functools
import threading

from moto.dynamodbstreams.models import DynamoDBStreamsBackend

KEPT_ITERATORS = 10_000

_LOCK = threading.Lock()


def _forgetting_old_iterators(get_records):
    @functools.wraps(get_records)
    def get_records_bounded(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int):
        result = get_records(self, iterator_arn, limit)
        with _LOCK:
            iterators = self.shard_iterators
            while len(iterators) > KEPT_ITERATORS:
                # dicts keep insertion order: the first is the oldest.
                del iterators[next(iter(iterators))]
        return result

    get_records_bounded.oms_bounded = True
    return get_records_bounded


def bound_shard_iterators() -> None:
    """Patch once per process, in the process that runs moto's server; safe to call again."""
    if not getattr(DynamoDBStreamsBackend.get_records, "oms_bounded", False):
        DynamoDBStreamsBackend.get_records = _forgetting_old_iterators(DynamoDBStreamsBackend.get_records)
