"""The order flow as counts, read from the same changes the alerts are (pure).

Counted where the tables change, not where a request was answered, so an order is counted
once however many functions or retries touched it — except that a stream record delivered
twice counts twice (metrics are at least once).
"""

from __future__ import annotations


from datetime import date, datetime

from oms.alerting.signals import Image, waiting_for
from oms.models import OrderStatus as O
from oms.models import ShipmentStatus as S

Count = tuple[str, tuple[tuple[str, str], ...]]  # a metric's name and its extra dimensions

_FROM_REVIEW = frozenset({None, O.RECEIVED, O.ON_HOLD})
_LEFT = frozenset({S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION})


def order_counts(old: Image | None, new: Image) -> list[Count]:
    was, now = (old or {}).get("status"), new.get("status")
    counts: list[Count] = []
    if old is None:
        counts += [("OrdersReceived", ()), ("OrdersReceived", (("channel", str(new.get("channel"))),))]
    if was != now:
        if now == O.APPROVED and was in _FROM_REVIEW:
            counts.append(("OrdersApproved", ()))
        elif now == O.ON_HOLD:
            counts.append(("OrdersHeld", ()))
        elif now == O.ALLOCATED and was == O.APPROVED:
            counts.append(("OrdersAllocated", ()))
        elif now == O.CANCELLED:
            counts.append(("OrdersCancelled", ()))
        elif now == O.RETURN_REQUESTED:
            counts.append(("ReturnsRequested", ()))
    if waiting_for(new) and not waiting_for(old):
        counts.append(("OrdersBackordered", ()))
    return counts


def _number(shipment_id: str) -> int:
    return int(shipment_id.rsplit("_", 1)[1])


def _day(value: str | None) -> date | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None


def shipment_counts(old: Image | None, new: Image) -> list[Count]:
    was, now = (old or {}).get("status"), new.get("status")
    counts: list[Count] = []
    if old is None and _number(new["shipment_id"]) == 2 and new.get("mode") != "transfer":
        counts.append(("SplitShipments", ()))  # the order now travels in more than one parcel
    if was == now:
        return counts
    if now == S.REJECTED:
        counts.append(("PicksRejected", ()))
    elif now == S.SHIPPED and was not in _LEFT:
        counts.append(("ShipmentsShipped", ()))
    elif now == S.EXCEPTION:
        counts.append(("DeliveryExceptions", ()))
    elif now == S.DELIVERED:
        promised, delivered = _day(new.get("promised_by")), _day(new.get("delivered_at"))
        late = promised is not None and delivered is not None and delivered > promised
        counts.append(("DeliveredLate" if late else "DeliveredOnTime", ()))
    return counts
