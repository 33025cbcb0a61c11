"""Items as DynamoDB holds them, and the transaction parts several stores write alike."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from oms.changes import Movement, StockUpdate
from oms.models import HistoryEvent
from oms.store import keys

# Attributes that exist for keys and indexes only: never part of what a model reads back.
KEY_ATTRIBUTES = frozenset({"pk", "sk", "entity", "status_key", "order_number_key", "customer_key", "fingerprint",
                            "open_pick_key", "tracking_key"})

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def condition_failed(error: Exception, index: int) -> bool:
    """Whether a cancelled transaction's item at `index` failed its condition (not a conflict)."""
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return index < len(reasons) and reasons[index].get("Code") == "ConditionalCheckFailed"


def to_item(attributes: dict[str, Any]) -> dict[str, dict]:
    return {name: _serializer.serialize(value) for name, value in attributes.items() if value is not None}


def from_item(item: dict[str, dict]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def without_keys(attributes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in attributes.items() if name not in KEY_ATTRIBUTES}


def stored(model: BaseModel, exclude: set[str] | None = None) -> dict[str, Any]:
    """A model as DynamoDB takes it: through JSON, with decimals (floats are refused)."""
    return json.loads(model.model_dump_json(exclude_none=True, exclude=exclude), parse_float=Decimal)


def history_item(order_id: str, event: HistoryEvent, place: int = 0) -> dict[str, Any]:
    attributes = event.model_dump(mode="json", exclude_none=True)
    return {"pk": keys.order_pk(order_id), "sk": keys.history_sk(attributes["at"], place), "entity": "history",
            **attributes}


def history_put(table: str, order_id: str, event: HistoryEvent, place: int = 0) -> dict:
    # A fresh key each time: the condition only guards against the impossible collision.
    return {"Put": {"TableName": table, "Item": to_item(history_item(order_id, event, place)),
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def order_update(table: str, order_id: str, expected: str, version: int, to: str | None, at: str,
                 hold_reasons: tuple[str, ...] | None = None, fields: Mapping[str, Any] | None = None) -> dict:
    """The header conditioned on the status and version the change was decided on: the version
    moves on, the status to `to` when given, and `fields` are replaced as given (stored form)."""
    assignments = ["#version = :next"]
    values = {":expected": {"S": expected}, ":version": {"N": str(version)}, ":next": {"N": str(version + 1)}}
    names = {"#status": "status", "#version": "version"}
    for number, (name, value) in enumerate(sorted((fields or {}).items())):
        names[f"#f{number}"] = name
        values[f":f{number}"] = _serializer.serialize(value)
        assignments.append(f"#f{number} = :f{number}")
    if to is not None and to != expected:
        assignments += ["#status = :to", "status_key = :to_key", "updated_at = :at"]
        values.update({":to": {"S": to}, ":to_key": {"S": keys.status_key(to)}, ":at": {"S": at}})
    if hold_reasons is not None:
        assignments.append("hold_reasons = :reasons")
        values[":reasons"] = {"L": [{"S": reason} for reason in hold_reasons]}
    # Orders stored before versions began have none: they are at version 0.
    unversioned = " OR attribute_not_exists(#version)" if version == 0 else ""
    return {"Update": {
        "TableName": table, "Key": keys.order_header(order_id),
        "UpdateExpression": "SET " + ", ".join(assignments),
        "ConditionExpression": f"#status = :expected AND (#version = :version{unversioned})",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }}


def movement_put(table: str, movement: Movement, at: str, actor: str) -> dict:
    attributes = {
        **keys.movement(movement.sku, movement.location_id, at), "entity": {"S": "movement"},
        **to_item({"sku": movement.sku, "location_id": movement.location_id, "at": at, "kind": str(movement.kind),
                   "on_hand_change": movement.on_hand, "reserved_change": movement.reserved, "actor": actor,
                   "reason": movement.reason, "order_id": movement.order_id, "shipment_id": movement.shipment_id,
                   "reference": movement.reference}),
    }
    return {"Put": {"TableName": table, "Item": attributes}}


def stock_update(table: str, update: StockUpdate) -> dict:
    """A stock record's merged movements, conditioned on what it must still hold: on hand and
    reserved never below zero, and a reservation never taking `available` below zero."""
    if update.creates:
        return _stock_made_if_missing(table, update)
    conditions = ["attribute_exists(pk)", "on_hand >= :least_on_hand", "reserved >= :least_reserved"]
    values = {":on_hand": update.on_hand, ":reserved": update.reserved, ":available": update.available,
              ":least_on_hand": update.least_on_hand, ":least_reserved": update.least_reserved}
    if update.least_available is not None:
        conditions.append("available >= :least_available")
        values[":least_available"] = update.least_available
    return {"Update": {
        "TableName": table, "Key": keys.stock(update.sku, update.location_id),
        "UpdateExpression": "SET on_hand = on_hand + :on_hand, reserved = reserved + :reserved,"
                            " available = available + :available",
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeValues": {name: {"N": str(value)} for name, value in values.items()},
    }}


def _stock_made_if_missing(table: str, update: StockUpdate) -> dict:
    """Returned units arrive where the SKU may never have been held: the record is made then."""
    return {"Update": {
        "TableName": table, "Key": keys.stock(update.sku, update.location_id),
        "UpdateExpression": (
            "SET sku = :sku, location_id = :location, on_hand = if_not_exists(on_hand, :zero) + :on_hand,"
            " reserved = if_not_exists(reserved, :zero) + :reserved,"
            " available = if_not_exists(available, :zero) + :available,"
            " safety_stock = if_not_exists(safety_stock, :zero), reorder_point = if_not_exists(reorder_point, :zero)"),
        "ExpressionAttributeValues": {
            ":sku": {"S": update.sku}, ":location": {"S": update.location_id}, ":zero": {"N": "0"},
            ":on_hand": {"N": str(update.on_hand)}, ":reserved": {"N": str(update.reserved)},
            ":available": {"N": str(update.available)},
        },
    }}
