"""Available to promise: what each location, and all of them, can still promise of a SKU."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from oms.models import Location, Stock


class LocationAvailability(BaseModel):
    model_config = ConfigDict(frozen=True)

    location_id: str
    name: str
    kind: str
    on_hand: int
    reserved: int
    safety_stock: int
    available: int  # never below zero here: a shortfall promises nothing
    can_ship: bool
    can_pickup: bool


class Availability(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    channel: str | None
    available: int
    locations: tuple[LocationAvailability, ...]


def availability(sku: str, stock: list[Stock], locations: list[Location], channel: str | None = None) -> Availability:
    """Per location and in total; with a channel, only the locations that serve it count."""
    by_id = {location.location_id: location for location in locations}
    rows = []
    for record in sorted(stock, key=lambda s: s.location_id):
        location = by_id.get(record.location_id)
        if location is None or (channel is not None and channel not in location.channels):
            continue
        rows.append(LocationAvailability(
            location_id=location.location_id, name=location.name, kind=location.kind, on_hand=record.on_hand,
            reserved=record.reserved, safety_stock=record.safety_stock, available=max(0, record.available),
            can_ship=location.can_ship, can_pickup=location.can_pickup,
        ))
    return Availability(sku=sku, channel=channel, available=sum(row.available for row in rows), locations=tuple(rows))
