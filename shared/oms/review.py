"""Operations' decisions on orders: approve a held one (cancelling is oms.cancellation's), checked
by the lifecycle table; a refused decision is recorded in history."""

from __future__ import annotations

from datetime import datetime

from oms.changes import Change
from oms.deciding import OrderNotFound, decide_and_commit, refusal
from oms.lifecycle import TransitionRefused, check_transition
from oms.models import HistoryEvent, Order, OrderStatus
from oms.ports import Store

__all__ = ["OrderNotFound", "decide"]


def decide(order_id: str, wanted: OrderStatus, actor: str, reason: str | None, store: Store,
           now: datetime | None = None) -> HistoryEvent:
    """Moves the order to `wanted`; raises OrderNotFound, TransitionRefused or OrderKeptChanging."""
    def move(order: Order, at: datetime) -> Change:
        try:
            check_transition(order.status, wanted)
        except TransitionRefused:
            store.commit(refusal(order_id, actor, at, f"{wanted} refused: the order is {order.status}"))
            raise
        event = HistoryEvent(at=at, actor=actor, from_status=order.status, to_status=wanted,
                             reason=reason or f"{wanted} by {actor}")
        return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status,
                      order_version=order.version, order_to=wanted, history=(event,))

    return decide_and_commit(order_id, store, move, now)[1].history[0]
