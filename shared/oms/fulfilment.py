"""What a location does with a shipment sourced to it: accept it, pick it, ship it, or reject it.

Each is one change, checked by the shipment lifecycle and committed whole:
- shipping takes the units out of stock (on hand and reserved fall) as the shipment leaves,
  and the order's status follows from all its shipments (the last one out makes it shipped);
- a rejection gives the units and the day's capacity back and sends the order to be sourced
  again, away from that location; `no_stock` also writes off what that location claimed to
  have free of those SKUs, in the same change, so sourcing stops sending it there.

Asking again for what is already done (a retry) answers with the shipment and changes
nothing; asking for what the lifecycle does not allow is recorded in the order's history as
refused, and refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from oms import eta
from oms.carriers import normal_tracking_number
from oms.changes import CapacityUse, Change, Movement, MovementKind, ShipmentMove
from oms.deciding import decide_and_commit
from oms.errors import NotFound, NotYours
from oms.ids import order_id_of
from oms.lifecycle import DERIVED, TransitionRefused, check_shipment_move, check_transition, derived_status
from oms.models import HistoryEvent, Order, OrderStatus, RejectionReason, Shipment, ShipmentChange, ShipmentStatus
from oms.ports import Store
from oms.tracking import late_on_leaving


class ShipmentNotFound(NotFound):
    pass


class NotThisLocations(NotYours):
    pass


@dataclass(frozen=True)
class _Asked:
    """What the location asks for."""

    to: ShipmentStatus
    carrier: str | None = None
    tracking_number: str | None = None
    service: str | None = None
    reason: RejectionReason | None = None


def accept(shipment_id: str, location_id: str, store: Store, now: datetime | None = None) -> Shipment:
    return _act(shipment_id, location_id, _Asked(ShipmentStatus.ACCEPTED), store, now)


def pick(shipment_id: str, location_id: str, store: Store, now: datetime | None = None) -> Shipment:
    return _act(shipment_id, location_id, _Asked(ShipmentStatus.PICKED), store, now)


def ship(shipment_id: str, location_id: str, carrier: str, tracking_number: str, store: Store,
         now: datetime | None = None, service: str | None = None) -> Shipment:
    """The number is kept as carriers' events will name it (no spaces, upper case)."""
    asked = _Asked(ShipmentStatus.SHIPPED, carrier, normal_tracking_number(tracking_number), service)
    return _act(shipment_id, location_id, asked, store, now)


def reject(shipment_id: str, location_id: str, reason: RejectionReason, store: Store,
           now: datetime | None = None) -> Shipment:
    return _act(shipment_id, location_id, _Asked(ShipmentStatus.REJECTED, reason=RejectionReason(reason)), store, now)


def _act(shipment_id: str, location_id: str, asked: _Asked, store: Store, now: datetime | None) -> Shipment:
    actor = f"location:{location_id}"

    def decide(order: Order, at: datetime) -> Change | None:
        shipment = _own(order, shipment_id, location_id)
        if _already_done(shipment, asked):
            return None
        try:
            check_shipment_move(shipment.status, asked.to)
        except TransitionRefused:
            store.commit(_refused(order, shipment, asked, actor, at))
            raise
        return _change(order, shipment, asked, actor, at, store)

    if not shipment_id.startswith("shp_"):
        raise ShipmentNotFound(f"no shipment {shipment_id}")
    order, change = decide_and_commit(order_id_of(shipment_id), store, decide, now,
                                      missing=f"no shipment {shipment_id}")
    if change is None:
        return _own(order, shipment_id, location_id)
    move = change.shipment_moves[0]
    return move.shipment.model_copy(update=_moved_fields(move))


def _own(order: Order, shipment_id: str, location_id: str) -> Shipment:
    shipment = next((s for s in order.shipments if s.shipment_id == shipment_id), None)
    if shipment is None:
        raise ShipmentNotFound(f"no shipment {shipment_id}")
    if shipment.location_id != location_id:
        raise NotThisLocations("this shipment is another location's")
    return shipment


def _already_done(shipment: Shipment, asked: _Asked) -> bool:
    if shipment.status != asked.to:
        return False
    return asked.to != ShipmentStatus.SHIPPED or (shipment.carrier, shipment.tracking_number) == (
        asked.carrier, asked.tracking_number)


def _refused(order: Order, shipment: Shipment, asked: _Asked, actor: str, at: datetime) -> Change:
    event = HistoryEvent(at=at, actor=actor, refused=True, reason=f"{asked.to} refused: the shipment is {shipment.status}",
                         shipment=ShipmentChange(shipment_id=shipment.shipment_id, from_status=shipment.status,
                                                 to_status=asked.to))
    return Change(at=at, actor=actor, order_id=order.order_id, history=(event,))


def _change(order: Order, shipment: Shipment, asked: _Asked, actor: str, at: datetime, store: Store) -> Change:
    moved = shipment.model_copy(update={"status": asked.to})
    order_to = _order_after(order, moved, asked)
    move = _move(order, shipment, asked, at, store)
    delays: list[HistoryEvent] = []
    if move.tracking is not None:
        tracking, delays = late_on_leaving(shipment, move.tracking, actor, at)
        move = replace(move, tracking=tracking)
    movements, capacity = _stock_effects(order, shipment, asked, store)
    what = {ShipmentStatus.SHIPPED: f"shipped with {asked.carrier}",
            ShipmentStatus.REJECTED: f"rejected: {asked.reason}"}.get(asked.to, str(asked.to))
    event = HistoryEvent(
        at=at, actor=actor, reason=f"shipment {shipment.shipment_id} {what}",
        from_status=order.status if order_to else None, to_status=order_to,
        shipment=ShipmentChange(shipment_id=shipment.shipment_id, from_status=shipment.status, to_status=asked.to),
    )
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, shipment_moves=(move,), movements=movements, capacity=capacity,
                  history=(event, *delays))


def _order_after(order: Order, moved: Shipment, asked: _Asked) -> OrderStatus | None:
    """The order's new status, or None when it stays. An order being sourced again (approved)
    stays so: allocation then sees this shipment as it now is."""
    if order.status not in DERIVED:
        return None
    if asked.to == ShipmentStatus.REJECTED:
        wanted = OrderStatus.APPROVED  # source again, away from this location
    else:
        wanted = derived_status(order, [moved if s.shipment_id == moved.shipment_id else s for s in order.shipments])
    if wanted == order.status:
        return None
    check_transition(order.status, wanted)
    return wanted


def _move(order: Order, shipment: Shipment, asked: _Asked, at: datetime, store: Store) -> ShipmentMove:
    if asked.to != ShipmentStatus.SHIPPED:
        return ShipmentMove(shipment, asked.to)
    tracking = eta.on_leaving(order, shipment, asked.carrier, asked.service, at.date(), store.transit_histograms)
    return ShipmentMove(shipment, asked.to, carrier=asked.carrier, tracking_number=asked.tracking_number,
                        shipped_at=at, service=asked.service, tracking=tracking.model_copy(update={"heard_at": at}))


def _stock_effects(order: Order, shipment: Shipment, asked: _Asked,
                   store: Store) -> tuple[tuple[Movement, ...], tuple[CapacityUse, ...]]:
    """Shipping takes the units out of stock; a rejection gives them and the capacity back."""
    ids = {"order_id": order.order_id, "shipment_id": shipment.shipment_id}
    if asked.to == ShipmentStatus.SHIPPED:
        return tuple(Movement(line.sku, shipment.location_id, MovementKind.SHIP, on_hand=-line.quantity,
                              reserved=-line.quantity, reason=f"left with {asked.carrier} {asked.tracking_number}",
                              **ids) for line in shipment.lines), ()
    if asked.to != ShipmentStatus.REJECTED:
        return (), ()
    movements = [Movement(line.sku, shipment.location_id, MovementKind.RELEASE, reserved=-line.quantity,
                          reason=f"shipment rejected: {asked.reason}", **ids) for line in shipment.lines]
    if asked.reason == RejectionReason.NO_STOCK:
        movements += _write_offs(shipment, store, ids)
    capacity = (CapacityUse(shipment.location_id, shipment.capacity_day, -shipment.units),) if shipment.capacity_day else ()
    return tuple(movements), capacity


def _write_offs(shipment: Shipment, store: Store, ids: dict[str, str]) -> list[Movement]:
    """What the location had free to promise of each SKU, once this shipment's units are back:
    it says it has none. Conditioned on nothing being taken meanwhile (a guarded movement)."""
    released: dict[str, int] = {}
    for line in shipment.lines:
        released[line.sku] = released.get(line.sku, 0) + line.quantity
    write_offs = []
    for sku, units in sorted(released.items()):
        here = next((s for s in store.stock(sku) if s.location_id == shipment.location_id), None)
        free = (here.available if here else 0) + units
        if free > 0:
            write_offs.append(Movement(sku, shipment.location_id, MovementKind.WRITE_OFF, on_hand=-free,
                                       reason="the location has none, though it showed some free", **ids))
    return write_offs


def _moved_fields(move: ShipmentMove) -> dict:
    fields = {"status": move.to}
    if move.to == ShipmentStatus.SHIPPED:
        fields.update(carrier=move.carrier, tracking_number=move.tracking_number, shipped_at=move.shipped_at,
                      service=move.service, tracking=move.tracking)
    return fields
