"""Committing an allocation: stock reserved, shipments written and the order moved, all or nothing.

One TransactWriteItems across the Inventory and Orders tables: each reservation is
`available = available - q` conditioned on `available >= q` (DynamoDB conditions cannot
do arithmetic, hence the stored `available`), beside the order's status change, which is
conditioned on the status the allocation started from. A lost race on stock cancels the
whole transaction and names the stock that ran out; a record delivered twice finds the
order already moved and changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oms.models import HistoryEvent, Shipment
from oms.store.inventory import _stock_key
from oms.store.orders import _HEADER, _history_item, _order_pk, _to_item

# DynamoDB's limit on the items of one transaction.
MAX_TRANSACTION_ITEMS = 100


class StockRanOut(Exception):
    """Between reading stock and reserving it, another order took it."""

    def __init__(self, exhausted: list[tuple[str, str]]):
        super().__init__(", ".join(f"{sku}@{location}" for sku, location in exhausted))
        self.exhausted = exhausted  # (sku, location_id) pairs whose condition failed


class OrderMoved(Exception):
    """The order is no longer in the status the allocation started from (already done)."""


class AllocationTooLarge(ValueError):
    """More reservations and shipments than one transaction can hold."""


@dataclass(frozen=True)
class Allocation:
    order_id: str
    from_status: str
    shipments: tuple[Shipment, ...]
    event: HistoryEvent  # its to_status is the order's new status


class AllocationStore:
    def __init__(self, orders_table: str, inventory_table: str, client: Any):
        self._orders, self._inventory = orders_table, inventory_table
        self._client = client

    def commit(self, allocation: Allocation) -> None:
        reservations = _reservations(allocation.shipments)
        items = [
            *(self._reserve(sku, location_id, quantity) for (sku, location_id), quantity in reservations),
            *(self._put_shipment(shipment) for shipment in allocation.shipments),
            self._move_order(allocation),
            {"Put": {"TableName": self._orders,
                     "Item": _to_item(_history_item(_order_pk(allocation.order_id), 0, allocation.event))}},
        ]
        if len(items) > MAX_TRANSACTION_ITEMS:
            raise AllocationTooLarge(f"{len(items)} items for order {allocation.order_id}")
        try:
            self._client.transact_write_items(TransactItems=items)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            failed = [index for index, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"]
            exhausted = [reservations[index][0] for index in failed if index < len(reservations)]
            if exhausted:
                raise StockRanOut(exhausted) from error
            if failed:
                raise OrderMoved(allocation.order_id) from error
            raise

    def _reserve(self, sku: str, location_id: str, quantity: int) -> dict:
        return {"Update": {
            "TableName": self._inventory,
            "Key": _stock_key(sku, location_id),
            "UpdateExpression": "SET reserved = reserved + :q, available = available - :q",
            "ConditionExpression": "available >= :q",
            "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        }}

    def _put_shipment(self, shipment: Shipment) -> dict:
        # Through JSON with decimals: a trace's distances and costs may be floats, which
        # DynamoDB refuses.
        dumped = json.loads(shipment.model_dump_json(exclude_none=True), parse_float=Decimal)
        attributes = {"pk": _order_pk(shipment.order_id), "sk": f"SHIPMENT#{shipment.shipment_id}",
                      "entity": "shipment", **dumped}
        return {"Put": {"TableName": self._orders, "Item": _to_item(attributes),
                        "ConditionExpression": "attribute_not_exists(pk)"}}

    def _move_order(self, allocation: Allocation) -> dict:
        at = allocation.event.model_dump()["at"]
        return {"Update": {
            "TableName": self._orders,
            "Key": {"pk": {"S": _order_pk(allocation.order_id)}, "sk": {"S": _HEADER}},
            "UpdateExpression": "SET #status = :to, status_key = :to_key, updated_at = :at",
            "ConditionExpression": "#status = :from",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":to": {"S": str(allocation.event.to_status)},
                                          ":to_key": {"S": f"STATUS#{allocation.event.to_status}"},
                                          ":at": {"S": at}, ":from": {"S": allocation.from_status}},
        }}


def _reservations(shipments: tuple[Shipment, ...]) -> list[tuple[tuple[str, str], int]]:
    """One reservation per (sku, location): a transaction may touch an item only once."""
    units: Counter[tuple[str, str]] = Counter()
    for shipment in shipments:
        for line in shipment.lines:
            units[(line.sku, shipment.location_id)] += line.quantity
    return sorted(units.items())
