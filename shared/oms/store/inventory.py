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


def _catalogue_key(sku: str) -> dict[str, dict]:
    return {"pk": {"S": f"SKU#{sku}"}, "sk": {"S": "CATALOGUE"}}


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
        """Sets the counted units; reservations already made are kept. The SKU joins the catalogue."""
        self._client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self._table, "Item": {**_catalogue_key(sku), "sku": {"S": sku}}}},
            {"Update": self._stock_update(sku, location_id, on_hand, safety_stock, reorder_point)},
        ])

    def unknown_skus(self, skus: list[str]) -> tuple[str, ...]:
        """The SKUs no location has ever stocked: one BatchGetItem per 100 SKUs."""
        wanted = sorted(set(skus))
        known: set[str] = set()
        for start in range(0, len(wanted), 100):
            request = {self._table: {"Keys": [_catalogue_key(sku) for sku in wanted[start:start + 100]],
                                     "ProjectionExpression": "sku"}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                known.update(item["sku"]["S"] for item in response["Responses"].get(self._table, []))
                request = response.get("UnprocessedKeys") or {}
        return tuple(sku for sku in wanted if sku not in known)

    def _stock_update(self, sku: str, location_id: str, on_hand: int, safety_stock: int, reorder_point: int) -> dict:
        return dict(
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

    def location(self, location_id: str) -> Location | None:
        item = self._client.get_item(
            TableName=self._table, Key={"pk": {"S": _LOCATIONS_PK}, "sk": {"S": f"LOC#{location_id}"}}
        ).get("Item")
        return Location.model_validate({k: v for k, v in _from_item(item).items() if k not in ("pk", "sk")}) if item else None

    def adjust(self, sku: str, location_id: str, delta: int) -> Stock:
        """Counts units found (+) or lost (-); on hand never goes below zero.

        Reserved units stay reserved: a loss larger than what is free leaves `available`
        negative, which sourcing reads as nothing to promise until stock comes back.
        """
        try:
            item = self._client.update_item(
                TableName=self._table,
                Key=_stock_key(sku, location_id),
                UpdateExpression="SET on_hand = on_hand + :delta, available = available + :delta",
                ConditionExpression="attribute_exists(pk) AND on_hand >= :floor",
                ExpressionAttributeValues={":delta": {"N": str(delta)}, ":floor": {"N": str(max(0, -delta))}},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )["Attributes"]
        except self._client.exceptions.ConditionalCheckFailedException as error:
            if "Item" not in error.response:
                raise UnknownStock(sku, location_id) from None
            raise NotEnoughOnHand(sku, location_id) from None
        return _stock_from_item(item)

    def receive(self, sku: str, location_id: str, quantity: int) -> Stock:
        """Units arriving (a delivery, a transfer, a return to stock); the SKU joins the catalogue."""
        update = {
            "TableName": self._table,
            "Key": _stock_key(sku, location_id),
            "UpdateExpression": (
                "SET sku = :sku, location_id = :location, on_hand = if_not_exists(on_hand, :zero) + :q,"
                " available = if_not_exists(available, :zero) + :q, reserved = if_not_exists(reserved, :zero),"
                " safety_stock = if_not_exists(safety_stock, :zero), reorder_point = if_not_exists(reorder_point, :zero)"
            ),
            "ExpressionAttributeValues": {":sku": {"S": sku}, ":location": {"S": location_id},
                                          ":q": {"N": str(quantity)}, ":zero": {"N": "0"}},
        }
        self._client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self._table, "Item": {**_catalogue_key(sku), "sku": {"S": sku}}}},
            {"Update": update},
        ])
        return next(stock for stock in self.stock(sku) if stock.location_id == location_id)

    def write_off_free_units(self, sku: str, location_id: str) -> None:
        """A location says it has none of the SKU: what it had free to promise is counted lost."""
        for record in self.stock(sku):
            if record.location_id == location_id and record.available > 0:
                try:
                    self.adjust(sku, location_id, -record.available)
                except NotEnoughOnHand:
                    pass  # it changed meanwhile; the next count corrects it

    def stock(self, sku: str) -> list[Stock]:
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"SKU#{sku}"}},
            ConsistentRead=True,
        )
        return [_stock_from_item(item) for item in page["Items"] if item["sk"]["S"].startswith("LOC#")]


def _from_item(item: dict[str, dict]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


class UnknownStock(LookupError):
    """No stock record for this SKU at this location (set or receive it first)."""


class NotEnoughOnHand(ValueError):
    """An adjustment would take on-hand units below zero."""


def _stock_from_item(item: dict[str, dict]) -> Stock:
    return Stock.model_validate({k: v for k, v in _from_item(item).items() if k not in ("pk", "sk", "available")})
