"""Erasing a customer's personal data: on request, and when the retention period ends.

The orders stay, with their money, lines, places and a history event saying that and
why personal data was erased, so reports still add up and the erasure can be shown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oms.models import HistoryEvent
from oms.store.orders import OrderErasure


def erase_customer(email_hash: str, orders: OrderErasure, actor: str, now: datetime | None = None) -> list[str]:
    """Erases every order of the customer; returns those erased now (a repeat erases none)."""
    event = HistoryEvent(at=now or datetime.now(UTC), actor=actor, reason="personal data erased at the customer's request")
    return [order_id for order_id in orders.orders_of_customer(email_hash) if orders.erase(order_id, event)]


def erase_expired(orders: OrderErasure, retention_days: int, now: datetime | None = None) -> list[str]:
    """Erases personal data of orders delivered more than `retention_days` ago."""
    now = now or datetime.now(UTC)
    cutoff = (now - timedelta(days=retention_days)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    event = HistoryEvent(at=now, actor="retention", reason=f"personal data erased {retention_days} days after delivery")
    return [order_id for order_id in orders.delivered_before(cutoff) if orders.erase(order_id, event)]
