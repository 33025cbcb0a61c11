"""Replenishment proposals in the Planning table: what each planning run proposes, listed for
operations to accept.

One item collection (`PROPOSALS`) holds them all, keyed by id. A run replaces the proposals
still open: its own are put (a rerun the same day overwrites what it proposed before, but never
one already accepted), and every other open one is superseded, since it was proposed from older
stock; superseded, it expires some weeks later. Accepting is a part of the transaction that
makes the order (`oms.store.stock_orders`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from oms.planning import Proposal, ProposalStatus
from oms.store import cursors, keys
from oms.store.items import from_item, stored, to_item, without_keys

_STATUS = {"#status": "status"}
# A superseded proposal is kept this long to read why it was made, then expires; an accepted one
# is kept as long as its order.
SUPERSEDED_KEPT = timedelta(days=90)


class ProposalStore:
    def __init__(self, planning_table: str, client: Any):
        self._table = planning_table
        self._client = client

    def replace_open(self, run_on: date, proposals: Sequence[Proposal]) -> int:
        """Puts the run's proposals and supersedes every other open one of this run's day or
        before; returns how many were superseded. Safe to repeat: a rerun lands the same."""
        for proposal in proposals:
            try:
                self._client.put_item(
                    TableName=self._table, Item={**keys.proposal(proposal.proposal_id), "entity": {"S": "proposal"},
                                                 **to_item(stored(proposal))},
                    ConditionExpression="attribute_not_exists(pk) OR #status <> :accepted",
                    ExpressionAttributeNames=_STATUS,
                    ExpressionAttributeValues={":accepted": {"S": ProposalStatus.ACCEPTED}})
            except self._client.exceptions.ConditionalCheckFailedException:
                pass  # accepted already: its order exists, and the proposal stays as it was accepted
        proposed = {proposal.proposal_id for proposal in proposals}
        superseded = 0
        for stale in (p for p in self._every(ProposalStatus.OPEN) if p.proposal_id not in proposed):
            try:
                self._client.update_item(
                    TableName=self._table, Key=keys.proposal(stale.proposal_id),
                    UpdateExpression="SET #status = :superseded, expires_at = :expires",
                    # A later run's proposal is not this run's to supersede (a late rerun of an old day).
                    ConditionExpression="#status = :open AND run_on <= :run_on",
                    ExpressionAttributeNames=_STATUS,
                    ExpressionAttributeValues={":superseded": {"S": ProposalStatus.SUPERSEDED},
                                               ":open": {"S": ProposalStatus.OPEN},
                                               ":run_on": {"S": run_on.isoformat()},
                                               ":expires": {"N": str(_expiry(run_on))}})
            except self._client.exceptions.ConditionalCheckFailedException:
                continue  # accepted meanwhile, or of a later run
            superseded += 1
        return superseded

    def get(self, proposal_id: str) -> Proposal | None:
        item = self._client.get_item(TableName=self._table, Key=keys.proposal(proposal_id),
                                     ConsistentRead=True).get("Item")
        return _proposal(item) if item else None

    def listing(self, status: str | None = ProposalStatus.OPEN, limit: int = 50,
                after: str | None = None) -> tuple[list[Proposal], str | None]:
        """Proposals in `status` (every one when None), by id; `after` continues a previous page.

        The status is a filter on one item collection, so a page reads on past proposals of
        other statuses until it has `limit`; its cursor is the last proposal it returns."""
        request = self._query(status)
        if after:
            request["ExclusiveStartKey"] = cursors.decode(after)
        found: list[dict] = []
        while True:
            page = self._client.query(**request)
            for position, item in enumerate(page["Items"]):
                found.append(item)
                if len(found) == limit:
                    more = position + 1 < len(page["Items"]) or "LastEvaluatedKey" in page
                    return [_proposal(i) for i in found], cursors.encode(
                        {"pk": item["pk"], "sk": item["sk"]}) if more else None
            if "LastEvaluatedKey" not in page:
                return [_proposal(i) for i in found], None
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def acceptance(self, proposal_id: str, order_id: str, at: str, actor: str) -> dict:
        """The transaction part that marks an open proposal accepted, naming the order it became."""
        return {"Update": {
            "TableName": self._table, "Key": keys.proposal(proposal_id),
            "UpdateExpression": "SET #status = :accepted, accepted_at = :at, accepted_by = :by, order_id = :order",
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": _STATUS,
            "ExpressionAttributeValues": {":accepted": {"S": ProposalStatus.ACCEPTED},
                                          ":open": {"S": ProposalStatus.OPEN}, ":at": {"S": at}, ":by": {"S": actor},
                                          ":order": {"S": order_id}},
        }}

    def _every(self, status: str) -> list[Proposal]:
        pages = self._client.get_paginator("query").paginate(**self._query(status))
        return [_proposal(item) for page in pages for item in page["Items"]]

    def _query(self, status: str | None) -> dict[str, Any]:
        request: dict[str, Any] = {"TableName": self._table, "KeyConditionExpression": "pk = :pk",
                                   "ExpressionAttributeValues": {":pk": {"S": keys.PROPOSALS}}}
        if status is not None:
            request.update(FilterExpression="#status = :status", ExpressionAttributeNames=_STATUS)
            request["ExpressionAttributeValues"][":status"] = {"S": str(status)}
        return request


def _expiry(run_on: date) -> int:
    """When DynamoDB may delete a proposal superseded on `run_on` (epoch seconds)."""
    return int(datetime.combine(run_on + SUPERSEDED_KEPT, time(), UTC).timestamp())


def _proposal(item: dict[str, dict]) -> Proposal:
    attributes = without_keys(from_item(item))
    attributes.pop("expires_at", None)
    return Proposal.model_validate(attributes)
