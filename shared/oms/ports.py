"""What the domain needs of a store: orders and stock to decide on, and a change to commit whole.

`oms.store.tables.Tables` is the DynamoDB one; the tests' in-memory one keeps the same
promises, so the domain's rules can be checked over thousands of random histories.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Protocol

from oms.changes import Change, WaitingOrder
from oms.models import Location, Order, Stock


class Store(Protocol):
    def order(self, order_id: str) -> Order | None:
        """The order with its shipments and history, without personal data."""

    def stock(self, sku: str) -> list[Stock]:
        """The SKU's stock at every location that has a record of it, read consistently."""

    def locations(self) -> list[Location]: ...

    def capacity_used(self, days: Mapping[str, date]) -> dict[str, int]:
        """Units each location committed to pick on the given day of its own."""

    def transit_histograms(self, lanes: list[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, int]]:
        """Each lane's counts of transit days as stored (`d<n>` -> deliveries), for those that have any."""

    def commit(self, change: Change) -> None:
        """All of the change or none of it; raises StockRanOut, CapacityRanOut, ChangeConflict
        or ChangeTooLarge (oms.changes) when its conditions do not hold."""


class Waitlists(Protocol):
    def waiting_for(self, sku: str) -> Iterator[WaitingOrder]:
        """The orders waiting for the SKU, oldest first, read a page at a time as they are taken."""

    def forget_waiting(self, entry: WaitingOrder) -> None:
        """The order no longer waits for that SKU (cancelled, or sourced meanwhile)."""
