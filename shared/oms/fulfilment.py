"""What a location does with a shipment sourced to it: accept it, ship it, or reject it.

A rejection gives the units back and sends the order to be sourced again, away from
that location; a `no_stock` rejection also writes off what that location claimed to
have free of the SKU, so sourcing stops sending it there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from oms.lifecycle import check_transition
from oms.models import HistoryEvent, Order, OrderStatus, Shipment, ShipmentStatus
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderStore
from oms.store.shipments import ShipmentStore


class RejectionReason(StrEnum):
    NO_STOCK = "no_stock"
    DAMAGED = "damaged"
    NO_CAPACITY = "no_capacity"
    OTHER = "other"


class ShipmentNotFound(LookupError):
    pass


class NotThisLocations(PermissionError):
    pass


class ShipmentRefused(ValueError):
    """The shipment is not in a state that allows this."""


_OPEN = (ShipmentStatus.PENDING, ShipmentStatus.ACCEPTED, ShipmentStatus.PICKED)


def _own(shipments: ShipmentStore, shipment_id: str, location_id: str) -> Shipment:
    shipment = shipments.get(shipment_id)
    if shipment is None:
        raise ShipmentNotFound(shipment_id)
    if shipment.location_id != location_id:
        raise NotThisLocations(shipment_id)
    return shipment


def accept(shipment_id: str, location_id: str, shipments: ShipmentStore, now: datetime | None = None) -> Shipment:
    shipment = _own(shipments, shipment_id, location_id)
    if shipment.status != ShipmentStatus.PENDING:
        raise ShipmentRefused(f"a {shipment.status} shipment cannot be accepted")
    event = HistoryEvent(at=now or datetime.now(UTC), actor=f"location:{location_id}",
                         reason=f"shipment {shipment_id} accepted")
    shipments.advance(shipment, ShipmentStatus.ACCEPTED, event)
    return shipment.model_copy(update={"status": ShipmentStatus.ACCEPTED})


def ship(shipment_id: str, location_id: str, carrier: str, tracking_number: str, shipments: ShipmentStore,
         orders: OrderStore, now: datetime | None = None) -> Shipment:
    shipment = _own(shipments, shipment_id, location_id)
    if shipment.status not in _OPEN:
        raise ShipmentRefused(f"a {shipment.status} shipment cannot be shipped")
    order = orders.get(shipment.order_id, with_pii=False)
    after = _order_status_once_shipped(order, shipment_id)
    move = (str(order.status), str(after)) if after != order.status else None
    if move:
        check_transition(*move)
    event = HistoryEvent(at=now or datetime.now(UTC), actor=f"location:{location_id}",
                         from_status=order.status if move else None, to_status=after if move else None,
                         reason=f"shipment {shipment_id} shipped with {carrier}")
    shipments.advance(shipment, ShipmentStatus.SHIPPED, event, move, carrier=carrier, tracking_number=tracking_number)
    return shipment.model_copy(update={"status": ShipmentStatus.SHIPPED, "carrier": carrier,
                                       "tracking_number": tracking_number})


def reject(shipment_id: str, location_id: str, reason: RejectionReason, shipments: ShipmentStore,
           orders: OrderStore, inventory: InventoryStore, now: datetime | None = None) -> Shipment:
    shipment = _own(shipments, shipment_id, location_id)
    if shipment.status not in (ShipmentStatus.PENDING, ShipmentStatus.ACCEPTED):
        raise ShipmentRefused(f"a {shipment.status} shipment cannot be rejected")
    order = orders.get(shipment.order_id, with_pii=False)
    # Source it again: the order goes back to approved, and allocation skips this location.
    check_transition(order.status, OrderStatus.APPROVED)
    event = HistoryEvent(at=now or datetime.now(UTC), actor=f"location:{location_id}", from_status=order.status,
                         to_status=OrderStatus.APPROVED, reason=f"shipment {shipment_id} rejected: {reason}")
    shipments.release([shipment], ShipmentStatus.REJECTED, event, (str(order.status), OrderStatus.APPROVED))
    if reason == RejectionReason.NO_STOCK:
        for line in shipment.lines:
            inventory.write_off_free_units(line.sku, location_id)
    return shipment.model_copy(update={"status": ShipmentStatus.REJECTED})


def _order_status_once_shipped(order: Order, shipment_id: str) -> OrderStatus:
    live = [s for s in order.shipments if s.status not in (ShipmentStatus.REJECTED,)]
    all_shipped = all(s.shipment_id == shipment_id or s.status == ShipmentStatus.SHIPPED for s in live)
    if all_shipped and order.status == OrderStatus.ALLOCATED:
        return OrderStatus.SHIPPED
    return OrderStatus.PARTIALLY_SHIPPED if order.status != OrderStatus.SHIPPED else order.status
