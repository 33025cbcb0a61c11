"""The Inventory table: locations, and stock per (sku, location).

`available` is stored beside `on_hand`, `reserved` and `safety_stock` because a
DynamoDB condition cannot do arithmetic: a reservation will be conditioned on
`available >= :q`. Every write here keeps `available = on_hand - reserved - safety_stock`.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from oms.models import Location, Stock

_LOCATIONS_PK = "LOCATIONS"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _stock_key(sku: str, location_id: str) -> dict[str, dict]:
    return {"pk": {"S": f"SKU#{sku}"}, "sk": {"S": f"LOC#{location_id}"}}


class InventoryStore:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def save_location(self, location: Location) -> None:
        attributes = {"pk": _LOCATIONS_PK, "sk": f"LOC#{location.location_id}", **location.model_dump()}
        self._client.put_item(
            TableName=self._table,
            Item={name: _serializer.serialize(value) for name, value in attributes.items()},
        )

    def locations(self) -> list[Location]:
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _LOCATIONS_PK}},
        )
        return [
            Location.model_validate({k: v for k, v in _from_item(item).items() if k not in ("pk", "sk")})
            for item in page["Items"]
        ]

    def set_stock(self, sku: str, location_id: str, on_hand: int, safety_stock: int = 0, reorder_point: int = 0) -> None:
        """Sets the counted units; reservations already made are kept."""
        self._client.update_item(
            TableName=self._table,
            Key=_stock_key(sku, location_id),
            UpdateExpression=(
                "SET sku = :sku, location_id = :location, on_hand = :on_hand, safety_stock = :safety,"
                " reorder_point = :reorder, reserved = if_not_exists(reserved, :zero),"
                # One operator per SET value: on_hand - safety_stock is folded in here.
                " available = :unreserved_limit - if_not_exists(reserved, :zero)"
            ),
            ExpressionAttributeValues={
                ":sku": {"S": sku},
                ":location": {"S": location_id},
                ":on_hand": {"N": str(on_hand)},
                ":safety": {"N": str(safety_stock)},
                ":reorder": {"N": str(reorder_point)},
                ":unreserved_limit": {"N": str(on_hand - safety_stock)},
                ":zero": {"N": "0"},
            },
        )

    def stock(self, sku: str) -> list[Stock]:
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"SKU#{sku}"}},
            ConsistentRead=True,
        )
        return [
            Stock.model_validate({k: v for k, v in _from_item(item).items() if k not in ("pk", "sk", "available")})
            for item in page["Items"]
        ]


def _from_item(item: dict[str, dict]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}
