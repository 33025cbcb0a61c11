"""A change to orders and stock, described by the domain and committed whole by a store.

The domain reads, decides and describes what must change together: the order's move, its
shipments' moves, the stock movements, the capacity used and the history. A store commits
it atomically, each part conditioned on what the domain read, or raises and commits
nothing. The DynamoDB store makes it one TransactWriteItems; tests commit it in memory.

Stock movements say what happened (reserve, ship, ...) and by how much; a store merges
those that touch one stock record into one update, and keeps each as a movement record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from oms.errors import Conflict
from oms.models import (
    HeldLine,
    HistoryEvent,
    OrderStatus,
    ReceivedLine,
    Refund,
    RefundStatus,
    Return,
    ReturnStatus,
    Shipment,
    ShipmentStatus,
    Tracking,
)

# DynamoDB's limit on the items of one transaction.
MAX_ITEMS = 100


class MovementKind(StrEnum):
    RESERVE = "reserve"  # promised to a shipment: reserved up
    RELEASE = "release"  # a shipment rejected or cancelled: reserved down
    SHIP = "ship"  # gone with a shipment: on hand and reserved down
    COUNT = "count"  # found (+) or lost (-) in a count
    RECEIVE = "receive"  # a delivery, a transfer in
    RETURN = "return"  # a customer's return received (a damaged one is written off beside it)
    WRITE_OFF = "write_off"  # a location says units it had free are not there


# Movements that must leave something to promise: what they take comes out of `available`.
GUARDED = frozenset({MovementKind.RESERVE, MovementKind.WRITE_OFF})


@dataclass(frozen=True)
class Movement:
    sku: str
    location_id: str
    kind: MovementKind
    on_hand: int = 0  # change to on hand
    reserved: int = 0  # change to reserved
    reason: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    reference: str | None = None  # a purchase order, a delivery note: what the location was told

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class StockUpdate:
    """The movements of one stock record in one change, merged: a transaction touches an item once."""

    sku: str
    location_id: str
    on_hand: int
    reserved: int
    # What must be there before: on hand and reserved never go below zero, and a guarded
    # movement (a reservation) never takes `available` below zero.
    least_on_hand: int
    least_reserved: int
    least_available: int | None
    # A return may come back to a location that never held the SKU: its record is made.
    creates: bool = False

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_updates(movements: Iterable[Movement]) -> list[StockUpdate]:
    merged: dict[tuple[str, str], list[Movement]] = {}
    for movement in movements:
        merged.setdefault((movement.sku, movement.location_id), []).append(movement)
    updates = []
    for (sku, location_id), group in sorted(merged.items()):
        on_hand, reserved = sum(m.on_hand for m in group), sum(m.reserved for m in group)
        taken = reserved - on_hand  # what leaves `available`
        guarded = taken > 0 and any(m.kind in GUARDED for m in group)
        updates.append(StockUpdate(
            sku=sku, location_id=location_id, on_hand=on_hand, reserved=reserved,
            least_on_hand=max(0, -on_hand), least_reserved=max(0, -reserved),
            least_available=taken if guarded else None,
            creates=any(m.kind == MovementKind.RETURN for m in group),
        ))
    return updates


@dataclass(frozen=True)
class ShipmentMove:
    """A shipment from the status it was read in to another, with what the move records."""

    shipment: Shipment
    to: ShipmentStatus
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    service: str | None = None
    tracking: Tracking | None = None  # what the carrier has said, replaced whole


@dataclass(frozen=True)
class LineCancellation:
    """A line's cancelled units from what was read to what they become."""

    line_no: int
    before: int
    after: int


@dataclass(frozen=True)
class ReturnMove:
    returned: Return
    to: ReturnStatus
    received: tuple[ReceivedLine, ...] = ()
    received_at: datetime | None = None
    refund_id: str | None = None


@dataclass(frozen=True)
class RefundMove:
    refund: Refund
    to: RefundStatus
    confirmed_at: datetime | None = None
    channel_refund_id: str | None = None


@dataclass(frozen=True)
class CapacityUse:
    """Units a location commits to pick on one of its days (negative: given back)."""

    location_id: str
    day: date
    units: int
    daily_capacity: int | None = None  # what committing may not exceed; None when giving back


@dataclass(frozen=True)
class TransitCount:
    """A parcel delivered on a lane: one more in each of `buckets` (its transit days, on its ship
    weekday too), at each level of the lane's detail."""

    lanes: tuple[tuple[str, ...], ...]
    buckets: tuple[str, ...]


@dataclass(frozen=True)
class Waiting:
    """An order waits for units of a SKU that no location could give it: where a rise in that
    SKU's stock looks first, oldest order first."""

    sku: str
    units: int
    placed_at: datetime


@dataclass(frozen=True)
class WaitingOrder:
    """One order on a SKU's waiting list, as stored."""

    order_id: str
    sku: str
    units: int
    placed_at: datetime
    listed_by: int  # the order version whose commit listed it: a later listing is not forgotten for it


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    order_id: str | None = None
    # The order as it was read: its status and version are the change's condition. Without
    # them the change only records history (a refused move).
    order_from: OrderStatus | None = None
    order_version: int | None = None
    order_to: OrderStatus | None = None  # None: the status stays
    hold_reasons: tuple[str, ...] | None = None
    # Header attributes replaced as stored (personal data already sealed): an address, a payment status.
    header: Mapping[str, Any] = field(default_factory=dict)
    line_cancellations: tuple[LineCancellation, ...] = ()
    # Every line replaced by these (before anything is sourced: a channel's new version), and
    # how many lines there were, so that any beyond the new ones go.
    lines_replaced: tuple[HeldLine, ...] | None = None
    lines_before: int = 0
    new_shipments: tuple[Shipment, ...] = ()
    shipment_moves: tuple[ShipmentMove, ...] = ()
    new_returns: tuple[Return, ...] = ()
    return_moves: tuple[ReturnMove, ...] = ()
    new_refunds: tuple[Refund, ...] = ()
    refund_moves: tuple[RefundMove, ...] = ()
    movements: tuple[Movement, ...] = ()
    capacity: tuple[CapacityUse, ...] = ()
    transit: tuple[TransitCount, ...] = ()
    # The order waits for these from now on, and no longer for those (one SKU never in both).
    waits: tuple[Waiting, ...] = ()
    waits_over: tuple[Waiting, ...] = ()
    history: tuple[HistoryEvent, ...] = field(default=())

    @property
    def moves_order(self) -> bool:
        return self.order_to is not None and self.order_to != self.order_from

    def item_count(self) -> int:
        """Items of the transaction a store commits it in."""
        return (len(stock_updates(self.movements)) + len(self.movements) + len(self.new_shipments)
                + len(self.shipment_moves) + len({(use.location_id, use.day) for use in self.capacity})
                + len(self.line_cancellations) + len(self.new_returns) + len(self.return_moves)
                + (max(len(self.lines_replaced), self.lines_before) if self.lines_replaced is not None else 0)
                + len(self.new_refunds) + len(self.refund_moves) + sum(len(count.lanes) for count in self.transit)
                + len(self.waits) + len(self.waits_over)
                + (1 if self.order_version is not None else 0) + len(self.history))


class StockRanOut(Exception):
    """Between reading stock and committing, another change took it."""

    def __init__(self, exhausted: list[tuple[str, str]]):
        super().__init__(", ".join(f"{sku}@{location}" for sku, location in exhausted))
        self.exhausted = exhausted  # (sku, location_id)


class CapacityRanOut(Exception):
    """A location's day filled up between reading its capacity and committing."""

    def __init__(self, locations: list[str]):
        super().__init__(", ".join(locations))
        self.locations = locations


class ChangeConflict(Conflict):
    """The order or a shipment was no longer in the status the change was decided on."""


class ChangeContended(Conflict):
    """Another transaction held one of the items at that moment (DynamoDB's TransactionConflict):
    nothing was decided against this change; read again and try again."""


class ChangeTooLarge(ValueError):
    """More items than one transaction can hold."""
