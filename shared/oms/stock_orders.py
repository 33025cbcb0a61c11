"""Transfer and purchase orders: what accepting a proposal makes of it, and what each step of
an order's life changes of stock. A store commits what these describe; nothing here reads or
writes.

A transfer reserves its units at the source when accepted, takes them off the source's shelves
when shipped, and adds them to the destination's when received; cancelled before it ships, it
gives the reservation back. A purchase adds stock as its deliveries are received, each line
never beyond what was ordered.

Every step is one DynamoDB transaction, so an order is only made if each later step of it fits
in one: a transfer's receipt writes five items a line (the SKU's two catalogue items, the stock,
its movement, the inbound item), and so does each line of a purchase's delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from oms.changes import MAX_ITEMS, Movement, MovementKind
from oms.errors import Conflict
from oms.planning import (
    Proposal,
    ProposalKind,
    PurchaseLine,
    PurchaseOrder,
    PurchaseStatus,
    TransferOrder,
)

_ARRIVAL_ITEMS = 5  # per line arriving: two catalogue items, the stock, its movement, the inbound item
# A transfer's receipt: its own update and its lines' arrivals.
MAX_TRANSFER_LINES = (MAX_ITEMS - 1) // _ARRIVAL_ITEMS
# A purchase's acceptance: the proposal, the order and an inbound item a line.
MAX_PURCHASE_LINES = MAX_ITEMS - 2
# A delivery: the receipt, the order and its lines' arrivals.
MAX_RECEIPT_LINES = (MAX_ITEMS - 2) // _ARRIVAL_ITEMS


class UnfitProposal(ValueError):
    """A proposal that cannot become one order: a SKU on two lines, or more lines than the
    order's transactions can hold."""


class ReceiptRefused(ValueError):
    """A delivery that does not match the purchase: `errors` name each line at fault."""

    def __init__(self, message: str, errors: list[dict[str, str]]):
        super().__init__(message)
        self.errors = errors


class NothingOutstanding(Conflict):
    """Every unit of the purchase has been received already."""


def order_id_for(proposal_id: str) -> str:
    """The order a proposal becomes, named after it, so that accepting twice finds the first."""
    kind, tail = proposal_id.split("_", 1)
    return ("tro_" if kind == "trp" else "poo_") + tail


def order_from(proposal: Proposal, at: datetime, actor: str) -> TransferOrder | PurchaseOrder:
    skus = [line.sku for line in proposal.lines]
    if len(set(skus)) != len(skus):
        raise UnfitProposal(f"{proposal.proposal_id} names a SKU on two lines")
    order_id = order_id_for(proposal.proposal_id)
    if proposal.kind == ProposalKind.TRANSFER:
        if len(skus) > MAX_TRANSFER_LINES:
            raise UnfitProposal(f"a transfer receives at most {MAX_TRANSFER_LINES} lines at once; "
                                f"{proposal.proposal_id} has {len(skus)}")
        return TransferOrder(transfer_id=order_id, from_location=proposal.from_location,
                             to_location=proposal.to_location, lines=proposal.lines,
                             proposal_id=proposal.proposal_id, created_at=at, created_by=actor)
    if len(skus) > MAX_PURCHASE_LINES:
        raise UnfitProposal(f"a purchase holds at most {MAX_PURCHASE_LINES} lines; "
                            f"{proposal.proposal_id} has {len(skus)}")
    return PurchaseOrder(purchase_id=order_id, supplier_id=proposal.supplier_id, to_location=proposal.to_location,
                         lines=tuple(PurchaseLine(sku=line.sku, units=line.units) for line in proposal.lines),
                         proposal_id=proposal.proposal_id, expected_on=proposal.arrives_by,
                         created_at=at, created_by=actor)


# ---------------------------------------------------------------- a transfer's steps

def reserving(transfer: TransferOrder) -> tuple[Movement, ...]:
    """Accepted: the units are set aside at the source, as an allocation sets them aside."""
    return tuple(Movement(line.sku, transfer.from_location, MovementKind.RESERVE, reserved=line.units,
                          reason=f"transfer to {transfer.to_location}", reference=transfer.transfer_id)
                 for line in transfer.lines)


def shipping(transfer: TransferOrder) -> tuple[Movement, ...]:
    """Shipped: the reserved units leave the source's shelves; what it can promise is unchanged."""
    return tuple(Movement(line.sku, transfer.from_location, MovementKind.SHIP, on_hand=-line.units,
                          reserved=-line.units, reason=f"transfer to {transfer.to_location}",
                          reference=transfer.transfer_id)
                 for line in transfer.lines)


def releasing(transfer: TransferOrder) -> tuple[Movement, ...]:
    """Cancelled before it shipped: the source may promise the units again."""
    return tuple(Movement(line.sku, transfer.from_location, MovementKind.RELEASE, reserved=-line.units,
                          reason="transfer cancelled", reference=transfer.transfer_id)
                 for line in transfer.lines)


def arriving(transfer: TransferOrder) -> tuple[Movement, ...]:
    """Received: the units join the destination's stock."""
    return tuple(Movement(line.sku, transfer.to_location, MovementKind.RECEIVE, on_hand=line.units,
                          reason=f"transfer from {transfer.from_location}", reference=transfer.transfer_id)
                 for line in transfer.lines)


# ---------------------------------------------------------------- a purchase's deliveries

def delivered(purchase: PurchaseOrder, asked: Sequence[tuple[str, int]] | None) -> tuple[PurchaseOrder, dict[str, int]]:
    """The purchase once a delivery of `asked` (sku, units) is received, and the units each SKU
    receives; `None` delivers everything outstanding."""
    outstanding = {line.sku: line.units - line.received for line in purchase.lines}
    if asked is None:
        units = {sku: left for sku, left in outstanding.items() if left > 0}
        if len(units) > MAX_RECEIPT_LINES:
            raise ReceiptRefused(f"{len(units)} lines are outstanding; name at most {MAX_RECEIPT_LINES} a delivery",
                                 [{"field": "lines", "problem": f"required when more than {MAX_RECEIPT_LINES} "
                                                                "lines are outstanding"}])
    else:
        units, errors = {}, []
        for number, (sku, count) in enumerate(asked):
            field = f"lines.{number}"
            if sku not in outstanding:
                errors.append({"field": f"{field}.sku", "problem": f"{sku} is not on {purchase.purchase_id}"})
            elif sku in units:
                errors.append({"field": f"{field}.sku", "problem": f"{sku} is named twice"})
            elif count > outstanding[sku]:
                errors.append({"field": f"{field}.units", "problem": f"{outstanding[sku]} of {sku} are outstanding"})
            else:
                units[sku] = count
        if errors:
            raise ReceiptRefused("the delivery does not match the purchase", errors)
    if not units:
        raise NothingOutstanding(f"every unit of {purchase.purchase_id} was received already")
    lines = tuple(line.model_copy(update={"received": line.received + units.get(line.sku, 0)})
                  for line in purchase.lines)
    status = (PurchaseStatus.RECEIVED if all(line.received == line.units for line in lines)
              else PurchaseStatus.PARTLY_RECEIVED)
    return purchase.model_copy(update={"lines": lines, "status": status}), units


def receiving(purchase: PurchaseOrder, units: dict[str, int]) -> tuple[Movement, ...]:
    return tuple(Movement(sku, purchase.to_location, MovementKind.RECEIVE, on_hand=count,
                          reason=f"purchase from {purchase.supplier_id}", reference=purchase.purchase_id)
                 for sku, count in sorted(units.items()))

