"""The Planning table's demand history: one item per series and day, its units added to as the
Orders stream delivers them, each event applied once.

A count is one TransactWriteItems: a marker that its event was counted (expiring well after any
stream could deliver the event again) and the day's ADD. A marker already there cancels the
transaction, so a record delivered twice, or a batch retried, changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from oms.contention import pause
from oms.demand import DailyDemand, DemandCount, Series
from oms.store import keys
from oms.store.items import condition_failed

# A stream keeps a record 24 hours, and a failed batch goes to its failure queue for a person to
# replay: the marker outlives both.
EXPIRES_AFTER_DAYS = 40
_ATTEMPTS = 4


class DemandStore:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def count(self, counts: Iterable[DemandCount], expires_after_days: int = EXPIRES_AFTER_DAYS) -> int:
        """Applies each count not applied before; how many were applied now."""
        expires_at = int((datetime.now(UTC) + timedelta(days=expires_after_days)).timestamp())
        return sum(self._count_once(count, expires_at) for count in counts)

    def mark_stock_out(self, sku: str, location_id: str, day: date) -> None:
        """The location had nothing to promise of the SKU that day (marking twice is marking once)."""
        self._client.update_item(
            TableName=self._table, Key=keys.demand_day(keys.demand_at_location_pk(sku, location_id), day),
            UpdateExpression="SET stock_out = :yes, sku = :sku, location_id = :where, #day = :day",
            ExpressionAttributeNames={"#day": "day"},
            ExpressionAttributeValues={":yes": {"BOOL": True}, ":sku": {"S": sku}, ":where": {"S": location_id},
                                       ":day": {"S": day.isoformat()}})

    def history(self, series: Series, start: date, end: date) -> list[DailyDemand]:
        """Every day from `start` to `end`, oldest first; a day nothing was counted on is a day of no
        demand (and no stock-out: only a stock change marks one)."""
        first, last = keys.demand_day(_pk(series), start), keys.demand_day(_pk(series), end)
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ProjectionExpression="sk, ordered, shipped, stock_out",
            ExpressionAttributeValues={":pk": first["pk"], ":first": first["sk"], ":last": last["sk"]})
        found = {date.fromisoformat(item["sk"]["S"].removeprefix(keys.DAY_SK_PREFIX)): item
                 for page in pages for item in page["Items"]}
        return [_daily(day, found.get(day, {})) for day in _days(start, end)]

    def load(self, series: Series, days: Iterable[DailyDemand]) -> None:
        """Writes days of history as given, replacing what those days held: demand another system
        recorded before this one counted it (or the local stack's demo). 25 days a request."""
        where = "location_id" if series.kind == "location" else "channel"
        puts = [{"PutRequest": {"Item": {
            **keys.demand_day(_pk(series), day.day), "sku": {"S": series.sku}, where: {"S": series.where},
            "day": {"S": day.day.isoformat()}, "ordered": {"N": str(day.ordered)}, "shipped": {"N": str(day.shipped)},
            **({"stock_out": {"BOOL": True}} if day.stock_out else {})}}} for day in days]
        for start in range(0, len(puts), 25):
            request, attempt = {self._table: puts[start:start + 25]}, 0
            while request:
                if attempt:
                    pause(attempt)  # what DynamoDB left unprocessed is throttled: back off
                request, attempt = self._client.batch_write_item(RequestItems=request).get("UnprocessedItems"), attempt + 1

    def _count_once(self, count: DemandCount, expires_at: int) -> bool:
        location_or_channel = "location_id" if count.series.kind == "location" else "channel"
        items = [
            {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
                **keys.counted(count.event), "expires_at": {"N": str(expires_at)}}}},
            {"Update": {
                "TableName": self._table, "Key": keys.demand_day(_pk(count.series), count.day),
                "UpdateExpression": "SET sku = :sku, #where = :where, #day = :day ADD ordered :ordered, shipped :shipped",
                "ExpressionAttributeNames": {"#where": location_or_channel, "#day": "day"},
                "ExpressionAttributeValues": {
                    ":sku": {"S": count.series.sku}, ":where": {"S": count.series.where},
                    ":day": {"S": count.day.isoformat()}, ":ordered": {"N": str(count.ordered)},
                    ":shipped": {"N": str(count.shipped)}},
            }},
        ]
        attempt = 0
        while True:
            try:
                self._client.transact_write_items(TransactItems=items)
                return True
            except self._client.exceptions.TransactionCanceledException as error:
                if condition_failed(error, 0):
                    return False  # counted already
                # A busy day (another count of it in flight: TransactionConflict) is tried again.
                attempt += 1
                if attempt == _ATTEMPTS:
                    raise
                pause(attempt)


def _pk(series: Series) -> str:
    if series.kind == "location":
        return keys.demand_at_location_pk(series.sku, series.where)
    return keys.demand_on_channel_pk(series.sku, series.where)


def _days(start: date, end: date) -> Iterable[date]:
    return (start + timedelta(days=n) for n in range((end - start).days + 1))


def _daily(day: date, item: dict[str, dict]) -> DailyDemand:
    return DailyDemand(day=day, ordered=int(item.get("ordered", {}).get("N", 0)),
                       shipped=int(item.get("shipped", {}).get("N", 0)),
                       stock_out=item.get("stock_out", {}).get("BOOL", False))
