"""What the replenishment run reads and writes, over the Inventory and Planning tables: the one
`oms.planner.PlanningSources` of DynamoDB."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from oms.demand import DailyDemand, Series
from oms.models import Location, Stock, StockPlan
from oms.planning import CatalogueEntry, Proposal, Supplier
from oms.store import keys
from oms.store.catalogue import CatalogueStore
from oms.store.demand import DemandStore
from oms.store.inventory import InventoryStore
from oms.store.proposals import ProposalStore
from oms.store.stock_orders import StockOrders

_RUN_KEPT_DAYS = 40


class PlanningTables:
    def __init__(self, inventory_table: str, planning_table: str, client: Any):
        self._planning = planning_table
        self._client = client
        self._inventory = InventoryStore(inventory_table, client)
        self._catalogue = CatalogueStore(inventory_table, client)
        self._demand = DemandStore(planning_table, client)
        self._proposals = ProposalStore(planning_table, client)
        self._orders = StockOrders(inventory_table, planning_table, client)

    def locations(self) -> list[Location]:
        return self._inventory.locations()

    def catalogue(self) -> list[str]:
        return self._inventory.catalogue()

    def stock(self, sku: str) -> list[Stock]:
        return self._inventory.stock(sku)

    def entries(self, skus: Iterable[str]) -> dict[str, CatalogueEntry]:
        return self._catalogue.entries(skus)

    def suppliers(self) -> list[Supplier]:
        return self._catalogue.suppliers()

    def history(self, series: Series, start: date, end: date) -> list[DailyDemand]:
        return self._demand.history(series, start, end)

    def inbound(self, sku: str) -> dict[str, int]:
        return self._orders.inbound(sku)

    def mark_stock_out(self, sku: str, location_id: str, day: date) -> None:
        self._demand.mark_stock_out(sku, location_id, day)

    def record_plan(self, sku: str, location_id: str, plan: StockPlan) -> bool:
        return self._inventory.record_plan(sku, location_id, plan)

    def replace_open(self, run_on: date, proposals: Sequence[Proposal]) -> None:
        self._proposals.replace_open(run_on, proposals)

    def first_run_of_day(self, day: date) -> bool:
        """True the first time a run of this day asks: what ops are told of once a day."""
        expires = int((day.toordinal() - date(1970, 1, 1).toordinal() + _RUN_KEPT_DAYS) * 86400)
        try:
            self._client.put_item(TableName=self._planning, ConditionExpression="attribute_not_exists(pk)",
                                  Item={**keys.planning_run(day), "entity": {"S": "planning_run"},
                                        "expires_at": {"N": str(expires)}})
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
