"""Where carriers' events find their shipment, wait for it, and what delivered parcels teach.

- A shipment is found by its tracking number through the ByTracking index (never a scan);
  the index also carries the carrier, for the rare number two carriers share.
- Events for a number no shipment has yet (the carrier was faster than the location's `ship`)
  are parked under that number for a week (DynamoDB's TTL removes them), and applied when a
  shipment records it.
- Each lane's transit histogram is one item per level of detail, counted with ADD in the
  transaction that records the delivery (so once per delivery); its keys are read in one
  BatchGetItem when a shipment leaves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from oms.carrier_updates import Tracked
from oms.carriers import TrackingUpdate
from oms.models import utc_iso
from oms.store import keys
from oms.store.items import from_item
from oms.store.orders import OrderReview

PARKED_FOR = timedelta(days=7)
_BUCKET = re.compile(r"(w\d)?d\d+")


class TrackingStore:
    def __init__(self, orders_table: str, client: Any):
        self._orders = orders_table
        self._client = client

    def shipments_numbered(self, tracking_number: str) -> list[Tracked]:
        page = self._client.query(
            TableName=self._orders, IndexName="ByTracking",
            KeyConditionExpression="tracking_key = :number",
            ExpressionAttributeValues={":number": {"S": keys.tracking_key(tracking_number)}},
        )
        found = [from_item(item) for item in page["Items"]]
        return [Tracked(keys.order_id_from_pk(item["pk"]), item["shipment_id"], item.get("carrier")) for item in found]

    def park(self, update: TrackingUpdate, at: datetime) -> None:
        body = update.model_dump_json()
        digest = hashlib.sha256(body.encode()).hexdigest()[:32]  # the same push parked twice is one item
        self._client.put_item(TableName=self._orders, Item={
            **keys.parked(update.tracking_number, update.provider, digest), "entity": {"S": "parked"},
            "update": {"S": body}, "parked_at": {"S": utc_iso(at)},
            "expires_at": {"N": str(int((at + PARKED_FOR).timestamp()))},
        })

    def parked(self, tracking_number: str, now: datetime) -> list[TrackingUpdate]:
        """What waits for this number, oldest push first; what outlived the week (TTL deletes
        lazily) is not applied."""
        request = {"TableName": self._orders, "KeyConditionExpression": "pk = :pk",
                   "ExpressionAttributeValues": {":pk": {"S": keys.parked_pk(tracking_number)}}}
        items = []
        while True:
            page = self._client.query(**request)
            items += [from_item(item) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        live = sorted((item for item in items if int(item["expires_at"]) > now.timestamp()),
                      key=lambda item: item["parked_at"])
        return [TrackingUpdate.model_validate(json.loads(item["update"])) for item in live]

    def histograms(self, lanes: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, int]]:
        """Each lane's counts of transit days as stored (`d<n>`, `w<weekday>d<n>` → deliveries), for
        the lanes that have any."""
        wanted = {_pair(keys.transit(lane)): lane for lane in lanes}
        if not wanted:
            return {}
        request = {self._orders: {"Keys": [keys.key(pk, sk) for pk, sk in wanted]}}
        found: dict[tuple[str, ...], dict[str, int]] = {}
        while request:
            response = self._client.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(self._orders, []):
                found[wanted[_pair(item)]] = {name: int(value["N"]) for name, value in item.items()
                                              if _BUCKET.fullmatch(name)}
            request = response.get("UnprocessedKeys") or {}
        return found

    def orders_on_their_way_since(self, cutoff: datetime) -> list[str]:
        """Orders shipped (wholly or in part) whose status has not changed since `cutoff`: those
        whose parcels may have gone quiet (the ByStatus index, every page)."""
        review = OrderReview(self._orders, self._client)
        return [order_id for status in ("shipped", "partially_shipped")
                for order_id in review.unchanged_since(status, utc_iso(cutoff))]


def _pair(item: dict[str, dict]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]
