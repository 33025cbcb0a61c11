"""The Chat table: conversations' state, turns counted per minute, and cases handed to people.

A conversation is keyed by its shop and a digest of its sender id, so the table never holds
the id that is the conversation's only credential. Its state is kept as one JSON document
with a version: two messages of one conversation at once cannot both write on one reading.
What is counted or kept for a while expires through the table's TTL.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from oms.store import keys

_CONVERSATION_KEPT_SECONDS = 24 * 3600
_CASE_KEPT_SECONDS = 400 * 24 * 3600


class ConversationChanged(RuntimeError):
    """Another message of the conversation was answered meanwhile."""


class TooManyTurns(RuntimeError):
    """The scope spent its turns for this minute."""


def sender_digest(sender: str) -> str:
    return hashlib.sha256(sender.encode()).hexdigest()


class Conversations:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def load(self, shop: str, sender: str) -> tuple[dict[str, Any], int]:
        """The conversation's state and version; a new conversation is `{}` at version 0."""
        item = self._client.get_item(TableName=self._table, Key=keys.conversation(shop, sender_digest(sender)),
                                     ConsistentRead=True).get("Item")
        if item is None:
            return {}, 0
        return json.loads(item["state"]["S"]), int(item["version"]["N"])

    def save(self, shop: str, sender: str, state: dict[str, Any], version: int, now: float | None = None) -> None:
        """Writes the state read at `version`; raises ConversationChanged if it moved on meanwhile."""
        now = time.time() if now is None else now
        condition = "attribute_not_exists(pk)" if version == 0 else "#version = :seen"
        values = {} if version == 0 else {":seen": {"N": str(version)}}
        try:
            self._client.put_item(
                TableName=self._table,
                Item={**keys.conversation(shop, sender_digest(sender)), "state": {"S": json.dumps(state)},
                      "version": {"N": str(version + 1)},
                      "expires_at": {"N": str(int(now) + _CONVERSATION_KEPT_SECONDS)}},
                ConditionExpression=condition, **({"ExpressionAttributeNames": {"#version": "version"}}
                                                  if version else {}),
                **({"ExpressionAttributeValues": values} if values else {}),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise ConversationChanged(shop) from None

    def count_turn(self, scope: str, limit: int, now: float | None = None, window_seconds: int = 60) -> None:
        """Counts one turn for `scope` in this window (a minute); raises TooManyTurns past `limit`."""
        now = time.time() if now is None else now
        window = int(now // window_seconds)
        try:
            self._client.update_item(
                TableName=self._table, Key=keys.rate(scope, window),
                UpdateExpression="ADD turns :one SET expires_at = if_not_exists(expires_at, :expires)",
                ConditionExpression="attribute_not_exists(turns) OR turns < :limit",
                ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(limit)},
                                           ":expires": {"N": str((window + 2) * window_seconds)}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise TooManyTurns(scope) from None

    def open_case(self, case_id: str, shop: str, sender: str, attributes: dict[str, str], now: float | None = None) -> None:
        """A case for a person to pick up: which conversation (by digest), never what was said."""
        now = time.time() if now is None else now
        item = {**keys.support_case(case_id), "case_id": {"S": case_id}, "shop": {"S": shop},
                "conversation": {"S": sender_digest(sender)}, "status": {"S": "open"},
                "opened_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))},
                "expires_at": {"N": str(int(now) + _CASE_KEPT_SECONDS)},
                **{name: {"S": value} for name, value in attributes.items() if value}}
        self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
