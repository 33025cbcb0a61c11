"""Where a poller got to (e.g. Amazon's LastUpdateDate), kept beside the orders it fetched."""

from __future__ import annotations

from typing import Any

from oms.store import keys


class Checkpoints:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def get(self, name: str) -> str | None:
        item = self._client.get_item(TableName=self._table, Key=keys.checkpoint(name), ConsistentRead=True).get("Item")
        return item["position"]["S"] if item else None

    def advance(self, name: str, position: str) -> None:
        """Moves forward only: a slower, overlapping poll cannot move the checkpoint back."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item={**keys.checkpoint(name), "entity": {"S": "checkpoint"}, "position": {"S": position}},
                ConditionExpression="attribute_not_exists(#position) OR #position < :position",
                ExpressionAttributeNames={"#position": "position"},
                ExpressionAttributeValues={":position": {"S": position}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass

