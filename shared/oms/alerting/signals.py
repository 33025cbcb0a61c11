"""What a change of an order, a shipment, a stock level or a chat case signals (pure).

Each reader compares the item before and after the change (a stream record's old and new
images, as plain values), so a record delivered twice signals the same thing twice, and the
alert book, not this module, makes that harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from oms.alerting.kinds import kind_of
from oms.models import Location, OrderStatus, ShipmentStatus

Image = Mapping[str, Any]

# An order re-sent to sourcing (approved again) still waits for what it waited for.
_MAY_WAIT = frozenset({OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.PARTIALLY_SHIPPED,
                       OrderStatus.APPROVED})
# An exception is its own condition; a delay alert for it would say the same twice.
_DELAYS_OF_THEIR_OWN = frozenset({"exception"})


@dataclass(frozen=True)
class Signal:
    kind: str
    member: str
    scope: tuple[tuple[str, str], ...] = ()
    holds: bool = True  # False: the member no longer meets the condition
    context: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # e.g. the order a case is about

    @property
    def condition(self) -> str:
        return "#".join([self.kind, *(value for _, value in self.scope)])


def _signal(kind: str, member: str, holds: bool = True, **scope: str) -> Signal:
    return Signal(kind, member, tuple(scope.items()), holds)


# ---------------------------------------------------------------- orders


def waiting_for(image: Image | None) -> set[str]:
    if not image or image.get("status") not in _MAY_WAIT:
        return set()
    return set(image.get("waiting_skus") or ())


def _held(image: Image | None) -> bool:
    return (image or {}).get("status") == OrderStatus.ON_HOLD


def order_signals(old: Image | None, new: Image | None) -> list[Signal]:
    """An order header's change: held for review, waiting for stock."""
    order_id = (new or old)["order_id"]
    signals = [_signal("held", order_id, _held(new))] if _held(old) != _held(new) else []
    before, after = waiting_for(old), waiting_for(new)
    return signals + [_signal("backordered", order_id, sku in after, sku=sku) for sku in sorted(before ^ after)]


def shipment_signals(old: Image | None, new: Image) -> list[Signal]:
    """A shipment's change: rejected by its location, a delivery exception begun or ended."""
    was, now = (old or {}).get("status"), new.get("status")
    if was == now:
        return []
    shipment_id = new["shipment_id"]
    signals = []
    if now == ShipmentStatus.REJECTED:
        signals.append(_signal("location_rejection", shipment_id, location=new["location_id"]))
    if ShipmentStatus.EXCEPTION in (was, now):
        signals.append(_signal("delivery_exception", shipment_id, now == ShipmentStatus.EXCEPTION,
                               carrier=new.get("carrier") or "unknown carrier"))
    return signals


def history_signals(event: Image, order_id: str) -> list[Signal]:
    """An alert an order's history records (a cancellation after shipment, a delay, ...)."""
    alert = event["alert"]
    if alert == "shipment_delayed":
        reason = (event.get("delay") or {}).get("reason", "late")
        return [] if reason in _DELAYS_OF_THEIR_OWN else [_signal(alert, order_id, reason=reason)]
    return [Signal(kind_of(alert).name, order_id)]


def case_signals(case: Image) -> list[Signal]:
    """A customer handed to a person in the chat."""
    context = (("order_id", case["order_id"]),) if case.get("order_id") else ()
    return [Signal("chat_handoff", case["case_id"], (("shop", case.get("shop") or "unknown shop"),),
                   context=context)]


# ---------------------------------------------------------------- stock


def _reorder_point(image: Image) -> int:
    """The one ops set; else the one the last replenishment run planned."""
    return image.get("reorder_point") or (image.get("planned") or {}).get("reorder_point", 0)


def _low(image: Image | None) -> bool:
    return bool(image) and 0 < image.get("available", 0) < _reorder_point(image)


def _out(image: Image | None) -> bool:
    return bool(image) and image.get("available", 0) <= 0


def stock_signals(old: Image | None, new: Image) -> list[Signal]:
    """A SKU's stock at one location: below its reorder point, out, back."""
    sku, location = new["sku"], new["location_id"]
    signals = []
    if _low(old) != _low(new):
        signals.append(_signal("low_stock", sku, _low(new), location=location))
    # A SKU listed at a location with nothing yet was never in stock there: not an outage.
    if old is not None and _out(old) != _out(new):
        signals.append(_signal("out_of_stock", sku, _out(new), location=location))
    return signals


def back_in_stock(cleared: Signal) -> Signal:
    """An out-of-stock condition that cleared for a SKU at a location is news for ops."""
    return Signal("back_in_stock", cleared.member, cleared.scope)


def sold_out_signals(sku: str, available: Mapping[str, int], locations: Iterable[Location]) -> list[Signal]:
    """For each channel, whether every location that sells to it and holds the SKU is out of it
    (`available`: the SKU's units free to promise, by location)."""
    channels: dict[str, list[int]] = {}
    for location in locations:
        if location.location_id in available:
            for channel in location.channels:
                channels.setdefault(str(channel), []).append(available[location.location_id])
    return [_signal("sold_out", sku, all(units <= 0 for units in levels), channel=channel)
            for channel, levels in sorted(channels.items())]
