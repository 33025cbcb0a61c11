"""The order's and the shipment's lifecycles: which status may follow which, and the order's
status as its shipments make it.

Every change is checked against these tables. A move they do not allow changes no status:
the caller records it in history as refused (a late event, a location shipping a cancelled
shipment), so nothing moves backwards and nothing is silently dropped.

Once an order is sourced its status is derived, never set: from the units its live
shipments carry, have sent and have delivered (`derived_status`). Operations and
channels set the others (approved, on hold, cancelled); `approved` after allocation
means "source again" (stock arrived, or a location rejected its pick).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from oms.errors import Conflict
from oms.models import Order, OrderStatus as S, Shipment, ShipmentMode, ShipmentStatus as P

ORDER_TRANSITIONS: dict[S, frozenset[S]] = {
    S.RECEIVED: frozenset({S.ON_HOLD, S.APPROVED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.APPROVED, S.CANCELLED}),
    # Sourcing decides among these; already shipped units (a re-sourcing) make it partially shipped.
    S.APPROVED: frozenset({S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.BACKORDERED, S.PARTIALLY_SHIPPED, S.ON_HOLD,
                           S.CANCELLED}),
    # Back to approved = source again.
    S.BACKORDERED: frozenset({S.APPROVED, S.CANCELLED}),
    # Cancelling what waits can leave the order allocated, or shipped by what already left.
    S.PARTIALLY_ALLOCATED: frozenset({S.APPROVED, S.ALLOCATED, S.PARTIALLY_SHIPPED, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.APPROVED, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.APPROVED, S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURN_REQUESTED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    # A return received or refused leaves the order as its shipments make it.
    S.RETURN_REQUESTED: frozenset({S.RETURNED, S.DELIVERED, S.SHIPPED, S.PARTIALLY_SHIPPED}),
    S.RETURNED: frozenset({S.REFUNDED, S.RETURN_REQUESTED}),
    S.CANCELLED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}

SHIPMENT_TRANSITIONS: dict[P, frozenset[P]] = {
    P.PENDING: frozenset({P.ACCEPTED, P.PICKED, P.SHIPPED, P.REJECTED, P.CANCELLED}),
    P.ACCEPTED: frozenset({P.PICKED, P.SHIPPED, P.REJECTED, P.CANCELLED}),
    # Damage found while packing is still a rejection: the units go back and are sourced again.
    P.PICKED: frozenset({P.SHIPPED, P.REJECTED, P.CANCELLED}),
    P.SHIPPED: frozenset({P.IN_TRANSIT, P.OUT_FOR_DELIVERY, P.DELIVERED, P.EXCEPTION, P.RETURNED}),
    P.IN_TRANSIT: frozenset({P.OUT_FOR_DELIVERY, P.DELIVERED, P.EXCEPTION, P.RETURNED}),
    P.OUT_FOR_DELIVERY: frozenset({P.IN_TRANSIT, P.DELIVERED, P.EXCEPTION, P.RETURNED}),
    P.EXCEPTION: frozenset({P.IN_TRANSIT, P.OUT_FOR_DELIVERY, P.DELIVERED, P.RETURNED}),
    P.DELIVERED: frozenset({P.RETURNED}),
    P.REJECTED: frozenset(),
    P.CANCELLED: frozenset(),
    P.RETURNED: frozenset(),
}

# Units reserved at the location and not yet gone: what a cancellation or rejection gives back.
OPEN = frozenset({P.PENDING, P.ACCEPTED, P.PICKED})
# Units that have left the location.
LEFT = frozenset({P.SHIPPED, P.IN_TRANSIT, P.OUT_FOR_DELIVERY, P.DELIVERED, P.EXCEPTION})
# Shipments that carry units of the order: open or gone. Rejected, cancelled and returned ones do not.
LIVE = OPEN | LEFT
# The statuses `derived_status` gives; no one sets them by hand.
DERIVED = frozenset({S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.BACKORDERED, S.PARTIALLY_SHIPPED, S.SHIPPED,
                     S.DELIVERED, S.RETURN_REQUESTED, S.RETURNED, S.REFUNDED})


class TransitionRefused(Conflict, ValueError):
    def __init__(self, current: S | P, wanted: S | P, subject: str = "an order"):
        super().__init__(f"{subject} that is {current} cannot become {wanted}")
        self.current, self.wanted = current, wanted


def check_transition(current: S | str, wanted: S | str) -> None:
    if S(wanted) not in ORDER_TRANSITIONS[S(current)]:
        raise TransitionRefused(S(current), S(wanted))


def check_shipment_move(current: P | str, wanted: P | str) -> None:
    if P(wanted) not in SHIPMENT_TRANSITIONS[P(current)]:
        raise TransitionRefused(P(current), P(wanted), "a shipment")


def covered_units(shipments: Iterable[Shipment], statuses: frozenset[P] = LIVE,
                  transfers: bool = True) -> Counter[int]:
    """Units per line number on the shipments in `statuses` (transfers to a pickup store too, unless not)."""
    units: Counter[int] = Counter()
    for shipment in shipments:
        if shipment.status in statuses and (transfers or shipment.mode != ShipmentMode.TRANSFER):
            for line in shipment.lines:
                units[line.line_no] += line.quantity
    return units


def outstanding_units(order: Order, shipments: Iterable[Shipment] | None = None) -> dict[int, int]:
    """Per line number, the units not cancelled that no live shipment carries yet."""
    covered = covered_units(order.shipments if shipments is None else shipments)
    return {number: line.live_quantity - covered[number] for number, line in enumerate(order.lines, start=1)
            if line.live_quantity > covered[number]}


def returned_units(order: Order) -> Counter[int]:
    """Units per line received back, whatever their condition."""
    units: Counter[int] = Counter()
    for received in order.returns:
        for line in received.received:
            units[line.line_no] += line.quantity
    return units


def derived_status(order: Order, shipments: Iterable[Shipment] | None = None) -> S:
    """What the order's shipments and returns make it; cancelled units are not wanted any more.
    A transfer to the pickup store covers units but sends nothing to the customer; only what goes
    to the customer counts as shipped or delivered."""
    shipments = tuple(order.shipments if shipments is None else shipments)
    wanted = {number: line.live_quantity for number, line in enumerate(order.lines, start=1)}

    def share(units: Counter[int]) -> int:
        return sum(min(units[number], quantity) for number, quantity in wanted.items())

    total = sum(wanted.values())
    if total == 0:
        return S.CANCELLED
    if any(r.status in ("requested", "authorised") for r in order.returns):
        return S.RETURN_REQUESTED
    covered = share(covered_units(shipments))
    sent = share(covered_units(shipments, LEFT, transfers=False))
    delivered = share(covered_units(shipments, frozenset({P.DELIVERED}), transfers=False))
    if delivered == total and share(returned_units(order)) == total:
        refunded = order.refunds and all(refund.status == "refunded" for refund in order.refunds)
        return S.REFUNDED if refunded else S.RETURNED
    if delivered == total:
        return S.DELIVERED
    if sent == total:
        return S.SHIPPED
    if sent:
        return S.PARTIALLY_SHIPPED
    if covered == total:
        return S.ALLOCATED
    return S.PARTIALLY_ALLOCATED if covered else S.BACKORDERED
