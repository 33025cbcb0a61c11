"""The Orders table: the only code that knows its keys, indexes and expressions.

One item collection per order: the header, one item per line, per shipment and per
history event (the layout is in oms.store.keys). A uniqueness item per `(channel,
channel_order_id)` is written in the same transaction, so a channel's retry can never
create a second order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.changes import WaitingOrder
from oms.models import CHANNEL_DATA, Address, HeldLine, HistoryEvent, Order, OrderLine, utc_iso
from oms.pii import PiiVault, erase
from oms.store import cursors, keys
from oms.store.items import from_item, history_item, history_put, to_item, without_keys

_TRANSACTION_ATTEMPTS = 4


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
                    return self._existing(from_item(uniqueness["Item"]))
                # Another writer holds one of the items (TransactionConflict): the loser
                # retries and, if the winner wrote the same channel order, lands above.
                if attempt + 1 == _TRANSACTION_ATTEMPTS:
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    def get(self, order_id: str, with_pii: bool = True) -> Order | None:
        """The order with its lines, history and shipments (each with its own events);
        `with_pii=False` leaves its personal data sealed away (no KMS call), as erasure
        would, for code that needs places and lines but no person."""
        header, parts = None, {"line": [], "history": [], "shipment": [], "return": [], "refund": []}
        for attributes in self._collection(keys.order_pk(order_id)):
            entity = attributes.get("entity")
            if entity == "order":
                header = attributes
            elif entity in parts:
                parts[entity].append(without_keys(attributes))
        if header is None:
            return None
        lines, history, shipments = parts["line"], parts["history"], parts["shipment"]
        for shipment in shipments:
            shipment["history"] = [event for event in history
                                   if (event.get("shipment") or {}).get("shipment_id") == shipment["shipment_id"]]
        return Order.model_validate(
            {
                **(self._vault.open(order_id, without_keys(header)) if with_pii else erase(without_keys(header))),
                "lines": lines, "history": history, "shipments": shipments, "returns": parts["return"],
                "refunds": parts["refund"],
            },
            context=CHANNEL_DATA,
        )

    def resealed(self, order_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The header's personal data as stored, with `changes` (a customer, an address) made to it,
        sealed anew under a current data key (one key seals a whole header, so all of it is)."""
        order = self.get(order_id).model_copy(update=dict(changes))
        personal = order.model_dump(include={"customer", "shipping_address", "billing_address"}, exclude_none=True)
        sealed = self._vault.seal(order_id, personal)
        return {name: sealed.get(name) for name in ("customer", "shipping_address", "billing_address", "pii_key")}

    def resealed_with(self, order_id: str, shipping_address: Address) -> dict[str, Any]:
        return self.resealed(order_id, {"shipping_address": shipping_address})

    def headers(self, order_ids: list[str], with_pii: bool = True) -> dict[str, dict[str, Any]]:
        """The headers of these orders (no lines, shipments or history), PII opened or erased."""
        wanted = sorted(set(order_ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 100):
            request = {self._table: {"Keys": [keys.order_header(order_id) for order_id in wanted[start:start + 100]]}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table, []):
                    header = without_keys(from_item(item))
                    found[header["order_id"]] = (self._vault.open(header["order_id"], header) if with_pii
                                                 else erase(header))
                request = response.get("UnprocessedKeys") or {}
        return found

    def find(self, channel: str, channel_order_id: str) -> str | None:
        """The OMS's id of a channel's order, if it has it."""
        item = self._client.get_item(TableName=self._table, Key=keys.channel_order(channel, channel_order_id),
                                     ConsistentRead=True).get("Item")
        return item["order_id"]["S"] if item else None

    def recent_orders_of_customer(self, email_hash: str, since: str) -> int:
        """How many orders the customer placed with us since `since` (ISO-8601 UTC)."""
        request = {
            "TableName": self._table, "IndexName": "ByCustomer", "Select": "COUNT",
            "KeyConditionExpression": "customer_key = :customer AND created_at >= :since",
            "ExpressionAttributeValues": {":customer": {"S": keys.customer_key(email_hash)}, ":since": {"S": since}},
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
            yield from (from_item(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _order_items(self, order: Order, fingerprint: str) -> list[dict]:
        pk = keys.order_pk(order.order_id)
        header = self._vault.seal(order.order_id, order.model_dump(exclude={"lines", "history", "shipments"}, exclude_none=True))
        email_hash = (header.get("customer") or {}).get("email_hash")
        header.update(
            pk=pk,
            sk=keys.HEADER,
            entity="order",
            status_key=keys.status_key(order.status),
            order_number_key=keys.order_number_key(order.channel_order_number) if order.channel_order_number else None,
            customer_key=keys.customer_key(email_hash) if email_hash else None,
        )
        unique = keys.channel_order(order.channel, order.channel_order_id)
        uniqueness = {"pk": unique["pk"]["S"], "sk": unique["sk"]["S"], "entity": "channel_order",
                      "order_id": order.order_id, "fingerprint": fingerprint}
        return [
            self._put(uniqueness, condition_failure_returns_item=True),
            self._put(header),
            *(self._put(_line_item(pk, number, line)) for number, line in enumerate(order.lines, start=1)),
            *(self._put(history_item(order.order_id, event, place)) for place, event in enumerate(order.history)),
        ]

    def _put(self, attributes: dict[str, Any], condition_failure_returns_item: bool = False) -> dict:
        put = {
            "TableName": self._table,
            "Item": to_item(attributes),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if condition_failure_returns_item:
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}


def _line_item(pk: str, number: int, line: OrderLine) -> dict[str, Any]:
    return {"pk": pk, "sk": keys.line_sk(number), "entity": "line", **line.model_dump(exclude_none=True)}


class OrderErasure:
    """Erases a customer's personal data from their orders; needs no right to decrypt it."""

    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def orders_of_customer(self, email_hash: str) -> list[str]:
        return self._order_ids(
            IndexName="ByCustomer",
            KeyConditionExpression="customer_key = :customer",
            ExpressionAttributeValues={":customer": {"S": keys.customer_key(email_hash)}},
        )

    def delivered_before(self, cutoff: str) -> list[str]:
        return self._order_ids(
            IndexName="ByStatus",
            KeyConditionExpression="status_key = :status AND updated_at < :cutoff",
            ExpressionAttributeValues={":status": {"S": keys.status_key("delivered")}, ":cutoff": {"S": cutoff}},
        )

    def erase(self, order_id: str, event: HistoryEvent) -> bool:
        """Erases one order once; False when there was nothing (left) to erase."""
        for _ in range(_TRANSACTION_ATTEMPTS):
            item = self._client.get_item(
                TableName=self._table, Key=keys.order_header(order_id), ConsistentRead=True
            ).get("Item")
            if item is None or "erased_at" in item:
                return False
            header = from_item(item)
            header.pop("customer_key", None)
            if header.get("status") == "delivered":
                # Out of the index the retention sweep reads, or each day it would read every order
                # it ever erased again; any later change of status puts it back.
                header.pop("status_key", None)
            version = int(header.get("version", 0))
            erased = {**erase(header), "erased_at": event.model_dump()["at"], "version": version + 1}
            unversioned = " OR attribute_not_exists(#version)" if version == 0 else ""
            try:
                self._client.transact_write_items(TransactItems=[
                    {"Put": {
                        "TableName": self._table,
                        "Item": to_item(erased),
                        # Optimistic, as every change of an order: one made meanwhile is never overwritten.
                        "ConditionExpression": f"(#version = :seen{unversioned}) AND attribute_not_exists(erased_at)",
                        "ExpressionAttributeNames": {"#version": "version"},
                        "ExpressionAttributeValues": {":seen": {"N": str(version)}},
                    }},
                    history_put(self._table, order_id, event),
                ])
                return True
            except self._client.exceptions.TransactionCanceledException:
                continue
        raise RuntimeError(f"order {order_id} kept changing while being erased")

    def _order_ids(self, **query: Any) -> list[str]:
        return _every_order_id(self._client, {"TableName": self._table, **query})


def _every_order_id(client: Any, request: dict) -> list[str]:
    """The orders an index query finds, every page of it."""
    return [keys.order_id_from_pk(item["pk"]["S"])
            for page in client.get_paginator("query").paginate(**request) for item in page["Items"]]


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


class OrderReview:
    """Statuses and status listings; no PII is read here."""

    _SUMMARY_FIELDS = ("pk", "channel", "channel_order_number", "#status", "placed_at", "updated_at",
                       "currency", "#total", "hold_reasons")

    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def status_of(self, order_id: str) -> str | None:
        item = self._client.get_item(
            TableName=self._table, Key=keys.order_header(order_id),
            ProjectionExpression="#status", ExpressionAttributeNames={"#status": "status"}, ConsistentRead=True,
        ).get("Item")
        return item["status"]["S"] if item else None

    def by_number(self, number: str, channel: str | None = None) -> list[OrderSummary]:
        """The orders a customer's order number names (several channels may use one), newest first."""
        request = {"TableName": self._table, "IndexName": "ByChannelOrderNumber",
                   "KeyConditionExpression": "order_number_key = :number",
                   "ExpressionAttributeValues": {":number": {"S": keys.order_number_key(number)}}}
        pks = []
        while True:
            page = self._client.query(**request)
            pks += [item["pk"]["S"] for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        found = [summary for summary in self._summaries(pks) if channel in (None, summary.channel)]
        return sorted(found, key=lambda summary: summary.placed_at, reverse=True)

    def unchanged_since(self, status: str, cutoff: str) -> list[str]:
        """Every order in `status` whose status has not changed since `cutoff`, longest first."""
        return _every_order_id(self._client, {
            "TableName": self._table, "IndexName": "ByStatus",
            "KeyConditionExpression": "status_key = :status AND updated_at < :cutoff",
            "ExpressionAttributeValues": {":status": {"S": keys.status_key(status)}, ":cutoff": {"S": cutoff}}})

    def lines(self, order_id: str) -> dict[int, HeldLine]:
        """The order's lines by number, from one Query of its collection (the lines alone)."""
        request = {"TableName": self._table, "ConsistentRead": True,
                   "KeyConditionExpression": "pk = :pk AND begins_with(sk, :line)",
                   "ExpressionAttributeValues": {":pk": {"S": keys.order_pk(order_id)},
                                                 ":line": {"S": keys.LINE_SK_PREFIX}}}
        return {int(item["sk"]["S"].removeprefix(keys.LINE_SK_PREFIX)): HeldLine.model_validate(
                    without_keys(from_item(item)))
                for page in self._client.get_paginator("query").paginate(**request) for item in page["Items"]}

    def waiting_for(self, sku: str) -> Iterator[WaitingOrder]:
        request = {"TableName": self._table, "KeyConditionExpression": "pk = :pk",
                   "ExpressionAttributeValues": {":pk": {"S": keys.waiting_pk(sku)}}}
        for page in self._client.get_paginator("query").paginate(**request):
            for item in page["Items"]:
                placed_at, _, order_id = item["sk"]["S"].rpartition("#")
                yield WaitingOrder(order_id, sku, int(item["units"]["N"]), datetime.fromisoformat(placed_at),
                                   int(item["listed_by"]["N"]))

    def forget_waiting(self, entry: WaitingOrder) -> None:
        try:
            self._client.delete_item(
                TableName=self._table, Key=keys.waiting(entry.sku, utc_iso(entry.placed_at), entry.order_id),
                ConditionExpression="listed_by = :seen", ExpressionAttributeValues={":seen": {"N": str(entry.listed_by)}})
        except self._client.exceptions.ConditionalCheckFailedException:
            pass  # allocation listed it again meanwhile: it waits still

    def in_status(self, status: str, limit: int = 50, after: str | None = None) -> tuple[list[OrderSummary], str | None]:
        """Orders in a status, longest unchanged first; `after` continues a previous page."""
        request = {
            "TableName": self._table, "IndexName": "ByStatus", "Limit": limit,
            "KeyConditionExpression": "status_key = :status",
            "ExpressionAttributeValues": {":status": {"S": keys.status_key(status)}},
        }
        if after:
            request["ExclusiveStartKey"] = cursors.decode(after)
        page = self._client.query(**request)
        summaries = self._summaries([item["pk"]["S"] for item in page["Items"]])
        cursor = page.get("LastEvaluatedKey")
        return summaries, cursors.encode(cursor)

    def _summaries(self, pks: list[str]) -> list[OrderSummary]:
        if not pks:
            return []
        request = {self._table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": keys.HEADER}} for pk in pks],
            "ProjectionExpression": ", ".join(self._SUMMARY_FIELDS),
            "ExpressionAttributeNames": {"#status": "status", "#total": "total"},
        }}
        found: dict[str, dict] = {}
        while request:
            response = self._client.batch_get_item(RequestItems=request)
            found.update({item["pk"]["S"]: from_item(item) for item in response["Responses"].get(self._table, [])})
            request = response.get("UnprocessedKeys") or {}
        return [
            OrderSummary(
                order_id=keys.order_id_from_pk(pk), channel=h["channel"], channel_order_number=h.get("channel_order_number"),
                status=h["status"], placed_at=h["placed_at"], updated_at=h["updated_at"], currency=h["currency"],
                total=str(h["total"]), hold_reasons=tuple(h.get("hold_reasons", ())),
            )
            for pk in pks if (h := found.get(pk))
        ]
