"""Changing where an order goes, before its pick starts.

The new address is validated as at intake and sealed with the order's other personal data.
If the order's open shipments are no longer the best way to get it there, they are cancelled
(their picks withdrawn, stock and capacity given back) and the order is sourced again; if they
are, they stay, and only the address moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from oms.allocation import best_plan
from oms.changes import CapacityUse, Change, Movement, MovementKind, ShipmentMove
from oms.deciding import decide_and_commit, refusal
from oms.lifecycle import OPEN, check_transition
from oms.models import Address, HistoryEvent, Order, OrderStatus, Shipment, ShipmentChange, ShipmentStatus
from oms.policy import NotAllowed, check_address_change
from oms.ports import Store

# (order id, new address) -> the header's personal data as stored, sealed anew with the address in it.
Sealer = Callable[[str, Address], Mapping[str, Any]]


def change_address(order_id: str, address: Address, actor: str, store: Store, seal: Sealer,
                   now: datetime | None = None) -> Order:
    def decide(order: Order, at: datetime) -> Change:
        try:
            check_address_change(order)
        except NotAllowed as refused:
            store.commit(refusal(order_id, actor, at, f"address change refused: {refused.reason}"))
            raise
        moved = order.model_copy(update={"shipping_address": address})
        return _change(order, stale_shipments(moved, store, at), seal(order_id, address), actor, at)

    decide_and_commit(order_id, store, decide, now)
    return store.order(order_id)


def stale_shipments(moved: Order, store: Store, now: datetime) -> tuple[Shipment, ...]:
    """The open shipments to cancel for the order's new address: all of them, unless sourcing
    for it would choose exactly them again."""
    open_ = tuple(s for s in moved.shipments if s.status in OPEN)
    if not open_:
        return ()
    plan = best_plan(moved, store, open_, now)
    chosen = {(p.location_id, tuple((line.line_no, line.quantity) for line in p.lines))
              for p in (*plan.shipments, *plan.transfers)}
    kept = {(s.location_id, tuple((line.line_no, line.quantity) for line in s.lines)) for s in open_}
    return () if chosen == kept and not plan.backorders else open_


def withdrawn(order: Order, shipments: tuple[Shipment, ...], actor: str, at: datetime) -> dict[str, tuple]:
    """The parts of a change that cancel these open shipments for a new address: the moves, their
    stock and capacity given back. Their history is `withdrawal_events`."""
    return {
        "shipment_moves": tuple(ShipmentMove(s, ShipmentStatus.CANCELLED) for s in shipments),
        "movements": tuple(Movement(line.sku, s.location_id, MovementKind.RELEASE, reserved=-line.quantity,
                                    reason="the order's address changed", order_id=order.order_id,
                                    shipment_id=s.shipment_id) for s in shipments for line in s.lines),
        "capacity": tuple(CapacityUse(s.location_id, s.capacity_day, -s.units) for s in shipments if s.capacity_day),
    }


def withdrawal_events(shipments: tuple[Shipment, ...], actor: str, at: datetime) -> tuple[HistoryEvent, ...]:
    return tuple(HistoryEvent(at=at, actor=actor, reason="the order's address changed: its pick is withdrawn",
                              shipment=ShipmentChange(shipment_id=s.shipment_id, from_status=s.status,
                                                      to_status=ShipmentStatus.CANCELLED)) for s in shipments)


def _change(order: Order, stale: tuple[Shipment, ...], sealed: Mapping[str, Any], actor: str, at: datetime) -> Change:
    # Sourced again for the new address (an order already being sourced again stays approved).
    order_to = OrderStatus.APPROVED if stale and order.status != OrderStatus.APPROVED else None
    if order_to:
        check_transition(order.status, order_to)
    why = "shipping address changed" + ("; sourcing again for it" if stale else "; its shipments stay as they are")
    return Change(
        at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
        order_to=order_to, header=dict(sealed), **withdrawn(order, stale, actor, at),
        history=(HistoryEvent(at=at, actor=actor, from_status=order.status if order_to else None, to_status=order_to,
                              reason=why), *withdrawal_events(stale, actor, at)),
    )
