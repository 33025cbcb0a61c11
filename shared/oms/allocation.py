"""Allocating an approved order: source it, reserve the stock, and ask each location to fulfil.

Sourcing reads stock, then the commit reserves it conditioned on it still being there;
another order may take it in between, so a lost race reads again and sources again, a
bounded number of times. Running this twice for one order is harmless: the second
finds the order no longer approved.
"""

from __future__ import annotations

from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from oms.models import HistoryEvent, Order, OrderStatus, Shipment, ShipmentStatus
from oms.sourcing import Candidate, SourcingPlan, SourcingRequest, source
from oms.store.allocations import Allocation, AllocationStore, OrderMoved, StockRanOut
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderStore

ATTEMPTS = 3


class StockKeptChanging(RuntimeError):
    """Every attempt lost its race for stock; the record is retried by the event source."""


@dataclass(frozen=True)
class Allocated:
    order_id: str
    status: OrderStatus
    shipments: tuple[Shipment, ...]


def status_after(plan: SourcingPlan, live_shipments: int) -> OrderStatus:
    short = bool(plan.backorders or plan.waiting)
    if not plan.shipments and not plan.transfers and not live_shipments:
        return OrderStatus.BACKORDERED
    return OrderStatus.PARTIALLY_ALLOCATED if short else OrderStatus.ALLOCATED


def allocate(order_id: str, orders: OrderStore, inventory: InventoryStore, allocations: AllocationStore,
             request_fulfilment: Callable[[tuple[Shipment, ...]], None], now: datetime | None = None) -> Allocated | None:
    """Allocates the order if it is still approved; None when there was nothing to do."""
    for _ in range(ATTEMPTS):
        order = orders.get(order_id, with_pii=False)
        if order is None or order.status != OrderStatus.APPROVED:
            return None
        plan = source(_outstanding(order), _candidates(order, inventory))
        allocated = _allocation(order, plan, now or datetime.now(UTC))
        try:
            allocations.commit(allocated)
        except StockRanOut:
            continue
        except OrderMoved:
            return None
        request_fulfilment(allocated.shipments)
        return Allocated(order_id, allocated.event.to_status, allocated.shipments)
    raise StockKeptChanging(order_id)


LIVE = frozenset({ShipmentStatus.PENDING, ShipmentStatus.ACCEPTED, ShipmentStatus.PICKED, ShipmentStatus.SHIPPED,
                  ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED})


def outstanding_units(order: Order) -> dict[int, int]:
    """Per line number, the units no live shipment carries yet."""
    covered: Counter[int] = Counter()
    for shipment in order.shipments:
        if shipment.status in LIVE:
            for line in shipment.lines:
                covered[line.line_no] += line.quantity
    return {number: line.quantity - covered[number] for number, line in enumerate(order.lines, start=1)
            if line.quantity > covered[number]}


def _outstanding(order: Order) -> SourcingRequest:
    """What is still to source, away from every location that rejected a shipment of this order."""
    rejected_by = {shipment.location_id for shipment in order.shipments if shipment.status == ShipmentStatus.REJECTED}
    request = SourcingRequest.for_order(order, excluded=rejected_by)
    missing = outstanding_units(order)
    lines = tuple(replace(demand, quantity=missing[demand.line_no]) for demand in request.lines
                  if demand.line_no in missing)
    return replace(request, lines=lines)


def _candidates(order: Order, inventory: InventoryStore) -> list[Candidate]:
    stock = [record for sku in sorted({line.sku for line in order.lines}) for record in inventory.stock(sku)]
    return [Candidate.of(location, stock) for location in inventory.locations()]


def _allocation(order: Order, plan: SourcingPlan, now: datetime) -> Allocation:
    trace = plan.trace.model_dump(mode="json")
    shipments = tuple(
        Shipment(shipment_id=f"shp_{order.order_id[4:]}_{number:02d}", order_id=order.order_id,
                 location_id=planned.location_id, lines=planned.lines, created_at=now,
                 trace={**trace, "mode": planned.mode})
        # Transfers to a pickup store reserve their units at the source like any shipment.
        for number, planned in enumerate((*plan.shipments, *plan.transfers), start=len(order.shipments) + 1)
    )
    status = status_after(plan, sum(shipment.status in LIVE for shipment in order.shipments))
    short = sum(line.quantity for line in (*plan.backorders, *plan.waiting))
    reason = f"sourced to {len(shipments)} location(s)" + (f"; {short} unit(s) backordered or waiting" if short else "")
    event = HistoryEvent(at=now, actor="allocation", from_status=OrderStatus.APPROVED, to_status=status, reason=reason)
    return Allocation(order_id=order.order_id, from_status=OrderStatus.APPROVED, shipments=shipments, event=event)
