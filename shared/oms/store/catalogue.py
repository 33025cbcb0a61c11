"""What the Inventory table knows of SKUs and suppliers beyond stock: who supplies a SKU, its
category, cost, price and weight, and each supplier's terms.

A SKU's catalogue entry lives on the item that makes it known (intake checks it, stock counts
and receipts create it), so reading what a SKU is costs no extra request beside knowing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oms.planning import CatalogueEntry, Supplier
from oms.store import keys
from oms.store.items import from_item, stored, to_item

_BATCH = 100  # keys per BatchGetItem


class CatalogueStore:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    # ------------------------------------------------------------ suppliers

    def save_supplier(self, supplier: Supplier) -> bool:
        """Creates or replaces a supplier; True when it was new."""
        answer = self._client.put_item(TableName=self._table, ReturnValues="ALL_OLD", Item={
            **keys.supplier(supplier.supplier_id), "entity": {"S": "supplier"}, **to_item(stored(supplier))})
        return "Attributes" not in answer

    def supplier(self, supplier_id: str) -> Supplier | None:
        item = self._client.get_item(TableName=self._table, Key=keys.supplier(supplier_id)).get("Item")
        return _supplier(item) if item else None

    def suppliers(self) -> list[Supplier]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.SUPPLIERS}})
        return [_supplier(item) for page in pages for item in page["Items"]]

    # ------------------------------------------------------------ entries

    def save_entry(self, entry: CatalogueEntry) -> bool:
        """Replaces what the catalogue says of a SKU (the SKU joins it, listed, if it was not);
        True when the SKU was new to the catalogue."""
        known = self._client.get_item(TableName=self._table, Key=keys.catalogue(entry.sku),
                                      ProjectionExpression="sku").get("Item")
        self._client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self._table, "Item": {**keys.catalogue(entry.sku), **to_item(stored(entry))}}},
            {"Put": {"TableName": self._table, "Item": {**keys.catalogue_listing(entry.sku),
                                                         "sku": {"S": entry.sku}}}},
        ])
        return known is None

    def entry(self, sku: str) -> CatalogueEntry | None:
        item = self._client.get_item(TableName=self._table, Key=keys.catalogue(sku)).get("Item")
        return _entry(item) if item else None

    def entries(self, skus: Iterable[str]) -> dict[str, CatalogueEntry]:
        """The catalogue entries of these SKUs that exist: one BatchGetItem per 100."""
        wanted = sorted(set(skus))
        found: dict[str, CatalogueEntry] = {}
        for start in range(0, len(wanted), _BATCH):
            request = {self._table: {"Keys": [keys.catalogue(sku) for sku in wanted[start:start + _BATCH]]}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table, []):
                    entry = _entry(item)
                    found[entry.sku] = entry
                request = response.get("UnprocessedKeys") or {}
        return found


def _fields(item: dict[str, dict]) -> dict[str, Any]:
    return {name: value for name, value in from_item(item).items() if name not in ("pk", "sk", "entity")}


def _supplier(item: dict[str, dict]) -> Supplier:
    return Supplier.model_validate(_fields(item))


def _entry(item: dict[str, dict]) -> CatalogueEntry:
    return CatalogueEntry.model_validate(_fields(item))
