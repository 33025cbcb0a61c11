"""What must hold of one order's item collection, or of one stock record, once read.

Each rule takes a record as the store read it and returns the violations it finds: a kind,
a subject (an order id, `sku@location`) and a detail that names ids and numbers, never a
person. What must hold across records (reservations against shipments, uniqueness items
against orders) is oms.reconciliation's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from oms.ids import order_id_of
from oms.lifecycle import DERIVED, covered_units, derived_status
from oms.models import Order, OrderStatus, Shipment


@dataclass(frozen=True)
class Violation:
    kind: str
    subject: str
    detail: str


@dataclass(frozen=True)
class StockRecord:
    sku: str
    location_id: str
    on_hand: int
    reserved: int
    safety_stock: int
    available: int

    @property
    def subject(self) -> str:
        return f"{self.sku}@{self.location_id}"


@dataclass(frozen=True)
class IndexEntry:
    """An index attribute of an item as found, and the values it may have (None: absent)."""

    item: str
    attribute: str
    found: str | None
    allowed: tuple[str | None, ...]


@dataclass(frozen=True)
class OrderRecord:
    """One order's item collection: what each item is, and what it reads as.

    Shipments are read on their own, so that those of an order that does not read still
    count for the stock they hold."""

    order_id: str
    entities: tuple[str, ...]  # of every item, the header's `order` among them
    order: Order | None = None  # None: no header, or the collection does not read as an order
    problems: tuple[str, ...] = ()  # why it does not read: field paths and problems, never values
    shipments: tuple[Shipment, ...] = ()
    line_numbers: tuple[int | None, ...] = ()  # of the line items in key order; None: not a line number
    indexes: tuple[IndexEntry, ...] = ()
    uniqueness_key: str | None = None  # the uniqueness item the header needs


def stock_violations(stock: StockRecord) -> list[Violation]:
    """Reservations are conditioned on the stored `available`, so it must be the arithmetic's."""
    found = []
    wanted = stock.on_hand - stock.reserved - stock.safety_stock
    if stock.available != wanted:
        found.append(Violation("stock_arithmetic", stock.subject,
                               f"available {stock.available}, but on_hand {stock.on_hand} - reserved {stock.reserved}"
                               f" - safety_stock {stock.safety_stock} = {wanted}"))
    negative = [f"{name} {value}" for name, value in
                (("on_hand", stock.on_hand), ("reserved", stock.reserved)) if value < 0]
    if negative:
        found.append(Violation("stock_negative", stock.subject, ", ".join(negative)))
    return found


def order_violations(record: OrderRecord) -> list[Violation]:
    return [*_collection(record), *_status(record), *_shipment_lines(record), *_indexes(record)]


def _collection(record: OrderRecord) -> Iterator[Violation]:
    def broken(detail: str) -> Violation:
        return Violation("order_unreadable", record.order_id, detail)

    if "order" not in record.entities:
        parts = ", ".join(f"{count} {entity}" for entity, count in sorted(Counter(record.entities).items()))
        yield Violation("header_missing", record.order_id, f"no header, but {parts}")
    yield from (broken(problem) for problem in record.problems)
    numbers = list(record.line_numbers)
    if numbers != list(range(1, len(numbers) + 1)):
        shown = " ".join("?" if number is None else str(number) for number in numbers)
        yield broken(f"lines are not numbered 1 to {len(numbers)}: {shown}")
    for shipment in record.shipments:
        # A shipment is found by its id's order (oms.store.shipments): elsewhere it is lost.
        if record.order_id != shipment.order_id or record.order_id != order_id_of(shipment.shipment_id):
            yield broken(f"shipment {shipment.shipment_id} of order {shipment.order_id} is in this order's collection")


def _sourced(order: Order) -> bool:
    """Only sourcing moves an order from approved to a derived status; one a channel reported
    shipped (or delivered, refunded) on arrival was never sourced and keeps its status."""
    return bool(order.shipments) or any(
        event.from_status == OrderStatus.APPROVED and event.to_status in DERIVED for event in order.history)


def _status(record: OrderRecord) -> Iterator[Violation]:
    order = record.order
    if order is None or order.status not in DERIVED or not _sourced(order):
        return
    wanted = derived_status(order)
    if wanted != order.status:
        yield Violation("status_not_derived", order.order_id,
                        f"status {order.status}, but its shipments make it {wanted}")


def _shipment_lines(record: OrderRecord) -> Iterator[Violation]:
    """Shipments name order lines by number: each must be the line it says, and live shipments
    never carry more of a line than is wanted (that would send it twice)."""
    order = record.order
    if order is None:
        return
    for shipment in order.shipments:
        for line in shipment.lines:
            held = order.lines[line.line_no - 1] if line.line_no <= len(order.lines) else None
            if held is None or held.sku != line.sku:
                what = f"SKU {held.sku}" if held else "no such line"
                yield Violation("shipment_lines", order.order_id,
                                f"shipment {shipment.shipment_id} carries {line.sku} as line {line.line_no}: {what}")
    covered = covered_units(order.shipments)
    for number, line in enumerate(order.lines, start=1):
        if covered[number] > line.live_quantity:
            yield Violation("shipment_lines", order.order_id,
                            f"line {number}: live shipments carry {covered[number]} units, {line.live_quantity} wanted")


def _indexes(record: OrderRecord) -> Iterator[Violation]:
    """Sweeps and locations' pick lists read the indexes, never the items: a stale attribute hides
    an order from them, or shows one that is gone."""
    for entry in record.indexes:
        if entry.found not in entry.allowed:
            allowed = " or ".join("absent" if value is None else value for value in entry.allowed)
            yield Violation("index_stale", record.order_id,
                            f"{entry.item} {entry.attribute} is {entry.found or 'absent'}, should be {allowed}")


@dataclass(frozen=True)
class Report:
    """Every violation found, and how much was read to find them."""

    violations: tuple[Violation, ...]
    orders: int
    stock_items: int

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(violation.kind for violation in self.violations).items()))
