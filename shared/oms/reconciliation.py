"""What must hold across records: stock reserved against the open shipments (and the transfers
accepted, not yet shipped) that hold it, a location day's committed units against the shipments
picked on it, uniqueness items against the orders they guard, stocked SKUs against the
catalogue, orders waiting for stock against the SKUs' waiting lists a rise reads.

Only totals and ids are kept, never records, so both tables can be read once, in any order,
a page at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from oms.backorders import WAITING
from oms.consistency import OrderRecord, StockRecord, Violation
from oms.lifecycle import OPEN
from oms.models import ShipmentStatus
from oms.planning import TransferOrder, TransferStatus

# Shipments whose day's capacity was given back; every other one used it, even if it came back.
_RELEASED = frozenset({ShipmentStatus.REJECTED, ShipmentStatus.CANCELLED})


@dataclass(frozen=True)
class CapacityRecord:
    location_id: str
    day: str
    committed: int


class Reconciliation:
    def __init__(self) -> None:
        # (sku, location): units open shipments hold, and transfers accepted but not yet shipped
        self._held: Counter[tuple[str, str]] = Counter()
        self._reserved: dict[tuple[str, str], int] = {}  # as the stock records say
        self._picking: Counter[tuple[str, str]] = Counter()  # (location, day): units shipments use
        self._committed: dict[tuple[str, str], int] = {}
        self._needed: dict[str, str] = {}  # uniqueness key: the order whose header needs it
        self._pointing: dict[str, str] = {}  # uniqueness key: the order it points at
        self._orders: set[str] = set()  # every order with any item, header or not
        self._stocked: set[str] = set()
        self._known: set[str] = set()
        self._listed: set[str] = set()
        self._waiting: set[tuple[str, str]] = set()  # (sku, order): an order waits for units of the SKU
        self._waitlisted: set[tuple[str, str]] = set()

    def order(self, record: OrderRecord) -> None:
        self._orders.add(record.order_id)
        if record.uniqueness_key:
            self._needed[record.uniqueness_key] = record.order_id
        if record.order is not None and record.order.status in WAITING:
            self._waiting.update((sku, record.order_id) for sku in record.order.waiting_skus)
        for shipment in record.shipments:
            if shipment.status in OPEN:
                for line in shipment.lines:
                    self._held[(line.sku, shipment.location_id)] += line.quantity
            if shipment.capacity_day and shipment.status not in _RELEASED:
                self._picking[(shipment.location_id, shipment.capacity_day.isoformat())] += shipment.units

    def transfer(self, transfer: TransferOrder) -> None:
        if transfer.status == TransferStatus.RESERVED:
            for line in transfer.lines:
                self._held[(line.sku, transfer.from_location)] += line.units

    def stock(self, stock: StockRecord) -> None:
        self._reserved[(stock.sku, stock.location_id)] = stock.reserved
        self._stocked.add(stock.sku)

    def capacity(self, record: CapacityRecord) -> None:
        self._committed[(record.location_id, record.day)] = record.committed

    def uniqueness(self, key: str, order_id: str) -> None:
        self._pointing[key] = order_id

    def catalogue(self, sku: str) -> None:
        self._known.add(sku)

    def listing(self, sku: str) -> None:
        self._listed.add(sku)

    def waitlisted(self, sku: str, order_id: str) -> None:
        self._waitlisted.add((sku, order_id))

    def violations(self) -> list[Violation]:
        return [*self._reservations(), *self._capacity(), *self._uniqueness(), *self._catalogue(),
                *self._waitlists()]

    def _waitlists(self) -> Iterator[Violation]:
        for sku, order_id in sorted(self._waiting - self._waitlisted):
            yield Violation("waiting_unlisted", order_id,
                            f"waits for {sku} but is not on its waiting list: no stock rise would source it")

    def _reservations(self) -> Iterator[Violation]:
        for sku, location_id in sorted(self._held.keys() | self._reserved.keys()):
            held, reserved = self._held[(sku, location_id)], self._reserved.get((sku, location_id))
            subject, holding = f"{sku}@{location_id}", f"open shipments hold {held}"
            if reserved is None:
                yield Violation("shipment_not_reserved", subject, f"no stock record, but {holding}")
            elif reserved > held:
                yield Violation("reserved_without_shipment", subject, f"reserved {reserved}, {holding}")
            elif reserved < held:
                yield Violation("shipment_not_reserved", subject, f"reserved {reserved}, {holding}")

    def _capacity(self) -> Iterator[Violation]:
        for location_id, day in sorted(self._picking.keys() | self._committed.keys()):
            committed, used = self._committed.get((location_id, day), 0), self._picking[(location_id, day)]
            if committed != used:
                yield Violation("capacity_mismatch", location_id,
                                f"{day}: committed {committed} units, its shipments of that day carry {used}")

    def _uniqueness(self) -> Iterator[Violation]:
        for key, order_id in sorted(self._pointing.items()):
            if order_id not in self._orders:
                yield Violation("uniqueness_dangling", order_id, f"{key} points at it, but it has no item")
        for key, order_id in sorted(self._needed.items()):
            pointing = self._pointing.get(key)
            if pointing is None:
                yield Violation("uniqueness_missing", order_id,
                                f"no {key}: the channel's retry would make a second order")
            elif pointing != order_id:
                yield Violation("uniqueness_missing", order_id,
                                f"{key} points at {pointing}: two orders of one channel order")

    def _catalogue(self) -> Iterator[Violation]:
        for sku in sorted(self._stocked - self._known):
            yield Violation("catalogue_missing", sku,
                            "stocked, but not in the catalogue: screening holds its orders as unknown")
        for sku in sorted(self._stocked - self._listed):
            yield Violation("catalogue_missing", sku,
                            "stocked, but not in the catalogue's listing: the chat assistant cannot find it")
