"""Orders stuck past their service levels, as signals the alert book is brought up to date with."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from oms.alerting.service_levels import ServiceLevels
from oms.alerting.signals import Signal
from oms.lifecycle import OPEN
from oms.models import Location, OrderStatus, utc_iso
from oms.store.alerts import AlertBook
from oms.store.orders import OrderReview
from oms.store.shipments import ShipmentStore

OpenConditions = dict[str, tuple[str, tuple[tuple[str, str], ...], set[str]]]  # condition → kind, scope, members

STUCK_KINDS = frozenset({"stuck_unallocated", "stuck_unshipped", "return_overdue"})


def stuck_orders(kind: str, order_ids: list[str]) -> list[Signal]:
    return [Signal(kind, order_id) for order_id in order_ids]


def stuck_shipments(location_id: str, shipment_ids: list[str]) -> list[Signal]:
    return [Signal("stuck_unshipped", shipment_id, (("location", location_id),)) for shipment_id in shipment_ids]


def reconcile(found: list[Signal], open_conditions: OpenConditions) -> list[Signal]:
    """The signals that leave the book holding exactly what the sweep found stuck: new members
    join, members no longer stuck leave (`open_conditions`: condition → kind, scope, members)."""
    present = {(s.condition, s.member) for s in found}
    joining = [s for s in found if s.member not in open_conditions.get(s.condition, (None, None, set()))[2]]
    leaving = [Signal(kind, member, scope, holds=False)
               for condition, (kind, scope, members) in sorted(open_conditions.items())
               for member in sorted(members) if (condition, member) not in present]
    return joining + leaving


def stuck_now(review: OrderReview, shipments: ShipmentStore, locations: list[Location], levels: ServiceLevels,
              now: datetime) -> list[Signal]:
    """Everything stuck past its service level now: approved and not sourced, past its promised
    ship date at its location, a return requested and nothing received. (A parcel no carrier has
    reported on for days is the tracking sweep's: it raises a `silent` delay.)"""
    found = [*stuck_orders("stuck_unallocated", review.unchanged_since(OrderStatus.APPROVED, utc_iso(levels.unallocated_before(now)))),
             *stuck_orders("return_overdue", review.unchanged_since(OrderStatus.RETURN_REQUESTED,
                                                                    utc_iso(levels.return_requested_before(now))))]
    for location in locations:
        local_now = now.astimezone(ZoneInfo(location.timezone))
        late = [s.shipment_id for status in sorted(OPEN) for s in _open_picks(shipments, location.location_id, status)
                if levels.late_to_ship(s, local_now)]
        found += stuck_shipments(location.location_id, late)
    return found


def open_stuck_conditions(book: AlertBook) -> OpenConditions:
    return {c.condition: (c.kind, c.scope, {m["member"] for m in book.members(c.condition)})
            for c in book.open_conditions() if c.kind in STUCK_KINDS}


def _open_picks(shipments: ShipmentStore, location_id: str, status: str):
    after = None
    while True:
        page, after = shipments.open_picks(location_id, str(status), limit=100, after=after)
        yield from page
        if after is None:
            return
