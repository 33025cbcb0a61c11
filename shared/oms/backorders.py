"""When stock of a SKU rises, the orders waiting for it are sent to be sourced again, oldest first.

"Sent to be sourced" means moved back to approved: the Orders stream then allocates them,
and what still cannot be filled goes back to waiting. Only a rise in what can be promised
starts this, so an allocation's own reservation never does.
"""

from __future__ import annotations

from datetime import datetime

from oms.changes import Change
from oms.deciding import OrderKeptChanging, OrderNotFound, decide_and_commit
from oms.lifecycle import check_transition, outstanding_units
from oms.models import HistoryEvent, Order, OrderStatus
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
        if _source_again(summary.order_id, sku, store, now):
            moved.append(summary.order_id)
    return moved


def _source_again(order_id: str, sku: str, store: Store, now: datetime | None) -> bool:
    """Moves the order to approved if it still waits for `sku`; False when it does not (any more)."""
    def decide(order: Order, at: datetime) -> Change | None:
        missing = outstanding_units(order) if order.status in WAITING else {}
        if not any(order.lines[number - 1].sku == sku for number in missing):
            return None  # cancelled, or sourced already, meanwhile
        check_transition(order.status, OrderStatus.APPROVED)
        event = HistoryEvent(at=at, actor=ACTOR, from_status=order.status, to_status=OrderStatus.APPROVED,
                             reason=f"stock of {sku} arrived: sourcing again")
        return Change(at=at, actor=ACTOR, order_id=order.order_id, order_from=order.status,
                      order_version=order.version, order_to=OrderStatus.APPROVED, history=(event,))

    try:
        return decide_and_commit(order_id, store, decide, now)[1] is not None
    except (OrderNotFound, OrderKeptChanging):
        return False  # gone, or too busy to move now: the next stock rise looks again
