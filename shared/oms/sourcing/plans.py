"""What sourcing is given (lines, candidate locations, a request) and what it gives back (a
plan of shipments, with the trace of why), and the rounding both sides show money and distance in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from oms.geocoding import Destination, locate
from oms.models import CHANNELS, DeliveryMethod, Location, LocationKind, Order, ShipmentLine, Stock

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Demand:
    """One order line to source; `line_no` counts from 1, as on shipments."""

    line_no: int
    sku: str
    quantity: int
    unit_weight_kg: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A location as sourcing sees it: where it is, what it may do and what it can still promise."""

    location_id: str
    kind: LocationKind
    latitude: float
    longitude: float
    available: Mapping[str, int]  # units per SKU that may still be promised; below zero is none
    can_ship: bool = True
    can_pickup: bool = False
    remaining_capacity: int = 1000  # units it can still pick today
    channels: frozenset[str] = frozenset(CHANNELS)
    handling_cost: float | None = None  # per unit picked; None: the cost model's figure for its kind

    @classmethod
    def of(cls, location: Location, stock: Iterable[Stock], picked_today: int = 0) -> Candidate:
        """A location and its stock records. A handling cost of zero is what a location that never
        stated one holds, so it stands for the cost model's figure for its kind."""
        return cls(
            location_id=location.location_id, kind=LocationKind(location.kind),
            latitude=float(location.latitude), longitude=float(location.longitude),
            available={record.sku: record.available for record in stock if record.location_id == location.location_id},
            can_ship=location.can_ship, can_pickup=location.can_pickup,
            remaining_capacity=max(0, location.daily_capacity - picked_today), channels=frozenset(location.channels),
            handling_cost=float(location.handling_cost) if location.handling_cost else None,
        )


@dataclass(frozen=True)
class SourcingRequest:
    """What to source: the lines, for which channel, to where or for pickup at which store."""

    lines: tuple[Demand, ...]
    channel: str
    destination: Destination | None = None  # None: distance is not priced (and unused for a pickup)
    pickup_location_id: str | None = None
    excluded: frozenset[str] = field(default_factory=frozenset)  # e.g. a store that rejected the pick

    @classmethod
    def for_order(cls, order: Order, unit_weights_kg: Mapping[str, float] | None = None,
                  excluded: Iterable[str] = ()) -> SourcingRequest:
        weights = unit_weights_kg or {}
        pickup = order.delivery.method == DeliveryMethod.STORE_PICKUP
        return cls(
            lines=tuple(Demand(number, line.sku, line.quantity, weights.get(line.sku))
                        for number, line in enumerate(order.lines, start=1)),
            channel=order.channel,
            destination=None if pickup or order.shipping_address is None else locate(order.shipping_address),
            pickup_location_id=order.delivery.pickup_location_id,
            excluded=frozenset(excluded),
        )


# ---------------------------------------------------------------------------- what comes out


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedShipment(_Frozen):
    """Units one location sends to the customer (ship), hands over at its counter (pickup) or
    sends to the pickup store (transfer), with its share of the plan's cost."""

    location_id: str
    mode: Literal["ship", "pickup", "transfer"]
    lines: tuple[ShipmentLine, ...]
    distance_km: Decimal | None
    shipping: Decimal
    handling: Decimal
    shipment_cost: Decimal


Decision = Literal["chosen", "costlier", "not_needed", "no_stock", "no_capacity", "cannot_ship",
                   "cannot_pickup", "excluded", "channel_not_served"]


class Verdict(_Frozen):
    """Why a location does or does not take part in the plan."""

    location_id: str
    decision: Decision
    reason: str
    distance_km: Decimal | None = None
    costlier_by: Decimal | None = None  # the best plan found that uses it, over the chosen plan


class CostTerms(_Frozen):
    shipping: Decimal
    shipments: int
    shipment_cost: Decimal  # shipments × the cost model's shipment cost
    handling: Decimal
    total: Decimal


class SourcingTrace(_Frozen):
    """The decision, for staff and the chatbot: where the destination is and how it was found,
    every location looked at and why it was or was not used, and what the plan costs."""

    destination: Destination | None  # None for a pickup (transfers go to the store)
    search: Literal["exact", "heuristic", "none"]  # exact: proven optimal; none: nothing to choose
    evaluated: int  # sets of locations priced
    considered: tuple[Verdict, ...]
    cost: CostTerms


class SourcingPlan(_Frozen):
    shipments: tuple[PlannedShipment, ...]  # to the customer, or handed over at the pickup store
    transfers: tuple[PlannedShipment, ...]  # to the pickup store
    waiting: tuple[ShipmentLine, ...]  # units of a pickup that wait for the transfers: not to be handed over yet
    backorders: tuple[ShipmentLine, ...]  # units no eligible location can give now
    trace: SourcingTrace



def line_of(demand: Demand, units: int) -> ShipmentLine:
    return ShipmentLine(line_no=demand.line_no, sku=demand.sku, quantity=units)


def money(amount: float) -> Decimal:
    return Decimal(repr(amount)).quantize(_CENT)


def km(distance: float | None) -> Decimal | None:
    return None if distance is None else Decimal(repr(distance)).quantize(_TENTH)


def cost_terms(shipments: Iterable[PlannedShipment]) -> CostTerms:
    shipments = tuple(shipments)
    shipping = sum((s.shipping for s in shipments), Decimal(0))
    handling = sum((s.handling for s in shipments), Decimal(0))
    fixed = sum((s.shipment_cost for s in shipments), Decimal(0))
    return CostTerms(shipping=shipping, handling=handling, shipment_cost=fixed, total=shipping + handling + fixed,
                     shipments=sum(1 for s in shipments if s.mode != "pickup"))
