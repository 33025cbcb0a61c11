"""Operations' decisions on held orders: approve or cancel, checked by the lifecycle table."""

from __future__ import annotations

from datetime import UTC, datetime

from oms.lifecycle import check_transition
from oms.models import HistoryEvent, OrderStatus, ShipmentStatus
from oms.store.orders import OrderReview, OrderStore
from oms.store.shipments import ShipmentStore


class OrderNotFound(LookupError):
    pass


# Shipments whose units are still reserved, not yet on their way.
_UNSHIPPED = (ShipmentStatus.PENDING, ShipmentStatus.ACCEPTED, ShipmentStatus.PICKED)


def decide(order_id: str, wanted: OrderStatus, actor: str, reason: str | None, review: OrderReview,
           orders: OrderStore, shipments: ShipmentStore, now: datetime | None = None) -> HistoryEvent:
    """Moves the order to `wanted`; raises OrderNotFound, TransitionRefused, StatusChanged or
    ShipmentChanged. Cancelling gives back the stock its unshipped shipments reserved, in the
    same transaction as the cancellation, so it happens exactly once."""
    current = review.status_of(order_id)
    if current is None:
        raise OrderNotFound(order_id)
    check_transition(current, wanted)
    event = HistoryEvent(at=now or datetime.now(UTC), actor=actor, from_status=OrderStatus(current),
                         to_status=wanted, reason=reason or f"{wanted} by {actor}")
    unshipped = []
    if wanted == OrderStatus.CANCELLED:
        order = orders.get(order_id, with_pii=False)
        unshipped = [shipment for shipment in order.shipments if shipment.status in _UNSHIPPED]
    if unshipped:
        shipments.release(unshipped, ShipmentStatus.CANCELLED, event, (current, wanted))
    else:
        review.change_status(order_id, current, event)
    return event
