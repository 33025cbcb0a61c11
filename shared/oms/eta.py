"""The dates a customer is given: the day they are promised their parcel when it is sourced, and
its ETA when it leaves, from how long parcels like it took (`oms.transit`).

- Promised: the day the location promises to ship it (its working days, from the next one after
  its cut-off) plus the starting table's p90 for the delivery method: a promise is made before
  anyone knows the carrier, and nine parcels in ten beat it.
- ETA: when it leaves with a carrier and service, the p50 (and p90) of the lane from its
  location's region to the customer's, learned from delivered shipments; the carrier's own
  estimate replaces the p50 when a tracking event brings one.
- Every delivery adds itself to its lane's histograms, in the change that records it.

Transit is counted on a Monday-to-Friday delivery calendar: carriers' Saturday services and
holidays differ by carrier and country, and are not known here. Days are UTC days: a shipment
records when it left, not its location's calendar day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from oms.carriers import carrier_slug
from oms.changes import TransitCount
from oms.models import Location, Order, Shipment, ShipmentMode, Tracking
from oms.transit import (
    DeliveryCalendar,
    Lane,
    LaneCounts,
    LaneKey,
    delivered_buckets,
    estimate,
    lane_keys,
    service_for,
)

CALENDAR = DeliveryCalendar()
_UNKNOWN_CARRIER = "any"


def region(country: str, subdivision: str | None) -> str:
    """"US-NV" for a subdivision code, else the country: a name ("Nevada") is not a code."""
    code = (subdivision or "").strip().upper().removeprefix(f"{country}-")
    return f"{country}-{code}" if 1 <= len(code) <= 3 and code.isalnum() else country


def origin_of(location: Location) -> str:
    return region(location.country, location.region)


def promised_by(order: Order, ship_by: date, origin: str) -> date | None:
    """The day the customer is promised a parcel that leaves by `ship_by` (None: a pickup, a transfer)."""
    destination = _destination(order)
    if destination is None:
        return None
    lane = Lane(_UNKNOWN_CARRIER, service_for(order.delivery.method), origin, destination)
    return estimate(ship_by, lane, {}, CALENDAR).p90


def lane_of(order: Order, shipment: Shipment, carrier: str | None, service: str | None) -> Lane | None:
    destination = _destination(order)
    if destination is None or shipment.origin is None or shipment.mode == ShipmentMode.TRANSFER:
        return None
    return Lane(carrier_slug(carrier) or _UNKNOWN_CARRIER, (service or service_for(order.delivery.method)).lower(),
                shipment.origin, destination)


def on_leaving(order: Order, shipment: Shipment, carrier: str, service: str | None, shipped_on: date,
               histograms: Callable[[list[LaneKey]], Mapping[LaneKey, Mapping[str, int]]]) -> Tracking:
    """The shipment's tracking as it leaves: its ETA from the lane's history (`histograms` reads
    the stored counts of the lanes it is given), or the starting table."""
    lane = lane_of(order, shipment, carrier, service)
    if lane is None:
        return shipment.tracking
    stored = histograms(lane_keys(lane))
    guess = estimate(shipped_on, lane, {key: LaneCounts.from_item_attributes(counts) for key, counts in stored.items()},
                     CALENDAR)
    return shipment.tracking.model_copy(update={"eta": guess.p50, "eta_latest": guess.p90,
                                                "eta_source": str(guess.source)})


def on_delivery(order: Order, shipment: Shipment, delivered_at: datetime) -> TransitCount | None:
    """What the delivery teaches: its transit, counted at every level of its lane."""
    lane = lane_of(order, shipment, shipment.carrier, shipment.service)
    if lane is None or shipment.shipped_at is None or delivered_at < shipment.shipped_at:
        return None
    buckets = delivered_buckets(shipment.shipped_at.date(), delivered_at.date(), CALENDAR)
    return TransitCount(lanes=tuple(lane_keys(lane)), buckets=tuple(buckets))


def _destination(order: Order) -> str | None:
    if order.shipping_address is None or order.delivery.method == "store_pickup":
        return None
    return region(order.shipping_address.country, order.shipping_address.region)
