"""Operations' decisions on orders: approve a held one, or cancel, checked by the lifecycle table.

Cancelling gives back what the order's unshipped shipments reserved, and the capacity they
took, in the same change as the cancellation, so it happens exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from oms.changes import CapacityUse, Change, ChangeConflict, ChangeContended, Movement, MovementKind, ShipmentMove
from oms.errors import Conflict, NotFound
from oms.lifecycle import OPEN, TransitionRefused, check_transition
from oms.models import HistoryEvent, Order, OrderStatus, ShipmentChange, ShipmentStatus
from oms.ports import Store

ATTEMPTS = 4


class OrderNotFound(NotFound):
    pass


class OrderKeptChanging(Conflict):
    pass


def decide(order_id: str, wanted: OrderStatus, actor: str, reason: str | None, store: Store,
           now: datetime | None = None) -> HistoryEvent:
    """Moves the order to `wanted`; raises OrderNotFound, TransitionRefused or OrderKeptChanging."""
    for _ in range(ATTEMPTS):
        at = now or datetime.now(UTC)
        order = store.order(order_id)
        if order is None:
            raise OrderNotFound(f"no order {order_id}")
        try:
            check_transition(order.status, wanted)
        except TransitionRefused:
            store.commit(Change(at=at, actor=actor, order_id=order_id, history=(HistoryEvent(
                at=at, actor=actor, refused=True, reason=f"{wanted} refused: the order is {order.status}"),)))
            raise
        change = _decision(order, wanted, actor, reason, at)
        try:
            store.commit(change)
        except (ChangeConflict, ChangeContended):
            continue
        return change.history[0]
    raise OrderKeptChanging(f"order {order_id} kept changing; read it and try again")


def _decision(order: Order, wanted: OrderStatus, actor: str, reason: str | None, at: datetime) -> Change:
    event = HistoryEvent(at=at, actor=actor, from_status=order.status, to_status=wanted,
                         reason=reason or f"{wanted} by {actor}")
    unshipped = [s for s in order.shipments if s.status in OPEN] if wanted == OrderStatus.CANCELLED else []
    return Change(
        at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
        order_to=wanted,
        shipment_moves=tuple(ShipmentMove(s, ShipmentStatus.CANCELLED) for s in unshipped),
        movements=tuple(Movement(line.sku, s.location_id, MovementKind.RELEASE, reserved=-line.quantity,
                                 reason="order cancelled", order_id=order.order_id, shipment_id=s.shipment_id)
                        for s in unshipped for line in s.lines),
        capacity=tuple(CapacityUse(s.location_id, s.capacity_day, -s.units) for s in unshipped if s.capacity_day),
        history=(event, *(HistoryEvent(at=at, actor=actor, reason="order cancelled: its units are given back",
                                       shipment=ShipmentChange(shipment_id=s.shipment_id, from_status=s.status,
                                                               to_status=ShipmentStatus.CANCELLED))
                          for s in unshipped)),
    )
