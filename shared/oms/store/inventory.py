"""The Inventory table: locations, stock per (sku, location), capacity per location day, and
every stock movement.

`available` is stored beside `on_hand`, `reserved` and `safety_stock` because a DynamoDB
condition cannot do arithmetic: a reservation is conditioned on `available >= :q`. Every
write keeps `available = on_hand - reserved - safety_stock`, and writes a movement record
(what, where, how many, why) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from oms.changes import Movement, MovementKind
from oms.models import Location, Stock, StockPlan, utc_iso
from oms.store import cursors, keys
from oms.store.items import from_item, movement_put, stored, to_item

_ATTEMPTS = 4


class UnknownStock(LookupError):
    """No stock record for this SKU at this location (set or receive it first)."""


class NotEnoughOnHand(ValueError):
    """An adjustment would take on-hand units below zero."""


class StockChangedMeanwhile(RuntimeError):
    """A count kept losing to other changes of the same stock."""


@dataclass(frozen=True)
class MovementRecord:
    sku: str
    location_id: str
    at: str
    kind: str
    on_hand_change: int
    reserved_change: int
    actor: str
    reason: str | None = None
    order_id: str | None = None
    shipment_id: str | None = None
    reference: str | None = None


class InventoryStore:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    # ------------------------------------------------------------ locations

    def save_location(self, location: Location) -> None:
        attributes = {**_plain(keys.location(location.location_id)), **location.model_dump(exclude_none=True)}
        self._client.put_item(TableName=self._table, Item=to_item(attributes))

    def locations(self) -> list[Location]:
        return [_location(item) for item in self._every_item(
            KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": keys.LOCATIONS}})]

    def location(self, location_id: str) -> Location | None:
        item = self._client.get_item(TableName=self._table, Key=keys.location(location_id)).get("Item")
        return _location(item) if item else None

    def capacity_used(self, days: Mapping[str, date]) -> dict[str, int]:
        """Units each location has committed to pick on its day: one BatchGetItem per 100 locations."""
        wanted = sorted(days.items())
        used: dict[str, int] = {}
        for start in range(0, len(wanted), 100):
            request = {self._table: {"Keys": [keys.capacity(location_id, day) for location_id, day in
                                              wanted[start:start + 100]],
                                     "ProjectionExpression": "location_id, committed", "ConsistentRead": True}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table, []):
                    used[item["location_id"]["S"]] = int(item["committed"]["N"])
                request = response.get("UnprocessedKeys") or {}
        return used

    # ------------------------------------------------------------ stock

    def stock(self, sku: str) -> list[Stock]:
        return [_stock(item) for item in self._every_item(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :stock)",
            ExpressionAttributeValues={":pk": {"S": keys.sku_pk(sku)}, ":stock": {"S": keys.STOCK_SK_PREFIX}},
            ConsistentRead=True)]

    def _every_item(self, **query: Any) -> Iterator[dict]:
        """Every page of a Query: one page stops at 1 MB, and a SKU stocked everywhere can pass it."""
        for page in self._client.get_paginator("query").paginate(TableName=self._table, **query):
            yield from page["Items"]

    def stock_at(self, sku: str, location_id: str) -> Stock | None:
        item = self._client.get_item(TableName=self._table, Key=keys.stock(sku, location_id),
                                     ConsistentRead=True).get("Item")
        return _stock(item) if item else None

    def unknown_skus(self, skus: list[str]) -> tuple[str, ...]:
        """The SKUs no location has ever stocked: one BatchGetItem per 100 SKUs."""
        wanted = sorted(set(skus))
        known: set[str] = set()
        for start in range(0, len(wanted), 100):
            request = {self._table: {"Keys": [keys.catalogue(sku) for sku in wanted[start:start + 100]],
                                     "ProjectionExpression": "sku"}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                known.update(item["sku"]["S"] for item in response["Responses"].get(self._table, []))
                request = response.get("UnprocessedKeys") or {}
        return tuple(sku for sku in wanted if sku not in known)

    def set_stock(self, sku: str, location_id: str, on_hand: int, safety_stock: int = 0, reorder_point: int = 0,
                  actor: str = "operations", reason: str | None = None) -> Stock:
        """Sets the counted units; reservations already made are kept. The SKU joins the catalogue.

        The count is recorded as the difference from what was there, so it is read first
        and written on condition that nothing moved in between.
        """
        for _ in range(_ATTEMPTS):
            before = self.stock_at(sku, location_id)
            counted = on_hand - (before.on_hand if before else 0)
            seen = ("on_hand = :seen", {":seen": {"N": str(before.on_hand)}}) if before else (
                "attribute_not_exists(pk)", {})
            update = {
                "TableName": self._table, "Key": keys.stock(sku, location_id),
                "UpdateExpression": (
                    "SET sku = :sku, location_id = :location, on_hand = :on_hand, safety_stock = :safety,"
                    " reorder_point = :reorder, reserved = if_not_exists(reserved, :zero),"
                    # One operator per SET value: on_hand - safety_stock is folded in here.
                    " available = :unreserved_limit - if_not_exists(reserved, :zero)"
                ),
                "ConditionExpression": seen[0],
                "ExpressionAttributeValues": {
                    ":sku": {"S": sku}, ":location": {"S": location_id}, ":on_hand": {"N": str(on_hand)},
                    ":safety": {"N": str(safety_stock)}, ":reorder": {"N": str(reorder_point)},
                    ":unreserved_limit": {"N": str(on_hand - safety_stock)}, ":zero": {"N": "0"}, **seen[1],
                },
            }
            movement = Movement(sku, location_id, MovementKind.COUNT, on_hand=counted,
                                reason=reason or "stock set by a count")
            try:
                self._transact([*self._catalogue_writes(sku), {"Update": update},
                                *([movement_put(self._table, movement, _now(), actor)] if counted else [])])
            except self._client.exceptions.TransactionCanceledException:
                continue
            return self.stock_at(sku, location_id)
        raise StockChangedMeanwhile(f"{sku}@{location_id}")

    def adjust(self, sku: str, location_id: str, delta: int, actor: str = "operations",
               reason: str | None = None) -> Stock:
        """Counts units found (+) or lost (-); on hand never goes below zero.

        Reserved units stay reserved: a loss larger than what is free leaves `available`
        negative, which sourcing reads as nothing to promise until stock comes back.
        """
        update = {
            "TableName": self._table, "Key": keys.stock(sku, location_id),
            "UpdateExpression": "SET on_hand = on_hand + :delta, available = available + :delta",
            "ConditionExpression": "attribute_exists(pk) AND on_hand >= :floor",
            "ExpressionAttributeValues": {":delta": {"N": str(delta)}, ":floor": {"N": str(max(0, -delta))}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        movement = Movement(sku, location_id, MovementKind.COUNT, on_hand=delta, reason=reason)
        try:
            self._client.transact_write_items(TransactItems=[{"Update": update},
                                                             movement_put(self._table, movement, _now(), actor)])
        except self._client.exceptions.TransactionCanceledException as error:
            reason_of_stock = (error.response.get("CancellationReasons") or [{}])[0]
            if reason_of_stock.get("Code") != "ConditionalCheckFailed":
                raise
            if "Item" not in reason_of_stock:
                raise UnknownStock(sku, location_id) from None
            raise NotEnoughOnHand(sku, location_id) from None
        return self.stock_at(sku, location_id)

    def receive(self, sku: str, location_id: str, quantity: int, actor: str = "operations",
                reference: str | None = None) -> Stock:
        """Units arriving (a delivery, a transfer, a return to stock); the SKU joins the catalogue."""
        movement = Movement(sku, location_id, MovementKind.RECEIVE, on_hand=quantity, reference=reference,
                            reason="received")
        self._transact(self.arrival(movement, _now(), actor))
        return self.stock_at(sku, location_id)

    def arrival(self, movement: Movement, at: str, actor: str) -> list[dict]:
        """What units arriving write, for a store to commit with its own parts: the catalogue's
        items, the stock (made where the SKU was never held) and the movement."""
        update = {
            "TableName": self._table,
            "Key": keys.stock(movement.sku, movement.location_id),
            "UpdateExpression": (
                "SET sku = :sku, location_id = :location, on_hand = if_not_exists(on_hand, :zero) + :q,"
                " available = if_not_exists(available, :zero) + :q, reserved = if_not_exists(reserved, :zero),"
                " safety_stock = if_not_exists(safety_stock, :zero), reorder_point = if_not_exists(reorder_point, :zero)"
            ),
            "ExpressionAttributeValues": {":sku": {"S": movement.sku}, ":location": {"S": movement.location_id},
                                          ":q": {"N": str(movement.on_hand)}, ":zero": {"N": "0"}},
        }
        return [*self._catalogue_writes(movement.sku), {"Update": update},
                movement_put(self._table, movement, at, actor)]

    def record_plan(self, sku: str, location_id: str, plan: StockPlan) -> bool:
        """Keeps the replenishment run's plan beside the stock it is for; it changes no units, so
        it races with nothing. False when the stock is gone meanwhile."""
        try:
            self._client.update_item(
                TableName=self._table, Key=keys.stock(sku, location_id), UpdateExpression="SET planned = :plan",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":plan": {"M": to_item(stored(plan))}})
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def movements(self, sku: str, location_id: str, limit: int = 50,
                  after: str | None = None) -> tuple[list[MovementRecord], str | None]:
        """The stock's movements, newest first; `after` continues a previous page."""
        request = {
            "TableName": self._table, "KeyConditionExpression": "pk = :pk", "ScanIndexForward": False,
            "ExpressionAttributeValues": {":pk": {"S": keys.movements_pk(sku, location_id)}}, "Limit": limit,
        }
        if after:
            request["ExclusiveStartKey"] = cursors.decode(after)
        page = self._client.query(**request)
        records = [_movement(from_item(item)) for item in page["Items"]]
        cursor = page.get("LastEvaluatedKey")
        return records, cursors.encode(cursor)

    def catalogue(self) -> list[str]:
        """Every SKU any location has stocked, in order: the catalogue's listing, read whole."""
        request = {"TableName": self._table, "KeyConditionExpression": "pk = :pk",
                   "ExpressionAttributeValues": {":pk": {"S": keys.CATALOGUE}}, "ProjectionExpression": "sku"}
        skus = []
        while True:
            page = self._client.query(**request)
            skus += [item["sku"]["S"] for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return skus
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _catalogue_writes(self, sku: str) -> list[dict]:
        """The SKU is known (its own item, which intake checks) and listed (what chat searches).
        The known item is updated, not put: it also holds what the catalogue says of the SKU
        (supplier, category, cost), which a count must not wipe."""
        return [{"Update": {"TableName": self._table, "Key": keys.catalogue(sku), "UpdateExpression": "SET sku = :sku",
                            "ExpressionAttributeValues": {":sku": {"S": sku}}}},
                {"Put": {"TableName": self._table, "Item": {**keys.catalogue_listing(sku), "sku": {"S": sku}}}}]

    def _transact(self, items: list[dict]) -> None:
        self._client.transact_write_items(TransactItems=items)


def _now() -> str:
    return utc_iso(datetime.now(UTC))


def _plain(key: keys.Key) -> dict[str, str]:
    return {name: value["S"] for name, value in key.items()}


def _movement(attributes: dict[str, Any]) -> MovementRecord:
    fields = {name: value for name, value in attributes.items() if name in MovementRecord.__dataclass_fields__}
    return MovementRecord(**{**fields, "on_hand_change": int(fields["on_hand_change"]),
                             "reserved_change": int(fields["reserved_change"])})


def _location(item: dict[str, dict]) -> Location:
    return Location.model_validate({k: v for k, v in from_item(item).items() if k not in ("pk", "sk")})


def _stock(item: dict[str, dict]) -> Stock:
    return Stock.model_validate({k: v for k, v in from_item(item).items() if k not in ("pk", "sk", "available")})
