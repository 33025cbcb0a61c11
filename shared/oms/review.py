"""Operations' decisions on held orders: approve or cancel, checked by the lifecycle table."""

from __future__ import annotations

from datetime import UTC, datetime

from oms.lifecycle import check_transition
from oms.models import HistoryEvent, OrderStatus
from oms.store.orders import OrderReview


class OrderNotFound(LookupError):
    pass


def decide(order_id: str, wanted: OrderStatus, actor: str, reason: str | None, review: OrderReview,
           now: datetime | None = None) -> HistoryEvent:
    """Moves the order to `wanted`; raises OrderNotFound, TransitionRefused or StatusChanged."""
    current = review.status_of(order_id)
    if current is None:
        raise OrderNotFound(order_id)
    check_transition(current, wanted)
    event = HistoryEvent(at=now or datetime.now(UTC), actor=actor, from_status=OrderStatus(current),
                         to_status=wanted, reason=reason or f"{wanted} by {actor}")
    review.change_status(order_id, current, event)
    return event
