"""Recording what carriers say: find the shipment by its tracking number, apply the events, or
park them until a shipment records that number.

A carrier can be faster than the location: its first scan may arrive before the location's
`ship` call has recorded the number. Those events wait (`park`) for a week and are applied when
the number is recorded (`apply_parked`, from the Orders stream). Parking then looking again
closes the window where the number was recorded between the first look and the parking.

A carrier may also go quiet (UPS drops events while an endpoint is down): `sweep_silent` asks
the aggregator again for shipments not heard of for a while, and calls them delayed if still
nothing comes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from oms.carriers import TrackingUpdate, carrier_slug
from oms.deciding import decide_and_commit
from oms.models import Order, Shipment
from oms.ports import Store
from oms.tracking import apply, silent

SWEEP = "tracking-sweep"


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_KNOWN = "already_known"  # every event was recorded before
    PARKED = "parked"  # no shipment has the number yet


@dataclass(frozen=True)
class Tracked:
    """A shipment as the tracking index knows it."""

    order_id: str
    shipment_id: str
    carrier: str | None


class TrackingIndex(Protocol):
    def shipments_numbered(self, tracking_number: str) -> list[Tracked]: ...

    def park(self, update: TrackingUpdate, at: datetime) -> None: ...

    def parked(self, tracking_number: str, now: datetime) -> list[TrackingUpdate]: ...


def record(update: TrackingUpdate, store: Store, index: TrackingIndex, now: datetime) -> Outcome:
    tracked = _shipment_for(update, index)
    if tracked is None:
        index.park(update, now)
        tracked = _shipment_for(update, index)
        if tracked is None:
            return Outcome.PARKED
    return _applied(update, tracked, store, now)


def apply_parked(tracking_number: str, store: Store, index: TrackingIndex, now: datetime) -> int:
    """Applies what waited for a number just recorded; how many pushes it applied."""
    applied = 0
    for update in index.parked(tracking_number, now):
        tracked = _shipment_for(update, index)
        if tracked is not None and _applied(update, tracked, store, now) == Outcome.APPLIED:
            applied += 1
    return applied


def _shipment_for(update: TrackingUpdate, index: TrackingIndex) -> Tracked | None:
    """The shipment with this number; when carriers share it, the one of this carrier."""
    found = index.shipments_numbered(update.tracking_number)
    if len(found) > 1 and update.carrier:
        found = [shipment for shipment in found if carrier_slug(shipment.carrier) == carrier_slug(update.carrier)]
    return found[0] if len(found) == 1 else None


def _applied(update: TrackingUpdate, tracked: Tracked, store: Store, now: datetime) -> Outcome:
    actor = f"carrier:{update.provider}"

    def decide(order: Order, at: datetime):
        shipment = next(s for s in order.shipments if s.shipment_id == tracked.shipment_id)
        return apply(order, shipment, update, actor, at)

    _, change = decide_and_commit(tracked.order_id, store, decide, now)
    return Outcome.APPLIED if change is not None else Outcome.ALREADY_KNOWN


Refetch = Callable[[Shipment], list[TrackingUpdate]]


def sweep_silent(order_ids: Iterable[str], store: Store, refetch: Refetch | None, after: timedelta,
                 now: datetime) -> int:
    """Shipments on their way that no carrier has reported on for `after`: their tracking is
    fetched again where an aggregator is configured (UPS drops events while an endpoint is
    down), and those still silent are called delayed, once. How many were called delayed."""
    delayed = 0
    for order_id in order_ids:
        order = store.order(order_id)
        for shipment in order.shipments if order else ():
            if silent(order, shipment, SWEEP, now, after) is None:
                continue
            for update in (refetch(shipment) if refetch else ()):
                _applied(update, Tracked(order_id, shipment.shipment_id, shipment.carrier), store, now)
            if _raise_silence(order_id, shipment.shipment_id, store, after, now):
                delayed += 1
    return delayed


def _raise_silence(order_id: str, shipment_id: str, store: Store, after: timedelta, now: datetime) -> bool:
    def decide(order: Order, at: datetime):
        shipment = next(s for s in order.shipments if s.shipment_id == shipment_id)
        return silent(order, shipment, SWEEP, at, after)

    _, change = decide_and_commit(order_id, store, decide, now)
    return change is not None
