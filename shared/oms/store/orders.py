"""The Orders table: the only code that knows its keys, indexes and expressions.

One item collection per order (`ORDER#<id>`): the header, one item per line and one
per history event. A uniqueness item per `(channel, channel_order_id)` is written in
the same transaction, so a channel's retry can never create a second order.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from oms.models import CHANNEL_DATA, HistoryEvent, Order, OrderLine
from oms.pii import PiiVault, erase

_HEADER = "ORDER"
_UNIQUE = "CHANNEL_ORDER"
_KEY_ATTRIBUTES = frozenset({"pk", "sk", "entity", "status_key", "order_number_key", "customer_key", "fingerprint"})
_TRANSACTION_ATTEMPTS = 4

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _order_pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


def _channel_order_pk(channel: str, channel_order_id: str) -> str:
    return f"CHANNEL_ORDER#{channel}#{channel_order_id}"


def _customer_key(email_hash: str) -> str:
    return f"CUSTOMER#{email_hash}"


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
    """Orders as the domain sees them; PII is sealed on the way in and opened on the way out."""

    def __init__(self, table_name: str, client: Any, vault: PiiVault | None):
        self._table = table_name
        self._client = client
        self._vault = vault

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

    def get(self, order_id: str, with_pii: bool = True) -> Order | None:
        """The order; `with_pii=False` leaves its personal data sealed away (no KMS call),
        as erasure would, for code that needs places and lines but no person."""
        header, lines, history, shipments = None, [], [], []
        for attributes in self._collection(_order_pk(order_id)):
            entity = attributes.get("entity")
            if entity == "order":
                header = attributes
            elif entity == "line":
                lines.append(attributes)
            elif entity == "history":
                history.append(attributes)
            elif entity == "shipment":
                shipments.append(attributes)
        if header is None:
            return None
        return Order.model_validate(
            {
                **(self._vault.open(order_id, _without_keys(header)) if with_pii else erase(_without_keys(header))),
                "lines": [_without_keys(line) for line in lines],
                "history": [_without_keys(event) for event in history],
                "shipments": [_without_keys(shipment) for shipment in shipments],
            },
            context=CHANNEL_DATA,
        )

    def recent_orders_of_customer(self, email_hash: str, since: str) -> int:
        """How many orders the customer placed with us since `since` (ISO-8601 UTC)."""
        request = {
            "TableName": self._table, "IndexName": "ByCustomer", "Select": "COUNT",
            "KeyConditionExpression": "customer_key = :customer AND created_at >= :since",
            "ExpressionAttributeValues": {":customer": {"S": _customer_key(email_hash)}, ":since": {"S": since}},
        }
        count = 0
        while True:
            page = self._client.query(**request)
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                return count
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
        header = self._vault.seal(order.order_id, order.model_dump(exclude={"lines", "history"}, exclude_none=True))
        header.update(
            pk=pk,
            sk=_HEADER,
            entity="order",
            status_key=f"STATUS#{order.status}",
            order_number_key=order_number_key(order.channel_order_number) if order.channel_order_number else None,
            customer_key=_customer_key(header["customer"]["email_hash"]) if header.get("customer") else None,
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


class OrderErasure:
    """Erases a customer's personal data from their orders; needs no right to decrypt it."""

    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def orders_of_customer(self, email_hash: str) -> list[str]:
        return self._order_ids(
            IndexName="ByCustomer",
            KeyConditionExpression="customer_key = :customer",
            ExpressionAttributeValues={":customer": {"S": _customer_key(email_hash)}},
        )

    def delivered_before(self, cutoff: str) -> list[str]:
        return self._order_ids(
            IndexName="ByStatus",
            KeyConditionExpression="status_key = :status AND updated_at < :cutoff",
            ExpressionAttributeValues={":status": {"S": "STATUS#delivered"}, ":cutoff": {"S": cutoff}},
        )

    def erase(self, order_id: str, event: HistoryEvent) -> bool:
        """Erases one order once; False when there was nothing (left) to erase."""
        for _ in range(_TRANSACTION_ATTEMPTS):
            item = self._client.get_item(
                TableName=self._table, Key={"pk": {"S": _order_pk(order_id)}, "sk": {"S": _HEADER}}, ConsistentRead=True
            ).get("Item")
            if item is None or "erased_at" in item:
                return False
            header = _from_item(item)
            header.pop("customer_key", None)
            erased = {**erase(header), "erased_at": event.model_dump()["at"]}
            try:
                self._client.transact_write_items(TransactItems=[
                    {"Put": {
                        "TableName": self._table,
                        "Item": _to_item(erased),
                        # Optimistic: a concurrent status change re-reads, never gets overwritten.
                        "ConditionExpression": "updated_at = :seen AND attribute_not_exists(erased_at)",
                        "ExpressionAttributeValues": {":seen": {"S": header["updated_at"]}},
                    }},
                    {"Put": {"TableName": self._table, "Item": _to_item(_history_item(_order_pk(order_id), 0, event))}},
                ])
                return True
            except self._client.exceptions.TransactionCanceledException:
                continue
        raise RuntimeError(f"order {order_id} kept changing while being erased")

    def _order_ids(self, **query: Any) -> list[str]:
        request = {"TableName": self._table, **query}
        order_ids = []
        while True:
            page = self._client.query(**request)
            order_ids += [item["pk"]["S"].removeprefix("ORDER#") for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return order_ids
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@dataclass(frozen=True)
class OrderSummary:
    """An order as a review list shows it: no personal data, so no decryption."""

    order_id: str
    channel: str
    channel_order_number: str | None
    status: str
    placed_at: str
    updated_at: str
    currency: str
    total: str
    hold_reasons: tuple[str, ...]


class StatusChanged(Exception):
    """The order was not in the status the change expected (someone else moved it)."""


class OrderReview:
    """Status changes and status listings; no PII is read or written here."""

    _SUMMARY_FIELDS = ("pk", "channel", "channel_order_number", "#status", "placed_at", "updated_at",
                       "currency", "#total", "hold_reasons")

    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def change_status(self, order_id: str, expected: str, event: HistoryEvent) -> None:
        """Moves the order from `expected` to `event.to_status`, with its history event, atomically."""
        at = event.model_dump()["at"]
        try:
            self._client.transact_write_items(TransactItems=[
                {"Update": {
                    "TableName": self._table,
                    "Key": {"pk": {"S": _order_pk(order_id)}, "sk": {"S": _HEADER}},
                    "UpdateExpression": "SET #status = :to, status_key = :to_key, updated_at = :at",
                    "ConditionExpression": "#status = :expected",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":to": {"S": str(event.to_status)}, ":to_key": {"S": f"STATUS#{event.to_status}"},
                        ":at": {"S": at}, ":expected": {"S": expected},
                    },
                }},
                {"Put": {"TableName": self._table, "Item": _to_item(_history_item(_order_pk(order_id), 0, event))}},
            ])
        except self._client.exceptions.TransactionCanceledException as error:
            raise StatusChanged(order_id) from error

    def status_of(self, order_id: str) -> str | None:
        item = self._client.get_item(
            TableName=self._table, Key={"pk": {"S": _order_pk(order_id)}, "sk": {"S": _HEADER}},
            ProjectionExpression="#status", ExpressionAttributeNames={"#status": "status"}, ConsistentRead=True,
        ).get("Item")
        return item["status"]["S"] if item else None

    def in_status(self, status: str, limit: int = 50, after: str | None = None) -> tuple[list[OrderSummary], str | None]:
        """Orders in a status, longest unchanged first; `after` continues a previous page."""
        request = {
            "TableName": self._table, "IndexName": "ByStatus", "Limit": limit,
            "KeyConditionExpression": "status_key = :status",
            "ExpressionAttributeValues": {":status": {"S": f"STATUS#{status}"}},
        }
        if after:
            request["ExclusiveStartKey"] = json.loads(base64.urlsafe_b64decode(after))
        page = self._client.query(**request)
        summaries = self._summaries([item["pk"]["S"] for item in page["Items"]])
        cursor = page.get("LastEvaluatedKey")
        return summaries, base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode() if cursor else None

    def _summaries(self, pks: list[str]) -> list[OrderSummary]:
        if not pks:
            return []
        request = {self._table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": _HEADER}} for pk in pks],
            "ProjectionExpression": ", ".join(self._SUMMARY_FIELDS),
            "ExpressionAttributeNames": {"#status": "status", "#total": "total"},
        }}
        found: dict[str, dict] = {}
        while request:
            response = self._client.batch_get_item(RequestItems=request)
            found.update({item["pk"]["S"]: _from_item(item) for item in response["Responses"].get(self._table, [])})
            request = response.get("UnprocessedKeys") or {}
        return [
            OrderSummary(
                order_id=pk.removeprefix("ORDER#"), channel=h["channel"], channel_order_number=h.get("channel_order_number"),
                status=h["status"], placed_at=h["placed_at"], updated_at=h["updated_at"], currency=h["currency"],
                total=str(h["total"]), hold_reasons=tuple(h.get("hold_reasons", ())),
            )
            for pk in pks if (h := found.get(pk))
        ]
