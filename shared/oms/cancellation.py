"""Cancelling an order, or some of its units, before they ship.

The units come first from what no shipment carries yet, then from open shipments; a shipment
that loses a unit is cancelled whole (its pick withdrawn, its stock and capacity given back),
and what it still carried is sourced again. All of it is one change, so a cancellation gives
its reservations back exactly once. What the customer paid for the cancelled units is recorded
as a refund due. The rules (what may still be cancelled, what is owed) are oms.policy's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from oms import ids
from oms.changes import CapacityUse, Change, LineCancellation, Movement, MovementKind, ShipmentMove
from oms.deciding import decide_and_commit, refusal
from oms.lifecycle import DERIVED, OPEN, check_transition, derived_status, outstanding_units
from oms.models import HistoryEvent, Order, OrderStatus, Refund, RefundStatus, ShipmentChange, ShipmentStatus
from oms.policy import NotAllowed, cancellable, check_cancel, refund_due, ships_nothing_after
from oms.ports import Store


@dataclass(frozen=True)
class Cancelled:
    order_id: str
    status: OrderStatus
    units: dict[int, int]  # per line
    refund: Refund | None


def cancel(order_id: str, actor: str, reason: str | None, store: Store, lines: Mapping[int, int] | None = None,
           now: datetime | None = None) -> Cancelled:
    """Cancels the order (`lines` None) or those units of its lines; raises OrderNotFound, or
    NotAllowed (recorded in history as refused) with the reason."""
    def decide(order: Order, at: datetime) -> Change:
        try:
            units = check_cancel(order, lines)
        except NotAllowed as refused:
            store.commit(refusal(order_id, actor, at, f"cancellation refused: {refused.reason}"))
            raise
        return cancellation(order, units, actor, reason, at)

    order, change = decide_and_commit(order_id, store, decide, now)
    return Cancelled(order_id, change.order_to or order.status,
                     {c.line_no: c.after - c.before for c in change.line_cancellations},
                     change.new_refunds[0] if change.new_refunds else None)


def cancellation(order: Order, units: Mapping[int, int], actor: str, reason: str | None, at: datetime,
                 owed: bool = True) -> Change:
    """The change that cancels these units (checked by oms.policy beforehand). `owed=False` when
    the money is not the OMS's to ask back: a channel that cancels refunds its customer itself."""
    touched = _shipments_losing_units(order, units)
    lines = tuple(line.model_copy(update={"cancelled": line.cancelled + units[n]}) if n in units else line
                  for n, line in enumerate(order.lines, start=1))
    cancelled_shipments = [s.model_copy(update={"status": ShipmentStatus.CANCELLED}) for s in touched]
    after = order.model_copy(update={"lines": lines, "shipments": tuple(
        next((c for c in cancelled_shipments if c.shipment_id == s.shipment_id), s) for s in order.shipments)})
    order_to = _status_after(order, after, bool(touched))
    refund = _refund(order, units, at) if owed else None
    what = ", ".join(f"{u} of line {n}" for n, u in sorted(units.items()))
    why = f"cancelled {what}" + (f": {reason}" if reason else "")
    events = (
        HistoryEvent(at=at, actor=actor, from_status=order.status if order_to else None, to_status=order_to,
                     reason=why, refund_id=refund.refund_id if refund else None),
        *(HistoryEvent(at=at, actor=actor, reason="cancelled with units of the order: its pick is withdrawn",
                       shipment=ShipmentChange(shipment_id=s.shipment_id, from_status=s.status,
                                               to_status=ShipmentStatus.CANCELLED)) for s in touched),
    )
    return Change(
        at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
        order_to=order_to,
        line_cancellations=tuple(LineCancellation(n, order.lines[n - 1].cancelled, order.lines[n - 1].cancelled + u)
                                 for n, u in sorted(units.items())),
        shipment_moves=tuple(ShipmentMove(s, ShipmentStatus.CANCELLED) for s in touched),
        movements=tuple(Movement(line.sku, s.location_id, MovementKind.RELEASE, reserved=-line.quantity,
                                 reason="units of the order cancelled", order_id=order.order_id,
                                 shipment_id=s.shipment_id) for s in touched for line in s.lines),
        capacity=tuple(CapacityUse(s.location_id, s.capacity_day, -s.units) for s in touched if s.capacity_day),
        new_refunds=(refund,) if refund else (),
        history=events,
    )


CANCELLED_AFTER_SHIPMENT = "cancelled_after_shipment"


def cancelled_by_channel(order: Order, actor: str, why: str, at: datetime) -> Change | None:
    """A channel cancelled its order: every unit not yet gone is cancelled (owing nothing: the
    channel refunds it); when everything has gone, operations are alerted, once."""
    if order.status == OrderStatus.CANCELLED:
        return None
    units = {number: left for number, left in cancellable(order).items() if left}
    if units:
        return cancellation(order, units, actor, why, at, owed=False)
    if any(event.alert == CANCELLED_AFTER_SHIPMENT for event in order.history):
        return None
    return Change(at=at, actor=actor, order_id=order.order_id, history=(HistoryEvent(
        at=at, actor=actor, alert=CANCELLED_AFTER_SHIPMENT,
        reason="the channel cancelled the order after it shipped: stop the parcel, or arrange its return"),))


def _shipments_losing_units(order: Order, units: Mapping[int, int]) -> list:
    """Open shipments the cancelled units come off, once the units no shipment carries are used up:
    the shipments waiting longest to be started (pending, then accepted, then picked) first."""
    waiting = outstanding_units(order)
    touched = []
    rank = {ShipmentStatus.PENDING: 0, ShipmentStatus.ACCEPTED: 1, ShipmentStatus.PICKED: 2}
    open_shipments = sorted((s for s in order.shipments if s.status in OPEN),
                            key=lambda s: (rank[s.status], s.shipment_id))
    for number, asked in units.items():
        still = asked - min(asked, waiting.get(number, 0))
        for shipment in open_shipments:
            if still <= 0:
                break
            carried = sum(line.quantity for line in shipment.lines if line.line_no == number)
            if carried:
                if shipment not in touched:
                    touched.append(shipment)
                still -= carried
    return touched


def _status_after(order: Order, after: Order, shipments_cancelled: bool) -> OrderStatus | None:
    if sum(line.live_quantity for line in after.lines) == 0:
        wanted = OrderStatus.CANCELLED
    elif order.status not in DERIVED:
        return None  # not sourced yet: it stays as it is, with fewer units
    elif shipments_cancelled and outstanding_units(after):
        wanted = OrderStatus.APPROVED  # what the cancelled shipments also carried is sourced again
    else:
        wanted = derived_status(after)
    if wanted == order.status:
        return None
    check_transition(order.status, wanted)
    return wanted


def _refund(order: Order, units: Mapping[int, int], at: datetime) -> Refund | None:
    due = refund_due(order, units, include_shipping=ships_nothing_after(order, units))
    if due is None:
        return None
    return Refund(refund_id=ids.refund_id(order.order_id, len(order.refunds) + 1), order_id=order.order_id,
                  channel=order.channel, channel_order_id=order.channel_order_id,
                  reason="cancellation", currency=order.currency, lines=due.lines, shipping=due.shipping,
                  tax=due.tax, amount=due.amount, status=RefundStatus.REQUESTED, created_at=at)
