"""Allocating an approved order: source it, then reserve its stock, use its locations'
capacity and write its shipments, as one change.

Sourcing reads stock and capacity, then the commit takes them conditioned on their still
being there; another order may take them in between, so a lost race reads again and
sources again, a bounded number of times. Running this twice for one order is harmless:
the second finds the order no longer approved, or its version moved on.

Nothing is sent from here: each new shipment reaches its location from the Orders stream,
where the committed shipment itself is the request to pick (see functions/pick_requests).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from oms import ids
from oms.contention import pause
from oms.changes import (
    CapacityRanOut,
    CapacityUse,
    Change,
    ChangeConflict,
    ChangeContended,
    ChangeTooLarge,
    Movement,
    MovementKind,
    StockRanOut,
    Waiting,
)
from oms.lifecycle import check_transition, derived_status, outstanding_units
from oms.models import (
    HistoryEvent,
    Location,
    Order,
    OrderStatus,
    Shipment,
    ShipmentChange,
    ShipmentLine,
    ShipmentMode,
    ShipmentStatus,
)
from oms.ports import Store
from oms.eta import origin_of, promised_by
from oms.promises import ship_by
from oms.sourcing import Candidate, PlannedShipment, SourcingPlan, SourcingRequest, source

# Sourcing again after stock or capacity was taken meanwhile: a few times, then the stream retries.
RACES = 3
# Committing again after another transaction held one of the items: more often, as holding is brief.
CONTENDED = 8
ACTOR = "allocation"
# Held for a person: more lines than one transaction can reserve at once.
TOO_LARGE = "too_large_to_allocate"


class StockKeptChanging(RuntimeError):
    """Every attempt lost its race for stock; the record is retried by the event source."""


@dataclass(frozen=True)
class Allocated:
    order_id: str
    status: OrderStatus
    shipments: tuple[Shipment, ...]


def allocate(order_id: str, store: Store, now: datetime | None = None) -> Allocated | None:
    """Allocates the order if it is still approved; None when there was nothing to do."""
    now = now or datetime.now(UTC)
    lost = Counter()
    while lost["race"] < RACES and lost["contended"] < CONTENDED:
        order = store.order(order_id)
        if order is None or order.status != OrderStatus.APPROVED:
            return None
        locations = {location.location_id: location for location in store.locations()}
        days = {location_id: location.today(now) for location_id, location in locations.items()}
        used = store.capacity_used(days)
        plan = source(_outstanding(order), _candidates(order, store, locations.values(), used))
        change = allocation_change(order, plan, locations, days, now)
        try:
            store.commit(change)
        except (StockRanOut, CapacityRanOut, ChangeConflict, ChangeContended) as lost_to:
            # ChangeConflict: the order changed since it was read. It may still be approved (an
            # address edited), and no later record need come to source it: read it again.
            lost["contended" if isinstance(lost_to, ChangeContended) else "race"] += 1
            pause(lost.total())
            continue
        except ChangeTooLarge:
            store.commit(_held_as_too_large(order, now))
            return Allocated(order_id, OrderStatus.ON_HOLD, ())
        return Allocated(order_id, change.order_to, change.new_shipments)
    raise StockKeptChanging(order_id)


def _outstanding(order: Order) -> SourcingRequest:
    """What is still to source, away from every location that rejected a shipment of this order."""
    rejected_by = {shipment.location_id for shipment in order.shipments if shipment.status == ShipmentStatus.REJECTED}
    request = SourcingRequest.for_order(order, excluded=rejected_by)
    missing = outstanding_units(order)
    lines = tuple(replace(demand, quantity=missing[demand.line_no]) for demand in request.lines
                  if demand.line_no in missing)
    return replace(request, lines=lines)


def _candidates(order: Order, store: Store, locations, used: dict[str, int],
                given_back: Counter | None = None) -> list[Candidate]:
    stock = [record for sku in sorted({line.sku for line in order.lines}) for record in store.stock(sku)]
    if given_back:
        stock = [record.model_copy(update={"reserved": record.reserved - given_back[(record.sku, record.location_id)]})
                 for record in stock]
    return [Candidate.of(location, stock, used.get(location.location_id, 0)) for location in locations]


def best_plan(order: Order, store: Store, giving_back: tuple[Shipment, ...], now: datetime) -> SourcingPlan:
    """How the order would be sourced now if these open shipments of it gave their units and
    capacity back: what an address change compares the shipments it has with."""
    freed = Counter()
    for shipment in giving_back:
        for line in shipment.lines:
            freed[(line.sku, shipment.location_id)] += line.quantity
    without = order.model_copy(update={"shipments": tuple(s for s in order.shipments if s not in giving_back)})
    locations = {location.location_id: location for location in store.locations()}
    days = {location_id: location.today(now) for location_id, location in locations.items()}
    used = store.capacity_used(days)
    for shipment in giving_back:
        if shipment.capacity_day == days.get(shipment.location_id):
            used[shipment.location_id] = used.get(shipment.location_id, 0) - shipment.units
    return source(_outstanding(without), _candidates(without, store, locations.values(), used, freed))


def allocation_change(order: Order, plan: SourcingPlan, locations: dict[str, Location], days: dict[str, date],
                      now: datetime) -> Change:
    """The plan as a change: shipments, their reservations and capacity, and the order's derived status."""
    trace = plan.trace.model_dump(mode="json")
    planned = (*plan.shipments, *plan.transfers)
    shipments = tuple(
        _shipment(order, ids.shipment_id(order.order_id, number), part, locations[part.location_id],
                  days[part.location_id], now, trace)
        for number, part in enumerate(planned, start=len(order.shipments) + 1)
    )
    status = derived_status(order, (*order.shipments, *shipments))
    check_transition(order.status, status)
    short = sum(line.quantity for line in (*plan.backorders, *plan.waiting))
    reason = f"sourced to {len(shipments)} location(s)" + (f"; {short} unit(s) backordered or waiting" if short else "")
    events = (
        HistoryEvent(at=now, actor=ACTOR, from_status=order.status, to_status=status, reason=reason),
        *(HistoryEvent(at=now, actor=ACTOR, shipment=ShipmentChange(shipment_id=s.shipment_id, to_status=s.status),
                       reason=f"{s.units} unit(s) from {s.location_id}, to leave by {s.ship_by}")
          for s in shipments),
    )
    promises = [s.promised_by for s in shipments if s.promised_by]
    # The first promise is kept: sourcing again after a rejection does not move what the customer was told.
    header = {"promised_delivery": max(promises).isoformat()} if promises and order.promised_delivery is None else {}
    short_of = Counter()
    for line in plan.backorders:
        short_of[line.sku] += line.quantity
    header["waiting_skus"] = sorted(short_of)
    return Change(
        at=now, actor=ACTOR, order_id=order.order_id, order_from=order.status, order_version=order.version,
        order_to=status, new_shipments=shipments, header=header,
        waits=tuple(Waiting(sku, units, order.placed_at) for sku, units in sorted(short_of.items())),
        waits_over=tuple(Waiting(sku, 0, order.placed_at) for sku in sorted(set(order.waiting_skus) - set(short_of))),
        movements=tuple(Movement(line.sku, s.location_id, MovementKind.RESERVE, reserved=line.quantity,
                                 reason=f"reserved for {s.shipment_id}", order_id=order.order_id,
                                 shipment_id=s.shipment_id) for s in shipments for line in s.lines),
        capacity=tuple(CapacityUse(s.location_id, s.capacity_day, s.units, locations[s.location_id].daily_capacity)
                       for s in shipments),
        history=events,
    )


def _shipment(order: Order, shipment_id: str, part: PlannedShipment, location: Location, day: date, now: datetime,
              trace: dict) -> Shipment:
    names = {number: line.name for number, line in enumerate(order.lines, start=1)}
    mode = ShipmentMode(part.mode)
    leaves_by = ship_by(order.delivery.method, mode, location.shipping_day(now))
    origin = origin_of(location)
    return Shipment(
        shipment_id=shipment_id, order_id=order.order_id, location_id=part.location_id,
        lines=tuple(ShipmentLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity, name=names[line.line_no])
                    for line in part.lines),
        created_at=now, mode=mode, channel=order.channel, channel_order_number=order.channel_order_number,
        ship_by=leaves_by, capacity_day=day, origin=origin,
        promised_by=promised_by(order, leaves_by, origin) if mode == ShipmentMode.SHIP else None,
        transfer_to=order.delivery.pickup_location_id if mode == ShipmentMode.TRANSFER else None,
        trace={**trace, "mode": part.mode},
    )


def _held_as_too_large(order: Order, now: datetime) -> Change:
    event = HistoryEvent(at=now, actor=ACTOR, from_status=order.status, to_status=OrderStatus.ON_HOLD,
                         reason="held: too many lines to reserve in one transaction; split the order to allocate it")
    return Change(at=now, actor=ACTOR, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=OrderStatus.ON_HOLD, hold_reasons=(TOO_LARGE,), history=(event,))
