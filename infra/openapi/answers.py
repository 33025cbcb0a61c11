"""What each route answers, as its view does: the successes, with the model a view dumps where
it dumps one, and the refusals particular to the route.

The refusals every route of a kind shares (a missing key, a body that is not JSON, an
Idempotency-Key used twice) are the generator's to add, from what `oms_http.Api` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from oms.inventory import Availability
from oms.models import Order, Refund, Return, Shipment
from oms.planning import CatalogueEntry, Proposal, PurchaseOrder, Supplier, TransferOrder


@dataclass(frozen=True)
class Answer:
    description: str
    model: type[BaseModel] | None = None  # None: the view answers a plain dict, described in words


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: dict[int, Answer]
    refusals: dict[int, str] = field(default_factory=dict)


_NO_ORDER = "no such order"
_CHANGED = "the order's state does not allow it, or it changed meanwhile: read it and try again"
_RETURN_ANSWER = Answer("the return", Return)
_SHIPMENT_ANSWER = Answer("the shipment, without its sourcing trace and history", Shipment)
_STOCK_ANSWER = Answer("the stock record, with `available`: on hand less reserved and safety stock")
_TRANSFER_ANSWER = Answer("the transfer order, as it is now (a step taken already is not taken again)",
                          TransferOrder)
_TRANSFER_REFUSALS = {403: "a location key acts on its own side of a transfer only", 404: "no such transfer",
                      409: "the transfer's status does not allow it, or the source no longer has the units "
                           "(`skus` names them)"}
_PICK_REFUSALS = {403: "the shipment is another location's", 404: "no such shipment",
                  409: "the shipment's status does not allow it"}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/orders"): Operation(
        "Post an order in the canonical JSON",
        {201: Answer("the order, received", Order),
         200: Answer("the order, which this channel order already was (again, or a later version of it)", Order)},
        {409: "this channel order was already received with different content; `order_id` names it"}),
    ("POST", "/channels/{channel}/orders"): Operation(
        "Post an order, or a notification of one, in the channel's own format",
        {201: Answer("the order, received", Order),
         200: Answer("the order as already received; or, for a refund the channel reports, "
                     "`order_id`, `status` and `refunds`"),
         202: Answer("a notification naming only an order id: `queued` is the id, fetched from the channel next")},
        {401: "the channel's webhook signature is missing or wrong", 403: "this key speaks for another channel",
         404: "no channel posts its own format under this name; or a reported refund names an order not here",
         409: "this channel order was already received with different content",
         422: "not an order (or notification) of this channel: `errors` name its fields",
         503: "the notification could not be queued for fetching; send it again"}),
    ("GET", "/orders/{order_id}"): Operation(
        "Read an order's timeline: status, history, promised delivery, shipments and their tracking",
        {200: Answer("the order", Order)},
        {403: "this key may not read another channel's orders", 404: _NO_ORDER}),
    ("GET", "/orders"): Operation(
        "List orders by status (held ones by default), or find them by the customer's order number",
        {200: Answer("`orders` (summaries without personal data) and `after`, the cursor of the next page")}),
    ("POST", "/orders/{order_id}/approve"): Operation(
        "Approve a held order",
        {200: Answer("`order_id`, its new `status` and the history `event` recorded")},
        {404: _NO_ORDER, 409: _CHANGED}),
    ("POST", "/orders/{order_id}/cancel"): Operation(
        "Cancel an order, or units of some of its lines",
        {200: Answer("`order_id`, `status`, the units `cancelled` and the `refund` now due, if any")},
        {403: "this key may not cancel another channel's orders", 404: _NO_ORDER, 409: _CHANGED}),
    ("POST", "/orders/{order_id}/address"): Operation(
        "Change where an order is shipped",
        {200: Answer("`order_id`, `status` and its `shipments`, sourced again for the new address")},
        {404: _NO_ORDER, 409: _CHANGED}),
    ("POST", "/orders/{order_id}/returns"): Operation(
        "Ask to return units of an order",
        {201: Answer("the return: authorised, or held for staff to decide", Return)},
        {404: _NO_ORDER, 409: "the return policy or the order's state does not allow it",
         422: "a line is named twice, or the body does not validate"}),
    ("POST", "/returns/{return_id}/authorise"): Operation(
        "Authorise a held return", {200: _RETURN_ANSWER}, {404: "no such return", 409: _CHANGED}),
    ("POST", "/returns/{return_id}/reject"): Operation(
        "Reject a held return", {200: _RETURN_ANSWER}, {404: "no such return", 409: _CHANGED}),
    ("POST", "/returns/{return_id}/receive"): Operation(
        "Record what arrived of a return, and where",
        {200: _RETURN_ANSWER},
        {403: "a location key receives at its own location only", 404: "no such return", 409: _CHANGED,
         422: "no known location is named, or the body does not validate"}),
    ("POST", "/refunds/{refund_id}/confirm"): Operation(
        "Confirm a refund was paid", {200: Answer("the refund", Refund)},
        {404: "no such refund", 409: _CHANGED}),
    ("DELETE", "/customers/{email_hash}"): Operation(
        "Erase a customer's personal data from every order",
        {200: Answer("`erased_orders`: the ids of the orders erased")},
        {400: "email_hash is not 64 lowercase hex digits"}),
    ("PUT", "/inventory/{sku}/{location_id}"): Operation(
        "Set a SKU's stock at a location", {200: _STOCK_ANSWER}, {404: "no such location"}),
    ("POST", "/inventory/{sku}/{location_id}/adjust"): Operation(
        "Count stock up or down", {200: _STOCK_ANSWER},
        {404: "no such location, or no stock of the SKU there yet",
         409: "the location has fewer units on hand than the count takes away"}),
    ("POST", "/inventory/{sku}/{location_id}/receive"): Operation(
        "Receive stock", {200: _STOCK_ANSWER}, {404: "no such location"}),
    ("POST", "/inventory/bulk"): Operation(
        "Apply many stock changes, each on its own",
        {200: Answer("`results`, by position: each change's sku, location_id, `status` (ok or error) and problem")}),
    ("GET", "/inventory/{sku}"): Operation(
        "Read what can be promised of a SKU, per location and in total",
        {200: Answer("availability; a channel key sees only the locations serving its channel", Availability)},
        {403: "a channel key reads its own channel's availability only"}),
    ("GET", "/inventory/{sku}/{location_id}/movements"): Operation(
        "List a SKU's stock movements at a location, newest first",
        {200: Answer("`movements` and `after`, the cursor of the next page")}),
    ("GET", "/locations"): Operation(
        "List the locations", {200: Answer("`locations`: each location")}),
    ("PUT", "/locations/{location_id}"): Operation(
        "Create or replace a location",
        {200: Answer("the location, replaced; with `webhook_secret` when one was issued (shown this once)"),
         201: Answer("the location, created; with `webhook_secret` when one was issued (shown this once)")}),
    ("GET", "/suppliers"): Operation(
        "List the suppliers", {200: Answer("`suppliers`: each supplier and its terms")}),
    ("PUT", "/suppliers/{supplier_id}"): Operation(
        "Create or replace a supplier: lead time, order multiple, minimum order, where it delivers",
        {200: Answer("the supplier, replaced", Supplier), 201: Answer("the supplier, created", Supplier)},
        {422: "a field does not validate, or `delivers_to` names an unknown location"}),
    ("GET", "/catalogue/{sku}"): Operation(
        "Read what the catalogue says of a SKU", {200: Answer("the catalogue entry", CatalogueEntry)},
        {404: "the SKU is not in the catalogue"}),
    ("PUT", "/catalogue/{sku}"): Operation(
        "Say what a SKU is: its supplier, category, cost, price and weight; it joins the catalogue",
        {200: Answer("the entry, replaced", CatalogueEntry),
         201: Answer("the entry, created: the SKU is new to the catalogue", CatalogueEntry)},
        {422: "a field does not validate, or `supplier_id` names an unknown supplier"}),
    ("GET", "/replenishment"): Operation(
        "List replenishment proposals, open ones by default",
        {200: Answer("`proposals` and `after`, the cursor of the next page")}),
    ("GET", "/replenishment/{proposal_id}"): Operation(
        "Read a replenishment proposal", {200: Answer("the proposal", Proposal)}, {404: "no such proposal"}),
    ("POST", "/replenishment/{proposal_id}/accept"): Operation(
        "Accept a proposal: a transfer reserves its units at the source, a purchase is ordered",
        {200: Answer("the transfer order or purchase order it became (the same one if accepted before)")},
        {404: "no such proposal",
         409: "superseded by a later run, or the source no longer has the units (`skus` names them)",
         422: "the proposal names a SKU twice, or has more lines than one order holds"}),
    ("GET", "/transfers/{transfer_id}"): Operation(
        "Read a transfer order", {200: Answer("the transfer order", TransferOrder)},
        {403: "a location key reads the transfers it sends or is sent only", 404: "no such transfer"}),
    ("POST", "/transfers/{transfer_id}/ship"): Operation(
        "Ship a transfer: its units leave the source", {200: _TRANSFER_ANSWER}, _TRANSFER_REFUSALS),
    ("POST", "/transfers/{transfer_id}/receive"): Operation(
        "Receive a shipped transfer: its units join the destination's stock", {200: _TRANSFER_ANSWER},
        _TRANSFER_REFUSALS),
    ("POST", "/transfers/{transfer_id}/cancel"): Operation(
        "Cancel a transfer before it ships: the source may promise its units again", {200: _TRANSFER_ANSWER},
        {404: "no such transfer", 409: "the transfer has shipped already"}),
    ("GET", "/purchase-orders/{purchase_id}"): Operation(
        "Read a purchase order", {200: Answer("the purchase order", PurchaseOrder)},
        {403: "a location key reads the purchases delivered to it only", 404: "no such purchase order"}),
    ("POST", "/purchase-orders/{purchase_id}/receive"): Operation(
        "Receive a delivery against a purchase order, counted once by its receipt_id",
        {200: Answer("the purchase order, with what each line has received", PurchaseOrder)},
        {403: "a location key receives the purchases delivered to it only", 404: "no such purchase order",
         409: "every unit was received already",
         422: "a line is not on the order, is named twice or exceeds what is outstanding; or, without `lines`, "
              "more lines are outstanding than one delivery holds"}),
    ("GET", "/shipments"): Operation(
        "List a location's open picks, oldest first",
        {200: Answer("`picks` (the ship-to in full for the location's own open picks only) and `after`")},
        {400: "the query does not validate, or an admin key names no location_id",
         403: "a location key lists its own location's picks only"}),
    ("POST", "/shipments/{shipment_id}/accept"): Operation(
        "Accept a shipment sourced to this location", {200: _SHIPMENT_ANSWER}, _PICK_REFUSALS),
    ("POST", "/shipments/{shipment_id}/pick"): Operation(
        "Mark a shipment picked", {200: _SHIPMENT_ANSWER}, _PICK_REFUSALS),
    ("POST", "/shipments/{shipment_id}/ship"): Operation(
        "Mark a shipment shipped, with its carrier and tracking number", {200: _SHIPMENT_ANSWER}, _PICK_REFUSALS),
    ("POST", "/shipments/{shipment_id}/reject"): Operation(
        "Turn down a shipment; its units are sourced elsewhere", {200: _SHIPMENT_ANSWER}, _PICK_REFUSALS),
    ("POST", "/chat/parse"): Operation(
        "Understand a message, as Rasa's NLU parse does",
        {200: Answer("Rasa's parse result: `intent`, `intent_ranking`, `entities`, `language`")},
        {429: "too many messages for this key; wait a minute"}),
    ("POST", "/webhooks/rest/webhook"): Operation(
        "Send a customer's message, as Rasa's REST channel takes it",
        {200: Answer("the assistant's replies, as Rasa's REST channel answers them")},
        {409: "another message of this conversation was answered meanwhile; send it again",
         429: "too many messages for this key or conversation; wait a minute"}),
    ("POST", "/carriers/{provider}/events"): Operation(
        "Push tracking events in the provider's own format, signed its own way",
        {202: Answer("queued for the carrier updates function: `queued` is true")},
        {401: "not signed by this provider", 404: "no such provider",
         422: "not a tracking push of our own (generic) format: `errors` name its fields",
         503: "the event could not be queued; send it again"}),
    ("GET", "/openapi.json"): Operation(
        "Read this document", {200: Answer("the API's OpenAPI 3.1 contract")}),
}
