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
    # From the last replenishment run: demand a day, its reorder point, and how long what is not
    # promised lasts at that pace (None before a run, or when nothing sells).
    forecast_per_day: float | None = None
    planned_reorder_point: int | None = None
    days_of_cover: float | None = None


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
            forecast_per_day=record.planned and float(record.planned.per_day),
            planned_reorder_point=record.planned and record.planned.reorder_point,
            days_of_cover=record.days_of_cover and float(record.days_of_cover),
        ))
    return Availability(sku=sku, channel=channel, available=sum(row.available for row in rows), locations=tuple(rows))


def pickup_stores(available: Availability, locations: list[Location], near: tuple[float, float] | None,
                  ) -> list[tuple[LocationAvailability, float | None]]:
    """Where the SKU can be collected today: stores that hand over the counter and have some,
    nearest first when we know where the customer is (km), else by name."""
    from oms.sourcing import haversine_km

    where = {location.location_id: location for location in locations}
    stores = [row for row in available.locations if row.can_pickup and row.available > 0 and row.location_id in where]

    def distance(row: LocationAvailability) -> float | None:
        place = where[row.location_id]
        return haversine_km(*near, float(place.latitude), float(place.longitude)) if near else None

    ranked = [(row, distance(row)) for row in stores]
    return sorted(ranked, key=lambda pair: (pair[1] if pair[1] is not None else 0.0, pair[0].name))
