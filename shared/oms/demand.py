"""Daily demand, counted from the Orders stream (pure): what each change adds to a SKU's day at a
location or on a channel.

Every count names the event it comes from, so the store applies it once however often the
stream delivers it. Units ordered are counted twice over, by where they were ordered (the
channel, when the order arrives) and by where they were sourced (the location, when its shipment
is made); a shipment rejected or cancelled before it left takes its units back from its location
on the day it added them, so a re-sourced line counts once, at the location that ships it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from oms.models import OrderLine, ShipmentStatus

Image = Mapping[str, Any]  # a stream record's image, deserialised

# A shipment in one of these gave its units back before they left: they are sourced elsewhere.
_WITHDRAWN = frozenset({ShipmentStatus.REJECTED, ShipmentStatus.CANCELLED})


@dataclass(frozen=True)
class Series:
    """One SKU's daily demand at one location (`where` is its location_id) or on one channel."""

    kind: Literal["location", "channel"]
    sku: str
    where: str

    @classmethod
    def at_location(cls, sku: str, location_id: str) -> Series:
        return cls("location", sku, location_id)

    @classmethod
    def on_channel(cls, sku: str, channel: str) -> Series:
        return cls("channel", sku, channel)


@dataclass(frozen=True)
class DemandCount:
    """Units one event adds to one series' day; `event` is what it is applied once by."""

    series: Series
    day: date
    event: str
    ordered: int = 0
    shipped: int = 0


@dataclass(frozen=True)
class DailyDemand:
    """A series' day as read back. `stock_out`: the location had nothing to promise at some point
    that day, so the day's demand is a floor, not a measure."""

    day: date
    ordered: int
    shipped: int
    stock_out: bool


def ordered_on_channel(header: Image, lines: Mapping[int, OrderLine]) -> list[DemandCount]:
    """A new order: each line's units on its channel, on the day it was placed (UTC)."""
    day, channel = _day(header["placed_at"]), header["channel"]
    return [DemandCount(Series.on_channel(line.sku, channel), day, f"{header['order_id']}#L{number:03d}#ordered",
                        ordered=line.quantity)
            for number, line in sorted(lines.items())]


def shipment_counts(old: Image | None, new: Image | None, at: datetime) -> list[DemandCount]:
    """A shipment made, given back or gone. `at`: when the change happened, the day a shipment that
    left without saying when is counted on."""
    if not new:
        return []
    old = old or {}
    shipment_id, location = new["shipment_id"], new["location_id"]
    units = _units_by_sku(new["lines"])
    counts: list[DemandCount] = []
    if not old:
        counts += [DemandCount(Series.at_location(sku, location), _day(new["created_at"]),
                               f"{shipment_id}#{sku}#ordered", ordered=n) for sku, n in units.items()]
    if _withdrawn(new) and not _withdrawn(old):
        counts += [DemandCount(Series.at_location(sku, location), _day(new["created_at"]),
                               f"{shipment_id}#{sku}#withdrawn", ordered=-n) for sku, n in units.items()]
    if _left(new) and not _left(old):
        day = _day(new["shipped_at"]) if new.get("shipped_at") else at.astimezone(UTC).date()
        channel = new.get("channel")  # shipments made before they carried their order's channel have none
        for sku, n in units.items():
            places = [Series.at_location(sku, location)] + ([Series.on_channel(sku, channel)] if channel else [])
            # One fact, two series: each its own event, or the second would read as counted already.
            counts += [DemandCount(series, day, f"{shipment_id}#{sku}#shipped#{series.kind}", shipped=n)
                       for series in places]
    return counts


def stocked_out(stock: Image | None) -> bool:
    """A stock item with nothing left to promise. Items a transaction makes may first arrive with
    their keys alone: those say nothing yet."""
    return bool(stock) and "available" in stock and int(stock["available"]) <= 0


def _left(shipment: Image) -> bool:
    return bool(shipment.get("shipped_at")) or shipment.get("status") == ShipmentStatus.SHIPPED


def _withdrawn(shipment: Image) -> bool:
    return shipment.get("status") in _WITHDRAWN


def _units_by_sku(lines: list[Image]) -> dict[str, int]:
    units: dict[str, int] = {}
    for line in lines:
        units[line["sku"]] = units.get(line["sku"], 0) + int(line["quantity"])
    return units


def _day(at: str) -> date:
    return datetime.fromisoformat(at).astimezone(UTC).date()
