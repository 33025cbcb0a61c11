"""When stock of a SKU rises, the orders waiting for it are sent to be sourced again, oldest first.

"Sent to be sourced" means moved back to approved: the Orders stream then allocates them,
and what still cannot be filled goes back to backordered. Only a rise in what can be
promised starts this, so an allocation's own reservation never does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from oms.allocation import outstanding_units
from oms.models import HistoryEvent, OrderStatus
from oms.store.orders import OrderReview, OrderStore, StatusChanged

WAITING = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_ALLOCATED)
# How many waiting orders one stock rise looks through; a larger backlog moves on the next rise.
SCAN_LIMIT = 500


def resource_waiting_orders(sku: str, review: OrderReview, orders: OrderStore, now: datetime | None = None) -> list[str]:
    """Moves every order waiting for `sku` back to approved; returns their ids, oldest first."""
    waiting = []
    for status in WAITING:
        after = None
        while len(waiting) < SCAN_LIMIT:
            page, after = review.in_status(status, limit=100, after=after)
            waiting += page
            if after is None:
                break
    moved = []
    for summary in sorted(waiting, key=lambda order: (order.placed_at, order.order_id)):
        order = orders.get(summary.order_id, with_pii=False)
        missing = outstanding_units(order) if order else {}
        if not any(order.lines[number - 1].sku == sku for number in missing):
            continue
        event = HistoryEvent(at=now or datetime.now(UTC), actor="backorders", from_status=order.status,
                             to_status=OrderStatus.APPROVED, reason=f"stock of {sku} arrived: sourcing again")
        try:
            review.change_status(order.order_id, str(order.status), event)
        except StatusChanged:
            continue  # it moved meanwhile (cancelled, or already being sourced)
        moved.append(order.order_id)
    return moved
