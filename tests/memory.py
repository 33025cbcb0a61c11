"""Orders and stock in memory, keeping the promises oms.store keeps over DynamoDB: a change is
committed whole or not at all, under the same conditions (oms.ports.Store). The domain runs
on it unchanged, so its rules can be checked over thousands of random histories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from oms.changes import (
    MAX_ITEMS,
    CapacityRanOut,
    Change,
    ChangeConflict,
    ChangeContended,
    ChangeTooLarge,
    Movement,
    MovementKind,
    StockRanOut,
    WaitingOrder,
    stock_updates,
)
from oms.models import CHANNEL_DATA, Location, Order, Stock


@dataclass
class Level:
    on_hand: int
    reserved: int = 0
    safety_stock: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.safety_stock


@dataclass
class MemoryStore:
    places: list[Location]
    levels: dict[tuple[str, str], Level] = field(default_factory=dict)  # (sku, location_id)
    orders: dict[str, Order] = field(default_factory=dict)
    committed: dict[tuple[str, date], int] = field(default_factory=dict)  # (location_id, day) -> units
    movements: list[Movement] = field(default_factory=list)
    transit: dict[tuple[str, ...], dict[str, int]] = field(default_factory=dict)  # lane -> bucket -> deliveries
    contend_next: bool = False  # the next commit meets another transaction (DynamoDB's TransactionConflict)
    waitlists: dict[tuple[str, datetime, str], WaitingOrder] = field(default_factory=dict)  # (sku, placed_at, order)

    # ------------------------------------------------------------ oms.ports.Store

    def order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def stock(self, sku: str) -> list[Stock]:
        return [Stock(sku=s, location_id=location_id, on_hand=level.on_hand, reserved=level.reserved,
                      safety_stock=level.safety_stock)
                for (s, location_id), level in sorted(self.levels.items()) if s == sku]

    def locations(self) -> list[Location]:
        return list(self.places)

    def capacity_used(self, days: Mapping[str, date]) -> dict[str, int]:
        return {location_id: self.committed[(location_id, day)] for location_id, day in days.items()
                if (location_id, day) in self.committed}

    def transit_histograms(self, lanes: list[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, int]]:
        return {lane: dict(self.transit[lane]) for lane in lanes if lane in self.transit}

    def commit(self, change: Change) -> None:
        if self.contend_next:
            self.contend_next = False
            raise ChangeContended(change.order_id)
        if change.item_count() > MAX_ITEMS:
            raise ChangeTooLarge(change.item_count())
        self._check(change)
        for update in stock_updates(change.movements):
            level = self.levels.setdefault((update.sku, update.location_id), Level(on_hand=0))
            level.on_hand += update.on_hand
            level.reserved += update.reserved
        for use in change.capacity:
            self.committed[(use.location_id, use.day)] = self.committed.get((use.location_id, use.day), 0) + use.units
        self.movements += change.movements
        for count in change.transit:
            for lane in count.lanes:
                buckets = self.transit.setdefault(lane, {})
                for bucket in count.buckets:
                    buckets[bucket] = buckets.get(bucket, 0) + 1
        if change.order_id is None:
            return
        for wait in change.waits_over:
            self.waitlists.pop((wait.sku, wait.placed_at, change.order_id), None)
        for wait in change.waits:
            self.waitlists[(wait.sku, wait.placed_at, change.order_id)] = WaitingOrder(
                change.order_id, wait.sku, wait.units, wait.placed_at, change.order_version)
        order = self.orders[change.order_id]
        moved = {move.shipment.shipment_id: move for move in change.shipment_moves}
        shipments = tuple(
            s.model_copy(update=_moved(moved[s.shipment_id])) if s.shipment_id in moved else s for s in order.shipments
        ) + change.new_shipments
        cancelled = {c.line_no: c.after for c in change.line_cancellations}
        lines = change.lines_replaced if change.lines_replaced is not None else tuple(
            line.model_copy(update={"cancelled": cancelled[n]}) if n in cancelled else line
            for n, line in enumerate(order.lines, start=1))
        returns_moved = {move.returned.return_id: move for move in change.return_moves}
        returns = tuple(r.model_copy(update=_fields(returns_moved[r.return_id], "received", "received_at", "refund_id"))
                        if r.return_id in returns_moved else r for r in order.returns) + change.new_returns
        refunds_moved = {move.refund.refund_id: move for move in change.refund_moves}
        refunds = tuple(r.model_copy(update=_fields(refunds_moved[r.refund_id], "confirmed_at", "channel_refund_id"))
                        if r.refund_id in refunds_moved else r for r in order.refunds) + change.new_refunds
        update = {"shipments": shipments, "history": order.history + change.history, "lines": lines,
                  "returns": returns, "refunds": refunds}
        if change.order_version is not None:
            update["version"] = order.version + 1
            if change.moves_order:
                update["status"] = change.order_to
            if change.hold_reasons is not None:
                update["hold_reasons"] = change.hold_reasons
            update.update(change.header)
        self.orders[change.order_id] = Order.model_validate(
            {**order.model_dump(), **{k: v for k, v in update.items()}}, context=CHANNEL_DATA)

    # ------------------------------------------------------------ what review and backorders list

    def waiting_for(self, sku: str):
        yield from (entry for (listed, _, _), entry in sorted(self.waitlists.items()) if listed == sku)

    def forget_waiting(self, entry: WaitingOrder) -> None:
        key = (entry.sku, entry.placed_at, entry.order_id)
        if key in self.waitlists and self.waitlists[key].listed_by == entry.listed_by:
            del self.waitlists[key]

    # ------------------------------------------------------------ stock, as operations change it

    def count(self, sku: str, location_id: str, delta: int) -> None:
        level = self.levels[(sku, location_id)]
        if level.on_hand + delta < 0:
            raise ValueError("would take on hand below zero")
        level.on_hand += delta
        self.movements.append(Movement(sku, location_id, MovementKind.COUNT, on_hand=delta))

    def receive(self, sku: str, location_id: str, quantity: int) -> None:
        self.levels.setdefault((sku, location_id), Level(on_hand=0)).on_hand += quantity
        self.movements.append(Movement(sku, location_id, MovementKind.RECEIVE, on_hand=quantity))

    # ------------------------------------------------------------ the conditions

    def _check(self, change: Change) -> None:
        exhausted = []
        for update in stock_updates(change.movements):
            level = self.levels.get((update.sku, update.location_id))
            if update.creates:
                continue
            if level is None or level.on_hand < update.least_on_hand or level.reserved < update.least_reserved or (
                    update.least_available is not None and level.available < update.least_available):
                exhausted.append((update.sku, update.location_id))
        if exhausted:
            raise StockRanOut(exhausted)
        days: dict[tuple[str, date], int] = {}
        for use in change.capacity:
            days[(use.location_id, use.day)] = days.get((use.location_id, use.day), 0) + use.units
        full = [use.location_id for use in change.capacity if use.daily_capacity is not None
                and self.committed.get((use.location_id, use.day), 0) + days[(use.location_id, use.day)]
                > use.daily_capacity]
        if full:
            raise CapacityRanOut(full)
        if change.order_id is None:
            return
        order = self.orders.get(change.order_id)
        if change.order_version is not None and (
                order is None or order.status != change.order_from or order.version != change.order_version):
            raise ChangeConflict(change.order_id)
        current = {s.shipment_id: s for s in order.shipments} if order else {}
        if any(current.get(move.shipment.shipment_id) is None
               or current[move.shipment.shipment_id].status != move.shipment.status for move in change.shipment_moves):
            raise ChangeConflict(change.order_id)
        if any(s.shipment_id in current for s in change.new_shipments):
            raise ChangeConflict(change.order_id)
        lines = dict(enumerate(order.lines, start=1)) if order else {}
        if any(lines[c.line_no].cancelled != c.before for c in change.line_cancellations):
            raise ChangeConflict(change.order_id)
        returns = {r.return_id: r for r in order.returns} if order else {}
        refunds = {r.refund_id: r for r in order.refunds} if order else {}
        if (any(returns.get(m.returned.return_id, m.returned).status != m.returned.status for m in change.return_moves)
                or any(refunds.get(m.refund.refund_id, m.refund).status != m.refund.status for m in change.refund_moves)
                or any(r.return_id in returns for r in change.new_returns)
                or any(r.refund_id in refunds for r in change.new_refunds)):
            raise ChangeConflict(change.order_id)


def _fields(move, *names: str) -> dict:
    return {"status": move.to, **{name: getattr(move, name) for name in names if getattr(move, name)}}


def _moved(move) -> dict:
    fields = {"status": move.to}
    for name in ("carrier", "tracking_number", "service", "tracking", "shipped_at", "delivered_at"):
        if getattr(move, name) is not None:
            fields[name] = getattr(move, name)
    return fields
