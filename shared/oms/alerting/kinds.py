"""Every kind of alert: how severe, whether it clears by itself, and what ops should do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"  # customers are being failed now
    WARNING = "warning"  # they will be, unless someone acts
    INFO = "info"  # good to know; nothing to do


def _scope(scope: dict[str, str]) -> str:
    return ", ".join(f"{name} {value}" for name, value in scope.items())


@dataclass(frozen=True)
class Kind:
    name: str
    severity: Severity
    # True: the condition holds until something clears it (stock back, order allocated).
    # False: each signal is an event; the condition closes after a quiet spell.
    clears: bool
    member: str  # what a member is: order_id, sku, shipment_id, case_id
    what: Callable[[int, dict[str, str]], str]
    action: str


def _kind(name, severity, clears, member, what, action) -> Kind:
    return Kind(name, Severity(severity), clears, member, what, action)


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    _kind("low_stock", "warning", True, "sku",
          lambda n, s: f"{n} SKU(s) below their reorder point at {_scope(s)}",
          "Reorder, or transfer stock to this location."),
    _kind("out_of_stock", "warning", True, "sku",
          lambda n, s: f"{n} SKU(s) out of stock at {_scope(s)}",
          "Replenish; orders for them are sourced elsewhere or backordered meanwhile."),
    _kind("sold_out", "critical", True, "sku",
          lambda n, s: f"{n} SKU(s) out of stock at every location serving {_scope(s)}",
          "Restock, or pause the listings on this channel: every new order for them is backordered."),
    _kind("back_in_stock", "info", False, "sku",
          lambda n, s: f"{n} SKU(s) back in stock at {_scope(s)}",
          "Nothing to do: orders waiting for them are sourced again."),
    _kind("held", "warning", True, "order_id",
          lambda n, s: f"{n} order(s) held for review",
          "Review them (GET /orders?status=on_hold): approve or cancel each."),
    _kind("backordered", "warning", True, "order_id",
          lambda n, s: f"{n} order(s) waiting for stock of {_scope(s)}",
          "Receive or transfer stock of this SKU; waiting orders are sourced again when it arrives."),
    _kind("delivery_exception", "warning", True, "shipment_id",
          lambda n, s: f"{n} parcel(s) with a delivery exception at {_scope(s)}",
          "Contact the carrier about each parcel and tell its customer."),
    _kind("shipment_delayed", "warning", False, "order_id",
          lambda n, s: f"{n} order(s) delayed ({_scope(s)})",
          "Check the parcels with their carriers; customers were told of the delay."),
    _kind("location_rejection", "warning", False, "shipment_id",
          lambda n, s: f"{n} pick(s) rejected by {_scope(s)}",
          "Check the location's stock count and capacity; the orders are sourced elsewhere."),
    _kind("cancelled_after_shipment", "critical", False, "order_id",
          lambda n, s: f"{n} order(s) cancelled after their parcel left",
          "Ask the carrier to intercept the parcel, or expect it back as a return; refund as due."),
    _kind("changed_after_allocation", "warning", False, "order_id",
          lambda n, s: f"{n} order(s) changed by their channel after allocation could not be applied",
          "Compare the channel's order with ours and fix it by hand."),
    _kind("chat_handoff", "warning", False, "case_id",
          lambda n, s: f"{n} customer(s) asked the chatbot for a person ({_scope(s)})",
          "Pick up the cases in the support queue."),
    _kind("stuck_unallocated", "critical", True, "order_id",
          lambda n, s: f"{n} approved order(s) not allocated within their service level",
          "Check the allocation function and its failure queue; allocate or cancel by hand."),
    _kind("stuck_unshipped", "warning", True, "shipment_id",
          lambda n, s: f"{n} shipment(s) past their promised ship date at {_scope(s)}",
          "Ask the location to pick and ship them, or reject them so they are sourced elsewhere."),
    _kind("return_overdue", "info", True, "order_id",
          lambda n, s: f"{n} return(s) not received within their service level",
          "Remind the customers, or close the returns."),
    _kind("replenishment_planned", "info", False, "proposal_id",
          lambda n, s: f"{n} replenishment proposal(s) for {_scope(s)}",
          "Review them (GET /replenishment) and accept what should go ahead."),
)}


def kind_of(name: str) -> Kind:
    """A kind recorded in an order's history that this table does not know still alerts."""
    return KINDS.get(name) or Kind(name, Severity.WARNING, False, "order_id",
                                   lambda n, s: f"{n} order(s): {name.replace('_', ' ')}",
                                   "Look at the orders' history.")
