"""Receiving an order from a channel: identity, first status, and storing it exactly once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from oms.ids import new_order_id
from oms.models import CHANNEL_DATA, HistoryEvent, Order, OrderStatus, OrderSubmission
from oms.store.orders import OrderStore


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the channel retried: same order, nothing written
    CONFLICT = "conflict"  # same channel order id, different content


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    order: Order


def fingerprint(submission: OrderSubmission) -> str:
    """Identifies the content of a submission, whatever the key order or formatting."""
    canonical = json.dumps(
        submission.model_dump(), sort_keys=True, separators=(",", ":"), default=_normalised_decimal
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _normalised_decimal(value: Decimal) -> str:
    return str(value.normalize())  # 48.180 and 48.18 are the same money


def receive_order(
    submission: OrderSubmission, channel: str, orders: OrderStore, now: datetime | None = None
) -> Receipt:
    now = now or datetime.now(UTC)
    order = Order.model_validate(
        {
            **submission.model_dump(),
            "order_id": new_order_id(int(now.timestamp() * 1000)),
            "channel": channel,
            "status": OrderStatus.RECEIVED,
            "created_at": now,
            "updated_at": now,
            "history": [
                HistoryEvent(at=now, actor=f"channel:{channel}", to_status=OrderStatus.RECEIVED, reason="order received")
            ],
        },
        context=CHANNEL_DATA,  # the submission was validated as its route requires
    )
    content = fingerprint(submission)
    stored = orders.create_once(order, content)
    if stored.created:
        return Receipt(Outcome.CREATED, stored.order)
    return Receipt(Outcome.DUPLICATE if stored.fingerprint == content else Outcome.CONFLICT, stored.order)
