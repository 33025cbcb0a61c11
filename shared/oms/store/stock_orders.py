"""Transfer and purchase orders in the Inventory table, and the stock each step of theirs moves.

Accepting a proposal is one TransactWriteItems across the Planning and Inventory tables: the
proposal open -> accepted, the order made (its id derived from the proposal's, so a second
accept finds the first order instead of making another), a transfer's units reserved at its
source exactly as an allocation reserves them, and an inbound item per line at the destination,
which planning counts as on its way. Each later step is one transaction too, conditioned on the
status it was decided in: a repeat (a retry after a lost answer) finds the step taken and
answers the order as it is. A purchase's delivery is counted once by its receipt item.

Stock parts are those every other change writes (`oms.store.items.stock_update`, a movement per
change; `InventoryStore.arrival` for units arriving), so the Inventory stream sees a transfer's
or purchase's units arrive as it sees any receipt, and backorders re-source waiting orders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from oms.changes import ChangeContended, Movement, stock_updates
from oms.errors import Conflict, NotFound
from oms.models import utc_iso
from oms.planning import Proposal, ProposalStatus, PurchaseOrder, TransferOrder, TransferStatus
from oms.stock_orders import arriving, delivered, order_from, receiving, releasing, reserving, shipping
from oms.store import keys
from oms.store.inventory import InventoryStore
from oms.store.items import from_item, movement_put, stock_update, stored, to_item, without_keys
from oms.store.proposals import ProposalStore

_ATTEMPTS = 4
_STATUS = {"#status": "status"}
# Where a transfer is once a step to the key's status was taken: a repeat finds it there.
_DONE = {TransferStatus.IN_TRANSIT: {TransferStatus.IN_TRANSIT, TransferStatus.RECEIVED},
         TransferStatus.RECEIVED: {TransferStatus.RECEIVED}, TransferStatus.CANCELLED: {TransferStatus.CANCELLED}}


class StockShort(Conflict):
    """A location no longer holds the units a step takes from it."""

    def __init__(self, location_id: str, skus: list[str]):
        super().__init__(f"{location_id} no longer has the units of {', '.join(skus)}")
        self.location_id, self.skus = location_id, skus


class StockOrders:
    def __init__(self, inventory_table: str, planning_table: str, client: Any):
        self._table = inventory_table
        self._client = client
        self._proposals = ProposalStore(planning_table, client)
        self._inventory = InventoryStore(inventory_table, client)

    # ------------------------------------------------------------ reads

    def transfer(self, transfer_id: str) -> TransferOrder | None:
        item = self._get(keys.transfer_order(transfer_id))
        return TransferOrder.model_validate(without_keys(from_item(item))) if item else None

    def purchase(self, purchase_id: str) -> PurchaseOrder | None:
        item = self._get(keys.purchase_order(purchase_id))
        return _purchase(item)[0] if item else None

    def inbound(self, sku: str) -> dict[str, int]:
        """Units of the SKU on their way, by the location they are going to: one Query."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk", ProjectionExpression="location_id, units",
            ExpressionAttributeValues={":pk": {"S": keys.inbound_pk(sku)}})
        units: Counter[str] = Counter()
        for page in pages:
            for item in page["Items"]:
                units[item["location_id"]["S"]] += int(item["units"]["N"])
        return dict(units)

    # ------------------------------------------------------------ accepting

    def accept(self, proposal_id: str, actor: str) -> tuple[TransferOrder | PurchaseOrder, bool]:
        """The order an open proposal becomes, and True; the one it became, and False, if it was
        accepted already."""
        for _ in range(_ATTEMPTS):
            proposal = self._proposals.get(proposal_id)
            if proposal is None:
                raise NotFound(f"no proposal {proposal_id}")
            if proposal.status == ProposalStatus.ACCEPTED:
                return self._order(proposal.order_id), False
            if proposal.status != ProposalStatus.OPEN:
                raise Conflict(f"{proposal_id} is {proposal.status}: a later planning run proposed again")
            at = datetime.now(UTC)
            order = order_from(proposal, at, actor)
            try:
                self._commit_acceptance(proposal, order, utc_iso(at), actor)
            except _Contended:
                continue  # another accept (or a run) moved first: read what it did
            return order, True
        raise ChangeContended(proposal_id)

    def _commit_acceptance(self, proposal: Proposal, order: TransferOrder | PurchaseOrder, at: str,
                           actor: str) -> None:
        order_id = _id_of(order)
        if isinstance(order, TransferOrder):
            made, movements = self._put(keys.transfer_order(order_id), "transfer", order), reserving(order)
        else:
            made, movements = self._put(keys.purchase_order(order_id), "purchase", order, version=0), ()
        arrives_by = proposal.arrives_by and proposal.arrives_by.isoformat()
        inbound = [self._inbound_put(line.sku, order.to_location, order_id, line.units, arrives_by)
                   for line in order.lines]
        self._transact([self._proposals.acceptance(proposal.proposal_id, order_id, at, actor), made], movements,
                       inbound, at, actor)

    # ------------------------------------------------------------ a transfer's life

    def ship_transfer(self, transfer_id: str, actor: str) -> TransferOrder:
        """reserved -> in_transit: the units leave the source's on hand and its reservation."""
        return self._step(transfer_id, TransferStatus.RESERVED, TransferStatus.IN_TRANSIT, actor, "shipped_at")

    def receive_transfer(self, transfer_id: str, actor: str) -> TransferOrder:
        """in_transit -> received: the units join the destination's stock, no longer inbound."""
        return self._step(transfer_id, TransferStatus.IN_TRANSIT, TransferStatus.RECEIVED, actor, "received_at")

    def cancel_transfer(self, transfer_id: str, actor: str) -> TransferOrder:
        """reserved -> cancelled: the source may promise the units again; nothing is on its way."""
        return self._step(transfer_id, TransferStatus.RESERVED, TransferStatus.CANCELLED, actor)

    def _step(self, transfer_id: str, expected: TransferStatus, to: TransferStatus, actor: str,
              stamp: str | None = None) -> TransferOrder:
        for _ in range(_ATTEMPTS):
            transfer = self.transfer(transfer_id)
            if transfer is None:
                raise NotFound(f"no transfer {transfer_id}")
            if transfer.status in _DONE[to]:
                return transfer  # done already: a repeat changes nothing
            if transfer.status != expected:
                raise Conflict(f"{transfer_id} is {transfer.status}; it cannot be {to} now")
            at = utc_iso(datetime.now(UTC))
            fields = {"status": str(to), **({stamp: at} if stamp else {})}
            head = [self._status_update(keys.transfer_order(transfer_id), expected, fields)]
            match to:
                case TransferStatus.IN_TRANSIT:
                    movements, rest = shipping(transfer), []
                case TransferStatus.RECEIVED:
                    movements, rest = (), [*self._arrivals_of(arriving(transfer), at, actor),
                                           *self._inbound_deletes(transfer)]
                case _:
                    movements, rest = releasing(transfer), self._inbound_deletes(transfer)
            try:
                self._transact(head, movements, rest, at, actor)
            except _Contended:
                continue
            return transfer.model_copy(update={"status": to, **({stamp: datetime.fromisoformat(at)} if stamp else {})})
        raise ChangeContended(transfer_id)

    def _inbound_deletes(self, transfer: TransferOrder) -> list[dict]:
        return [{"Delete": {"TableName": self._table,
                            "Key": keys.inbound(line.sku, transfer.to_location, transfer.transfer_id)}}
                for line in transfer.lines]

    # ------------------------------------------------------------ a purchase's deliveries

    def receive_purchase(self, purchase_id: str, receipt_id: str, lines: Sequence[tuple[str, int]] | None,
                         actor: str) -> PurchaseOrder:
        """A delivery of `lines` (sku, units), everything outstanding when None: each line's
        received rises, never past what was ordered, and the stock with it. The receipt id counts
        it once: a delivery received again answers the purchase as it is."""
        for _ in range(_ATTEMPTS):
            item = self._get(keys.purchase_order(purchase_id))
            if item is None:
                raise NotFound(f"no purchase order {purchase_id}")
            purchase, version = _purchase(item)
            if self._get(keys.purchase_receipt(purchase_id, receipt_id)) is not None:
                return purchase
            after, units = delivered(purchase, lines)
            at = utc_iso(datetime.now(UTC))
            receipt = {**keys.purchase_receipt(purchase_id, receipt_id), "entity": {"S": "purchase_receipt"},
                       **to_item({"receipt_id": receipt_id, "received_at": at, "received_by": actor,
                                  "lines": [{"sku": sku, "units": count} for sku, count in sorted(units.items())]})}
            head = [{"Put": {"TableName": self._table, "Item": receipt,
                             "ConditionExpression": "attribute_not_exists(pk)"}},
                    self._purchase_update(after, version)]
            outstanding = {line.sku: line.units - line.received for line in after.lines}
            inbound = [self._inbound_put(sku, after.to_location, purchase_id, outstanding[sku],
                                         after.expected_on and after.expected_on.isoformat())
                       if outstanding[sku] else
                       {"Delete": {"TableName": self._table, "Key": keys.inbound(sku, after.to_location, purchase_id)}}
                       for sku in sorted(units)]
            try:
                self._transact(head, (), [*self._arrivals_of(receiving(after, units), at, actor), *inbound], at, actor)
            except _Contended:
                continue  # another delivery, or this one's retry, landed first: read it again
            return after
        raise ChangeContended(purchase_id)

    def _purchase_update(self, purchase: PurchaseOrder, version: int) -> dict:
        """The lines and status replaced whole, on condition nothing was received since they were read."""
        return {"Update": {
            "TableName": self._table, "Key": keys.purchase_order(purchase.purchase_id),
            "UpdateExpression": "SET #lines = :lines, #status = :status, #version = :next",
            "ConditionExpression": "#version = :version",
            "ExpressionAttributeNames": {"#lines": "lines", "#version": "version", **_STATUS},
            "ExpressionAttributeValues": {
                ":lines": to_item({"v": stored(purchase)["lines"]})["v"], ":status": {"S": str(purchase.status)},
                ":version": {"N": str(version)}, ":next": {"N": str(version + 1)}},
        }}

    # ------------------------------------------------------------ committing

    def _transact(self, head: list[dict], movements: Sequence[Movement], rest: list[dict], at: str,
                  actor: str) -> None:
        """`head` (the order's own conditioned parts), the stock `movements` take from a location,
        each conditioned on what it must still hold, their movement records, then `rest`.

        Raises _Contended when a head part's condition failed or another transaction held an
        item (read again and decide again), StockShort when the stock did not hold the units."""
        updates = stock_updates(movements)
        items = [*head, *(stock_update(self._table, update) for update in updates),
                 *(movement_put(self._table, movement, at, actor) for movement in movements), *rest]
        try:
            self._client.transact_write_items(TransactItems=items)
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes[:len(head)] or "TransactionConflict" in codes:
                raise _Contended from error
            short = [update for index, update in enumerate(updates, start=len(head))
                     if index < len(codes) and codes[index] == "ConditionalCheckFailed"]
            if short:
                raise StockShort(short[0].location_id, [update.sku for update in short]) from error
            raise

    def _arrivals_of(self, movements: Sequence[Movement], at: str, actor: str) -> list[dict]:
        return [part for movement in movements for part in self._inventory.arrival(movement, at, actor)]

    def _order(self, order_id: str) -> TransferOrder | PurchaseOrder:
        return self.transfer(order_id) if order_id.startswith("tro_") else self.purchase(order_id)

    def _get(self, key: keys.Key) -> dict | None:
        return self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")

    def _put(self, key: keys.Key, entity: str, order: TransferOrder | PurchaseOrder, **extra: Any) -> dict:
        item = {**key, "entity": {"S": entity}, **to_item({**stored(order), **extra})}
        return {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}

    def _inbound_put(self, sku: str, location_id: str, order_id: str, units: int, arrives_by: str | None) -> dict:
        item = {**keys.inbound(sku, location_id, order_id), "entity": {"S": "inbound"},
                **to_item({"sku": sku, "location_id": location_id, "order_id": order_id, "units": units,
                           "arrives_by": arrives_by})}
        return {"Put": {"TableName": self._table, "Item": item}}

    def _status_update(self, key: keys.Key, expected: str, fields: dict[str, str]) -> dict:
        names = {f"#f{n}": name for n, name in enumerate(fields)}
        values = {f":f{n}": {"S": value} for n, value in enumerate(fields.values())}
        return {"Update": {
            "TableName": self._table, "Key": key,
            "UpdateExpression": "SET " + ", ".join(f"#f{n} = :f{n}" for n in range(len(fields))),
            "ConditionExpression": "#status = :expected",
            "ExpressionAttributeNames": {**names, **_STATUS},
            "ExpressionAttributeValues": {**values, ":expected": {"S": str(expected)}},
        }}


class _Contended(Exception):
    """The order, its proposal or a receipt moved on meanwhile: read again and decide again."""


def _id_of(order: TransferOrder | PurchaseOrder) -> str:
    return order.transfer_id if isinstance(order, TransferOrder) else order.purchase_id


def _purchase(item: dict[str, dict]) -> tuple[PurchaseOrder, int]:
    attributes = without_keys(from_item(item))
    version = int(attributes.pop("version", 0))
    return PurchaseOrder.model_validate(attributes), version
