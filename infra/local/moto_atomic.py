"""Restores DynamoDB's per-request atomicity in moto.

Real DynamoDB applies a conditional write or a transaction atomically. moto evaluates
the condition and applies the write without a lock, so concurrent requests can both
pass `available >= :q` and oversell (measured: 513-616 successes for 500 units). Serialising every DynamoDB and
DynamoDB Streams request behind one lock gives the guarantee the tests rely on.
"""

from __future__ import annotations

import functools
import threading

from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

_LOCK = threading.RLock()


def _serialised(call_action):
    @functools.wraps(call_action)
    def call_action_atomically(self):
        with _LOCK:
            return call_action(self)

    call_action_atomically.oms_serialised = True
    return call_action_atomically


def make_dynamodb_atomic() -> None:
    """Patch once per process; safe to call again."""
    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        if not getattr(handler.call_action, "oms_serialised", False):
            handler.call_action = _serialised(handler.call_action)
