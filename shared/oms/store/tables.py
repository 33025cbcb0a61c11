"""Orders and stock as the domain works on them: what `oms.ports.Store` asks, over both tables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from oms.changes import Change
from oms.models import Location, Order, Stock
from oms.pii import PiiVault
from oms.store.changes import ChangeStore
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderStore
from oms.store.tracking import TrackingStore


class Tables:
    """Reads orders without their personal data (what sourcing and fulfilment decide on), or, given
    the vault, with it opened (what a channel's new version is compared with)."""

    def __init__(self, orders_table: str, inventory_table: str, client: Any, vault: PiiVault | None = None):
        self.orders = OrderStore(orders_table, client, vault=vault)
        self.inventory = InventoryStore(inventory_table, client)
        self._changes = ChangeStore(orders_table, inventory_table, client)
        self._tracking = TrackingStore(orders_table, client)
        self._opened = vault is not None

    def order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id, with_pii=self._opened)

    def stock(self, sku: str) -> list[Stock]:
        return self.inventory.stock(sku)

    def locations(self) -> list[Location]:
        return self.inventory.locations()

    def capacity_used(self, days: Mapping[str, date]) -> dict[str, int]:
        return self.inventory.capacity_used(days)

    def transit_histograms(self, lanes: list[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, int]]:
        return self._tracking.histograms(lanes)

    def commit(self, change: Change) -> None:
        self._changes.commit(change)
