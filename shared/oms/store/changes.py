"""Committing a Change: one TransactWriteItems across the Orders and Inventory tables.

Every part is conditioned on what the domain read: a stock record on what it must still hold
(a reservation on `available >= q`: DynamoDB conditions cannot do arithmetic, hence the
stored `available`), a location's day on its capacity, the order and each shipment on the
status the change was decided in. A cancelled transaction names what failed, so the caller
knows whether to source again (stock, capacity) or to re-read (someone else moved first).
"""

from __future__ import annotations

from typing import Any

from oms.changes import (
    MAX_ITEMS,
    CapacityRanOut,
    CapacityUse,
    Change,
    ChangeConflict,
    ChangeContended,
    ChangeTooLarge,
    LineCancellation,
    RefundMove,
    ReturnMove,
    ShipmentMove,
    StockRanOut,
    Waiting,
    stock_updates,
)
from oms.lifecycle import OPEN
from oms.models import Shipment, utc_iso
from oms.store import keys
from oms.store.items import history_put, movement_put, order_update, stock_update, stored, to_item


def shipment_attributes(shipment: Shipment) -> dict[str, Any]:
    """A shipment as stored (a trace's distances and costs go in as decimals)."""
    key = keys.shipment_key(shipment.order_id, shipment.shipment_id)
    open_pick = keys.open_pick_key(shipment.location_id, shipment.status) if shipment.status in OPEN else None
    return {"pk": key["pk"]["S"], "sk": key["sk"]["S"], "entity": "shipment", "open_pick_key": open_pick,
            **stored(shipment, exclude={"history"})}


def _entity_put(table: str, key: keys.Key, entity: str, model) -> dict:
    item = {**key, "entity": {"S": entity}, **to_item(stored(model))}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


class ChangeStore:
    def __init__(self, orders_table: str, inventory_table: str, client: Any):
        self._orders, self._inventory = orders_table, inventory_table
        self._client = client

    def commit(self, change: Change) -> None:
        if change.item_count() > MAX_ITEMS:
            raise ChangeTooLarge(f"{change.item_count()} items for one transaction, at most {MAX_ITEMS}")
        at = utc_iso(change.at)
        updates = stock_updates(change.movements)
        uses = _merged(change.capacity)
        for use in uses:
            if use.daily_capacity is not None and use.units > use.daily_capacity:
                raise CapacityRanOut([use.location_id])
        items = [
            *(stock_update(self._inventory, update) for update in updates),
            *(self._capacity(use) for use in uses),
            *([order_update(self._orders, change.order_id, str(change.order_from), change.order_version,
                            str(change.order_to) if change.order_to else None, at, change.hold_reasons,
                            change.header)]
              if change.order_version is not None else []),
            *(self._cancel_units(change.order_id, cancellation) for cancellation in change.line_cancellations),
            *(self._replaced_lines(change) if change.lines_replaced is not None else ()),
            *(self._move(move) for move in change.shipment_moves),
            *({"Put": {"TableName": self._orders, "Item": to_item(shipment_attributes(shipment)),
                       "ConditionExpression": "attribute_not_exists(pk)"}} for shipment in change.new_shipments),
            *(_entity_put(self._orders, keys.return_key(r.order_id, r.return_id), "return", r)
              for r in change.new_returns),
            *(self._return_move(move) for move in change.return_moves),
            *(_entity_put(self._orders, keys.refund_key(r.order_id, r.refund_id), "refund", r)
              for r in change.new_refunds),
            *(self._refund_move(move) for move in change.refund_moves),
            *(self._counted(lane, count.buckets) for count in change.transit for lane in count.lanes),
            *(self._waits(change, wait) for wait in change.waits),
            *({"Delete": {"TableName": self._orders, "Key": keys.waiting(wait.sku, utc_iso(wait.placed_at),
                                                                          change.order_id)}}
              for wait in change.waits_over),
            *(history_put(self._orders, change.order_id, event, place) for place, event in enumerate(change.history)),
            *(movement_put(self._inventory, movement, at, change.actor) for movement in change.movements),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            failed = {index for index, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"}
            exhausted = [(u.sku, u.location_id) for index, u in enumerate(updates) if index in failed]
            if exhausted:
                raise StockRanOut(exhausted) from error
            full = [use.location_id for index, use in enumerate(uses, start=len(updates)) if index in failed]
            if full:
                raise CapacityRanOut(full) from error
            if failed:
                raise ChangeConflict(change.order_id) from error
            if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
                raise ChangeContended(change.order_id) from error
            raise

    def _waits(self, change: Change, wait: Waiting) -> dict:
        item = {**keys.waiting(wait.sku, utc_iso(wait.placed_at), change.order_id),
                "entity": {"S": "waiting"}, "order_id": {"S": change.order_id}, "sku": {"S": wait.sku},
                "units": {"N": str(wait.units)},
                "listed_by": {"N": str(change.order_version)}}
        return {"Put": {"TableName": self._orders, "Item": item}}

    def _cancel_units(self, order_id: str, cancellation: LineCancellation) -> dict:
        seen = ("attribute_not_exists(cancelled) OR cancelled = :before" if cancellation.before == 0
                else "cancelled = :before")
        return {"Update": {
            "TableName": self._orders, "Key": keys.line_key(order_id, cancellation.line_no),
            "UpdateExpression": "SET cancelled = :after", "ConditionExpression": f"attribute_exists(pk) AND ({seen})",
            "ExpressionAttributeValues": {":before": {"N": str(cancellation.before)},
                                          ":after": {"N": str(cancellation.after)}},
        }}

    def _replaced_lines(self, change: Change) -> list[dict]:
        puts = [{"Put": {"TableName": self._orders, "Item": {
            **keys.line_key(change.order_id, number), "entity": {"S": "line"}, **to_item(stored(line))}}}
            for number, line in enumerate(change.lines_replaced, start=1)]
        gone = [{"Delete": {"TableName": self._orders, "Key": keys.line_key(change.order_id, number)}}
                for number in range(len(change.lines_replaced) + 1, change.lines_before + 1)]
        return puts + gone

    def _return_move(self, move: ReturnMove) -> dict:
        fields = {"status": str(move.to)}
        if move.received:
            fields["received"] = [stored(line) for line in move.received]
        if move.received_at:
            fields["received_at"] = utc_iso(move.received_at)
        if move.refund_id:
            fields["refund_id"] = move.refund_id
        return self._entity_move(keys.return_key(move.returned.order_id, move.returned.return_id),
                                 str(move.returned.status), fields)

    def _refund_move(self, move: RefundMove) -> dict:
        fields = {"status": str(move.to)}
        if move.confirmed_at:
            fields["confirmed_at"] = utc_iso(move.confirmed_at)
        if move.channel_refund_id:
            fields["channel_refund_id"] = move.channel_refund_id
        return self._entity_move(keys.refund_key(move.refund.order_id, move.refund.refund_id),
                                 str(move.refund.status), fields)

    def _entity_move(self, key: keys.Key, expected: str, fields: dict[str, Any]) -> dict:
        names = {f"#f{n}": name for n, name in enumerate(fields)}
        values = {f":f{n}": to_item({"v": value})["v"] for n, value in enumerate(fields.values())}
        return {"Update": {
            "TableName": self._orders, "Key": key,
            "UpdateExpression": "SET " + ", ".join(f"#f{n} = :f{n}" for n in range(len(fields))),
            "ConditionExpression": "#status = :expected",
            "ExpressionAttributeNames": {**names, "#status": "status"},
            "ExpressionAttributeValues": {**values, ":expected": {"S": expected}},
        }}

    def _counted(self, lane: tuple[str, ...], buckets: tuple[str, ...]) -> dict:
        names = {f"#b{n}": bucket for n, bucket in enumerate(buckets)}
        return {"Update": {
            "TableName": self._orders, "Key": keys.transit(lane),
            "UpdateExpression": "SET entity = :entity ADD deliveries :one, " + ", ".join(f"{name} :one" for name in names),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {":entity": {"S": "transit"}, ":one": {"N": "1"}},
        }}

    def _capacity(self, use: CapacityUse) -> dict:
        key = keys.capacity(use.location_id, use.day)
        if use.daily_capacity is None:  # giving back never fails: the day's count only falls
            return {"Update": {"TableName": self._inventory, "Key": key, "UpdateExpression": "ADD committed :units",
                               "ExpressionAttributeValues": {":units": {"N": str(use.units)}}}}
        return {"Update": {
            "TableName": self._inventory, "Key": key,
            "UpdateExpression": "SET committed = if_not_exists(committed, :zero) + :units,"
                                " location_id = :location, #day = :day",
            "ConditionExpression": "attribute_not_exists(committed) OR committed <= :most_before",
            "ExpressionAttributeNames": {"#day": "day"},
            "ExpressionAttributeValues": {
                ":units": {"N": str(use.units)}, ":zero": {"N": "0"}, ":location": {"S": use.location_id},
                ":day": {"S": use.day.isoformat()}, ":most_before": {"N": str(use.daily_capacity - use.units)},
            },
        }}

    def _move(self, move: ShipmentMove) -> dict:
        shipment = move.shipment
        assignments, values = ["#status = :to"], {":to": {"S": str(move.to)}, ":from": {"S": str(shipment.status)}}
        for name in ("carrier", "tracking_number", "service"):
            if getattr(move, name) is not None:
                assignments.append(f"{name} = :{name}")
                values[f":{name}"] = {"S": getattr(move, name)}
        if move.tracking_number is not None:
            assignments.append("tracking_key = :tracking_key")
            values[":tracking_key"] = {"S": keys.tracking_key(move.tracking_number)}
        if move.tracking is not None:
            assignments.append("tracking = :tracking")
            values[":tracking"] = to_item({"v": stored(move.tracking)})["v"]
        for name in ("shipped_at", "delivered_at"):
            if getattr(move, name) is not None:
                assignments.append(f"{name} = :{name}")
                values[f":{name}"] = {"S": utc_iso(getattr(move, name))}
        expression = "SET " + ", ".join(assignments)
        if move.to in OPEN:
            expression += ", open_pick_key = :open"
            values[":open"] = {"S": keys.open_pick_key(shipment.location_id, move.to)}
        else:
            expression += " REMOVE open_pick_key"
        return {"Update": {
            "TableName": self._orders, "Key": keys.shipment_key(shipment.order_id, shipment.shipment_id),
            "UpdateExpression": expression, "ConditionExpression": "#status = :from",
            "ExpressionAttributeNames": {"#status": "status"}, "ExpressionAttributeValues": values,
        }}


def _merged(uses: tuple[CapacityUse, ...]) -> list[CapacityUse]:
    """One update per location day: a transaction may touch an item only once."""
    merged: dict[tuple[str, Any], CapacityUse] = {}
    for use in uses:
        seen = merged.get((use.location_id, use.day))
        merged[(use.location_id, use.day)] = use if seen is None else CapacityUse(
            use.location_id, use.day, seen.units + use.units, seen.daily_capacity or use.daily_capacity)
    return [merged[day] for day in sorted(merged, key=lambda pair: (pair[0], pair[1]))]
