"""The alert book: which conditions ops were told of and still hold, and for which members.

A condition's header counts its members; each member is its own item, so a member joining
twice (a stream record delivered again) is one member, and a condition of ten thousand orders
is as cheap to keep as one of ten. The header's `notified_*` attributes say what ops were last
told: a notice is claimed with a conditional write before it is sent, so two invocations never
both send it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.alerting.signals import Signal
from oms.store import keys
from oms.store.items import condition_failed, from_item, to_item
from oms.models import utc_iso

_CLAIM_LAPSE_SECONDS = 120  # a claimed notice not confirmed by then was lost with its sender


@dataclass(frozen=True)
class OpenCondition:
    condition: str
    kind: str
    scope: tuple[tuple[str, str], ...]
    count: int
    opened_at: str
    last_at: str
    notified_at: str | None
    notified_count: int
    published: bool

    def unsent_claim(self, now: datetime) -> bool:
        """Claimed for sending, never confirmed sent, and long enough ago that its sender is gone."""
        return (self.notified_at is not None and not self.published
                and (now - datetime.fromisoformat(self.notified_at)).total_seconds() > _CLAIM_LAPSE_SECONDS)


class AlertBook:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client
        self._conflict = client.exceptions.ConditionalCheckFailedException
        self._cancelled = client.exceptions.TransactionCanceledException

    def join(self, signal: Signal, at: datetime) -> bool:
        """Adds the member to its condition (opening it); False when it was a member already."""
        member = {**keys.alert_member(signal.condition, signal.member), **to_item({"at": utc_iso(at), **dict(signal.context)})}
        header = {
            "TableName": self._table, "Key": keys.alert_condition(signal.condition),
            "UpdateExpression": "SET kind = :kind, #scope = :scope, opened_at = if_not_exists(opened_at, :at),"
                                " last_at = :at, notified_count = if_not_exists(notified_count, :zero) ADD #count :one",
            "ExpressionAttributeNames": {"#scope": "scope", "#count": "count"},
            "ExpressionAttributeValues": {":kind": {"S": signal.kind}, ":scope": to_item({"s": dict(signal.scope)})["s"],
                                          ":at": {"S": utc_iso(at)}, ":zero": {"N": "0"}, ":one": {"N": "1"}},
        }
        try:
            self._client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "Item": member, "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": header},
            ])
        except self._cancelled as error:
            if condition_failed(error, 0):
                return False
            raise
        return True

    def leave(self, signal: Signal) -> bool:
        """Takes the member out of its condition, closing it when it was the last; False when it
        was not a member."""
        try:
            self._client.transact_write_items(TransactItems=[
                {"Delete": {"TableName": self._table, "Key": keys.alert_member(signal.condition, signal.member),
                            "ConditionExpression": "attribute_exists(pk)"}},
                {"Update": {"TableName": self._table, "Key": keys.alert_condition(signal.condition),
                            "UpdateExpression": "ADD #count :minus",
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeNames": {"#count": "count"},
                            "ExpressionAttributeValues": {":minus": {"N": "-1"}}}},
            ])
        except self._cancelled as error:
            if condition_failed(error, 0) or condition_failed(error, 1):
                return False
            raise
        try:
            self._client.delete_item(TableName=self._table, Key=keys.alert_condition(signal.condition),
                                     ConditionExpression="#count <= :zero",
                                     ExpressionAttributeNames={"#count": "count"},
                                     ExpressionAttributeValues={":zero": {"N": "0"}})
        except self._conflict:
            pass  # members remain: the condition still holds
        return True

    def claim(self, condition: str, notified_count: int | None, count: int, at: datetime) -> bool:
        """Claims telling ops of `count` members: the first notice when `notified_count` is None,
        else a summary after the `notified_count` they were told of. False: someone else did."""
        if notified_count is None:
            expectation, values = "attribute_exists(pk) AND attribute_not_exists(notified_at)", {}
        else:
            expectation, values = "notified_count = :told", {":told": {"N": str(notified_count)}}
        try:
            self._client.update_item(
                TableName=self._table, Key=keys.alert_condition(condition),
                UpdateExpression="SET notified_at = :at, notified_count = :count, published = :no",
                ConditionExpression=expectation,
                ExpressionAttributeValues={":at": {"S": utc_iso(at)}, ":count": {"N": str(count)},
                                           ":no": {"BOOL": False}, **values})
        except self._conflict:
            return False
        return True

    def confirm(self, condition: str) -> None:
        self._client.update_item(TableName=self._table, Key=keys.alert_condition(condition),
                                 UpdateExpression="SET published = :yes", ConditionExpression="attribute_exists(pk)",
                                 ExpressionAttributeValues={":yes": {"BOOL": True}})

    def release(self, condition: str, notified_count: int | None) -> None:
        """A claimed notice that could not be sent: the next try claims it again."""
        if notified_count is None:
            update, values = "REMOVE notified_at, published SET notified_count = :zero", {":zero": {"N": "0"}}
        else:
            update, values = "SET notified_count = :told, published = :yes", {":told": {"N": str(notified_count)},
                                                                               ":yes": {"BOOL": True}}
        self._client.update_item(TableName=self._table, Key=keys.alert_condition(condition),
                                 UpdateExpression=update, ExpressionAttributeValues=values)

    def header(self, condition: str) -> OpenCondition | None:
        item = self._client.get_item(TableName=self._table, Key=keys.alert_condition(condition),
                                     ConsistentRead=True).get("Item")
        return _open_condition(item) if item else None

    def open_conditions(self) -> Iterator[OpenCondition]:
        for item in self._pages(keys.CONDITIONS):
            yield _open_condition(item)

    def members(self, condition: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The condition's members (with what each joined with), oldest key first."""
        return [{"member": item["sk"]["S"], **{k: v for k, v in from_item(item).items() if k not in ("pk", "sk")}}
                for item in self._pages(keys.alert_members_pk(condition), limit)]

    def close(self, condition: str) -> None:
        """Forgets a condition whose events have gone quiet, members and all."""
        for member in self.members(condition):
            self._client.delete_item(TableName=self._table, Key=keys.alert_member(condition, member["member"]))
        self._client.delete_item(TableName=self._table, Key=keys.alert_condition(condition))

    def _pages(self, pk: str, limit: int | None = None) -> Iterator[dict]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}},
            ConsistentRead=True, PaginationConfig={"MaxItems": limit} if limit is not None else {})
        for page in pages:
            yield from page["Items"]


def _open_condition(item: dict) -> OpenCondition:
    values = from_item(item)
    return OpenCondition(
        condition=item["sk"]["S"], kind=values["kind"], scope=tuple((values.get("scope") or {}).items()),
        count=int(values.get("count", 0)), opened_at=values["opened_at"], last_at=values["last_at"],
        notified_at=values.get("notified_at"), notified_count=int(values.get("notified_count", 0)),
        published=bool(values.get("published", False)))
