"""The Orders table: the only code that knows its keys, indexes and expressions.

One item collection per order (`ORDER#<id>`): the header, one item per line and one
per history event. A uniqueness item per `(channel, channel_order_id)` is written in
the same transaction, so a channel's retry can never create a second order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from oms.models import HistoryEvent, Order, OrderLine

_HEADER = "ORDER"
_UNIQUE = "CHANNEL_ORDER"
_KEY_ATTRIBUTES = frozenset({"pk", "sk", "entity", "status_key", "order_number_key", "fingerprint"})
_TRANSACTION_ATTEMPTS = 4

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def _channel_order_pk(channel: str, channel_order_id: str) -> str:
    return f"CHANNEL_ORDER#{channel}#{channel_order_id}"


def order_number_key(order_number: str) -> str:
    """What support and chat look an order up by: the number without its decoration."""
    return "ORDERNO#" + order_number.strip().lstrip("#").upper()


def _to_item(attributes: dict[str, Any]) -> dict[str, dict]:
    return {name: _serializer.serialize(value) for name, value in attributes.items() if value is not None}


def _from_item(item: dict[str, dict]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _without_keys(attributes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in attributes.items() if name not in _KEY_ATTRIBUTES}


@dataclass(frozen=True)
class StoredOrder:
    """What `create_once` found: the order as stored, and whether this call wrote it."""

    order: Order
    created: bool
    fingerprint: str


class OrderStore:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def create_once(self, order: Order, fingerprint: str) -> StoredOrder:
        """Writes the order unless its channel order exists; then returns the existing one.

        New order: one TransactWriteItems. Duplicate: that transaction (which hands back
        the uniqueness item) and one Query for the stored order.
        """
        items = self._order_items(order, fingerprint)
        for attempt in range(_TRANSACTION_ATTEMPTS):
            try:
                self._client.transact_write_items(TransactItems=items)
                return StoredOrder(order, created=True, fingerprint=fingerprint)
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons", [])
                uniqueness = reasons[0] if reasons else {}
                if uniqueness.get("Code") == "ConditionalCheckFailed" and "Item" in uniqueness:
                    return self._existing(_from_item(uniqueness["Item"]))
                # Another writer holds one of the items (TransactionConflict): the loser
                # retries and, if the winner wrote the same channel order, lands above.
                if attempt + 1 == _TRANSACTION_ATTEMPTS:
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    def get(self, order_id: str) -> Order | None:
        header, lines, history = None, [], []
        for attributes in self._collection(_order_pk(order_id)):
            entity = attributes.get("entity")
            if entity == "order":
                header = attributes
            elif entity == "line":
                lines.append(attributes)
            elif entity == "history":
                history.append(attributes)
        if header is None:
            return None
        return Order.model_validate(
            {
                **_without_keys(header),
                "lines": [_without_keys(line) for line in lines],
                "history": [_without_keys(event) for event in history],
            }
        )

    def _existing(self, uniqueness: dict[str, Any]) -> StoredOrder:
        order = self.get(uniqueness["order_id"])
        if order is None:  # the transaction writes both or neither
            raise LookupError(f"uniqueness item without order {uniqueness['order_id']}")
        return StoredOrder(order, created=False, fingerprint=uniqueness["fingerprint"])

    def _collection(self, pk: str):
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**request)
            yield from (_from_item(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _order_items(self, order: Order, fingerprint: str) -> list[dict]:
        pk = _order_pk(order.order_id)
        header = order.model_dump(exclude={"lines", "history"}, exclude_none=True)
        header.update(
            pk=pk,
            sk=_HEADER,
            entity="order",
            status_key=f"STATUS#{order.status}",
            order_number_key=order_number_key(order.channel_order_number) if order.channel_order_number else None,
        )
        uniqueness = {
            "pk": _channel_order_pk(order.channel, order.channel_order_id),
            "sk": _UNIQUE,
            "entity": "channel_order",
            "order_id": order.order_id,
            "fingerprint": fingerprint,
        }
        puts = [
            self._put(uniqueness, condition_failure_returns_item=True),
            self._put(header),
            *(self._put(_line_item(pk, number, line)) for number, line in enumerate(order.lines, start=1)),
            *(self._put(_history_item(pk, number, event)) for number, event in enumerate(order.history, start=1)),
        ]
        return puts

    def _put(self, attributes: dict[str, Any], condition_failure_returns_item: bool = False) -> dict:
        put = {
            "TableName": self._table,
            "Item": _to_item(attributes),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if condition_failure_returns_item:
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}


def _line_item(pk: str, number: int, line: OrderLine) -> dict[str, Any]:
    return {"pk": pk, "sk": f"LINE#{number:03d}", "entity": "line", **line.model_dump(exclude_none=True)}


def _history_item(pk: str, number: int, event: HistoryEvent) -> dict[str, Any]:
    attributes = event.model_dump(exclude_none=True)
    return {"pk": pk, "sk": f"HISTORY#{attributes['at']}#{number:04d}", "entity": "history", **attributes}
