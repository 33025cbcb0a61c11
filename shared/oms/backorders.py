"""When stock of a SKU rises, the orders waiting for it are sent to be sourced again, oldest
first, as many as the rise can serve.

"Sent to be sourced" means moved back to approved: the Orders stream then allocates them,
and what still cannot be filled goes back on the waiting list. Allocation keeps each SKU's
waiting list (one item per order, in the order's own commit), so a rise reads only the
orders it can serve, however long the backlog. Only a rise in what can be promised starts
this, so an allocation's own reservation never does.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from oms.changes import Change, WaitingOrder
from oms.deciding import OrderKeptChanging, OrderNotFound, decide_and_commit
from oms.lifecycle import check_transition, outstanding_units
from oms.models import HistoryEvent, Order, OrderStatus
from oms.ports import Store, Waitlists

# Orders with units no live shipment carries: nothing found, part found, or part already gone.
WAITING = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.PARTIALLY_SHIPPED)
ACTOR = "backorders"


class _Outcome(Enum):
    MOVED = "moved"
    NOT_WAITING = "not_waiting"  # cancelled, or sourced, since it joined the list
    BUSY = "busy"  # changing too fast to move now: it keeps its place


def resource_waiting_orders(sku: str, rise: int, waitlists: Waitlists, store: Store,
                            now: datetime | None = None) -> list[str]:
    """Moves orders waiting for `sku` back to approved, oldest first, until the units they wait
    for cover `rise`; returns their ids. Entries of orders that no longer wait are dropped."""
    moved: list[str] = []
    left = rise
    for entry in waitlists.waiting_for(sku):
        if left <= 0:
            break
        match _source_again(entry, store, now):
            case _Outcome.MOVED:
                moved.append(entry.order_id)
                left -= entry.units
            case _Outcome.NOT_WAITING:
                waitlists.forget_waiting(entry)
    return moved


class _BeingSourced(Exception):
    """Approved already: allocation decides, and lists it again if it still waits."""


def _source_again(entry: WaitingOrder, store: Store, now: datetime | None) -> _Outcome:
    def decide(order: Order, at: datetime) -> Change | None:
        if order.status == OrderStatus.APPROVED:
            raise _BeingSourced(order.order_id)
        missing = outstanding_units(order) if order.status in WAITING else {}
        if not any(order.lines[number - 1].sku == entry.sku for number in missing):
            return None
        check_transition(order.status, OrderStatus.APPROVED)
        event = HistoryEvent(at=at, actor=ACTOR, from_status=order.status, to_status=OrderStatus.APPROVED,
                             reason=f"stock of {entry.sku} arrived: sourcing again")
        return Change(at=at, actor=ACTOR, order_id=order.order_id, order_from=order.status,
                      order_version=order.version, order_to=OrderStatus.APPROVED, history=(event,))

    try:
        _, change = decide_and_commit(entry.order_id, store, decide, now)
    except OrderNotFound:
        return _Outcome.NOT_WAITING
    except (OrderKeptChanging, _BeingSourced):
        return _Outcome.BUSY
    return _Outcome.MOVED if change is not None else _Outcome.NOT_WAITING
