"""Shipments as their locations see them: one by id, and a location's open picks, oldest first."""

from __future__ import annotations

from typing import Any

from oms.ids import order_id_of
from oms.models import Shipment
from oms.store import cursors, keys
from oms.store.items import from_item, without_keys


class ShipmentStore:
    def __init__(self, orders_table: str, client: Any):
        self._orders = orders_table
        self._client = client

    def get(self, shipment_id: str) -> Shipment | None:
        item = self._client.get_item(TableName=self._orders, Key=keys.shipment_key(order_id_of(shipment_id), shipment_id),
                                     ConsistentRead=True).get("Item")
        return Shipment.model_validate(without_keys(from_item(item))) if item else None

    def open_picks(self, location_id: str, status: str, limit: int = 50,
                   after: str | None = None) -> tuple[list[Shipment], str | None]:
        """The location's shipments in an open status, oldest first (the OpenPicks index)."""
        request = {
            "TableName": self._orders, "IndexName": "OpenPicks", "Limit": limit,
            "KeyConditionExpression": "open_pick_key = :open",
            "ExpressionAttributeValues": {":open": {"S": keys.open_pick_key(location_id, status)}},
        }
        if after:
            request["ExclusiveStartKey"] = cursors.decode(after)
        page = self._client.query(**request)
        shipments = [Shipment.model_validate(without_keys(from_item(item))) for item in page["Items"]]
        cursor = page.get("LastEvaluatedKey")
        return shipments, cursors.encode(cursor)
