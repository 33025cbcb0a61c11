"""When stock of a SKU rises, the orders waiting for it are sent to be sourced again, oldest first.

"Sent to be sourced" means moved back to approved: the Orders stream then allocates them,
and what still cannot be filled goes back to waiting. Only a rise in what can be promised
starts this, so an allocation's own reservation never does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from oms.changes import Change, ChangeConflict
from oms.lifecycle import check_transition, outstanding_units
from oms.models import HistoryEvent, OrderStatus
from oms.ports import Store
from oms.store.orders import OrderReview

# Orders with units no live shipment carries: nothing found, part found, or part already gone.
WAITING = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.PARTIALLY_SHIPPED)
# How many waiting orders one stock rise looks through; a larger backlog moves on the next rise.
SCAN_LIMIT = 500
ACTOR = "backorders"


def resource_waiting_orders(sku: str, review: OrderReview, store: Store, now: datetime | None = None) -> list[str]:
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
        order = store.order(summary.order_id)
        missing = outstanding_units(order) if order and order.status in WAITING else {}
        if not any(order.lines[number - 1].sku == sku for number in missing):
            continue
        check_transition(order.status, OrderStatus.APPROVED)
        at = now or datetime.now(UTC)
        event = HistoryEvent(at=at, actor=ACTOR, from_status=order.status, to_status=OrderStatus.APPROVED,
                             reason=f"stock of {sku} arrived: sourcing again")
        try:
            store.commit(Change(at=at, actor=ACTOR, order_id=order.order_id, order_from=order.status,
                                order_version=order.version, order_to=OrderStatus.APPROVED, history=(event,)))
        except ChangeConflict:
            continue  # it moved meanwhile (cancelled, or already being sourced)
        moved.append(order.order_id)
    return moved
