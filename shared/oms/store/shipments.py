"""Shipments as their locations act on them; releasing one gives its reserved stock back once.

A release is one transaction: each line's `reserved -= q, available += q`, the shipment
moved out of a live status (which is what makes a second release fail: exactly once),
the order moved as the caller says, and the history event.
"""

from __future__ import annotations

from typing import Any

from oms.models import HistoryEvent, Shipment
from oms.store.inventory import _stock_key
from oms.store.orders import _HEADER, _from_item, _history_item, _order_pk, _to_item, _without_keys


class ShipmentChanged(Exception):
    """The shipment (or its order) was not in the state the change expected."""


def order_id_of(shipment_id: str) -> str:
    return "ord_" + shipment_id.removeprefix("shp_").rsplit("_", 1)[0]


class ShipmentStore:
    def __init__(self, orders_table: str, inventory_table: str, client: Any):
        self._orders, self._inventory = orders_table, inventory_table
        self._client = client

    def get(self, shipment_id: str) -> Shipment | None:
        item = self._client.get_item(TableName=self._orders, Key=self._key(shipment_id), ConsistentRead=True).get("Item")
        return Shipment.model_validate(_without_keys(_from_item(item))) if item else None

    def advance(self, shipment: Shipment, to: str, event: HistoryEvent, order_move: tuple[str, str] | None = None,
                **fields: str) -> None:
        """Moves the shipment on from the status it was read in (and the order, if asked)."""
        names = {"#status": "status", **{f"#{name}": name for name in fields}}
        values = {":to": {"S": to}, ":from": {"S": str(shipment.status)},
                  **{f":{name}": {"S": value} for name, value in fields.items()}}
        assignments = ", ".join(["#status = :to", *(f"#{name} = :{name}" for name in fields)])
        items = [{"Update": {
            "TableName": self._orders, "Key": self._key(shipment.shipment_id),
            "UpdateExpression": f"SET {assignments}", "ConditionExpression": "#status = :from",
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
        }}]
        self._transact(items + self._order_items(shipment.order_id, event, order_move))

    def release(self, shipments: list[Shipment], to: str, event: HistoryEvent,
                order_move: tuple[str, str] | None = None) -> None:
        """Gives the shipments' reserved units back and moves each to `to` (rejected,
        cancelled), with the order's move, all in one transaction."""
        items = [
            *({"Update": {
                "TableName": self._inventory, "Key": _stock_key(sku, location_id),
                "UpdateExpression": "SET reserved = reserved - :q, available = available + :q",
                "ConditionExpression": "reserved >= :q",
                "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
            }} for (sku, location_id), quantity in _per_stock_item(shipments)),
            *({"Update": {
                "TableName": self._orders, "Key": self._key(shipment.shipment_id),
                "UpdateExpression": "SET #status = :to", "ConditionExpression": "#status = :from",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":to": {"S": to}, ":from": {"S": str(shipment.status)}},
            }} for shipment in shipments),
        ]
        self._transact(items + self._order_items(shipments[0].order_id, event, order_move))

    def _order_items(self, order_id: str, event: HistoryEvent, order_move: tuple[str, str] | None) -> list[dict]:
        items = [{"Put": {"TableName": self._orders, "Item": _to_item(_history_item(_order_pk(order_id), 0, event))}}]
        if order_move:
            expected, to = order_move
            items.append({"Update": {
                "TableName": self._orders,
                "Key": {"pk": {"S": _order_pk(order_id)}, "sk": {"S": _HEADER}},
                "UpdateExpression": "SET #status = :to, status_key = :to_key, updated_at = :at",
                "ConditionExpression": "#status = :expected",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":to": {"S": to}, ":to_key": {"S": f"STATUS#{to}"},
                                              ":at": {"S": event.model_dump()["at"]}, ":expected": {"S": expected}},
            }})
        return items

    def _transact(self, items: list[dict]) -> None:
        try:
            self._client.transact_write_items(TransactItems=items)
        except self._client.exceptions.TransactionCanceledException as error:
            raise ShipmentChanged(str(error)) from error

    def _key(self, shipment_id: str) -> dict[str, dict]:
        return {"pk": {"S": _order_pk(order_id_of(shipment_id))}, "sk": {"S": f"SHIPMENT#{shipment_id}"}}


def _per_stock_item(shipments: list[Shipment]) -> list[tuple[tuple[str, str], int]]:
    """One update per (sku, location): a transaction may touch an item only once."""
    totals: dict[tuple[str, str], int] = {}
    for shipment in shipments:
        for line in shipment.lines:
            key = (line.sku, shipment.location_id)
            totals[key] = totals.get(key, 0) + line.quantity
    return sorted(totals.items())
