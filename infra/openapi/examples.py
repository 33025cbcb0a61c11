"""The contract's examples: each provider's own documented payloads for the routes that take
them (read from tests/fixtures), small requests and answers of our own for the rest.

An example with a model behind it is passed through that model here, so it is one the API
takes or gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from oms.carriers import PROVIDERS
from oms.channels import NATIVE_FORMATS
from oms.channels.fetching import ID_ONLY_NOTICES
from oms.inventory import Availability
from oms.models import Location, Order, OrderSubmission, Refund, Return, Shipment
from oms.planning import CatalogueEntry, Proposal, PurchaseOrder, Supplier, TransferOrder

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"

ORDER_ID = "ord_01JB8Z4Q6V0Y3X9M2K7T5R1W8N"
_SUFFIX = ORDER_ID.removeprefix("ord_")

# A value for each path parameter any route declares.
PATH_PARAMETERS = {
    "order_id": ORDER_ID, "channel": "shopify", "return_id": f"ret_{_SUFFIX}_01", "refund_id": f"rfd_{_SUFFIX}_01",
    "shipment_id": f"shp_{_SUFFIX}_01", "sku": "TSHIRT-RED-M", "location_id": "wh-reno",
    "email_hash": "9f2c4e7a1b3d5f60" * 4, "provider": "easypost",
    "proposal_id": "trp_20260302-tshirt-red-m-wh-reno-store-sf-3f9a0c1d2e4b5a6c",
    "transfer_id": "tro_20260302-tshirt-red-m-wh-reno-store-sf-3f9a0c1d2e4b5a6c",
    "purchase_id": "poo_20260302-acme-wh-reno-8e1d2c3b4a596877", "supplier_id": "acme",
}

_CANONICAL_ORDER = {
    "channel_order_id": "1001", "channel_order_number": "#1001", "locale": "en-US",
    "placed_at": "2026-03-02T14:05:00Z", "currency": "USD",
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550123"},
    "delivery": {"method": "standard"},
    "payment": {"method": "card", "status": "paid", "reference": "ch_3Nf1"},
    "shipping_address": {"line1": "1 Market St", "city": "San Francisco", "region": "CA",
                         "postal_code": "94105", "country": "US"},
    "lines": [{"sku": "TSHIRT-RED-M", "name": "T-shirt, red, M", "quantity": 2, "unit_price": "19.50"}],
    "subtotal": "39.00", "shipping": "5.00", "tax": "3.51", "total": "47.51",
}
_RECEIVED_AT = "2026-03-02T14:05:02.118Z"
_SHIPMENT = {"shipment_id": f"shp_{_SUFFIX}_01", "order_id": ORDER_ID, "location_id": "wh-reno",
             "lines": [{"line_no": 1, "sku": "TSHIRT-RED-M", "quantity": 2, "name": "T-shirt, red, M"}],
             "status": "accepted", "created_at": "2026-03-02T14:05:03.000Z", "channel": "web",
             "channel_order_number": "#1001", "ship_by": "2026-03-03", "promised_by": "2026-03-06"}
_RETURN = {"return_id": f"ret_{_SUFFIX}_01", "order_id": ORDER_ID,
           "lines": [{"line_no": 1, "sku": "TSHIRT-RED-M", "quantity": 1, "reason": "too_small"}],
           "status": "authorised", "created_at": "2026-03-09T10:00:00.000Z", "return_to": "wh-reno"}
_REFUND = {"refund_id": f"rfd_{_SUFFIX}_01", "order_id": ORDER_ID, "channel": "web", "channel_order_id": "1001",
           "reason": "return", "currency": "USD", "lines": [{"line_no": 1, "quantity": 1, "amount": "19.50"}],
           "tax": "1.76", "amount": "21.26", "status": "refunded", "created_at": "2026-03-12T09:00:00.000Z",
           "confirmed_at": "2026-03-12T11:30:00.000Z", "return_id": f"ret_{_SUFFIX}_01",
           "channel_refund_id": "re_3Nf1"}
_LOCATION = {"location_id": "wh-reno", "name": "Reno warehouse", "kind": "warehouse", "latitude": "39.5296",
             "longitude": "-119.8138", "country": "US", "region": "NV", "timezone": "America/Los_Angeles",
             "ship_cutoff": "15:00", "daily_capacity": 2000}
_STOCK = {"sku": "TSHIRT-RED-M", "location_id": "wh-reno", "on_hand": 120, "reserved": 4, "safety_stock": 5,
          "reorder_point": 20, "available": 111}
_EVENT = {"at": "2026-03-02T15:10:00.000Z", "actor": "admin", "from_status": "on_hold", "to_status": "approved",
          "reason": "address checked with the customer"}

_PROPOSAL = {"proposal_id": "trp_20260302-tshirt-red-m-wh-reno-store-sf-3f9a0c1d2e4b5a6c", "kind": "transfer",
             "status": "open", "run_on": "2026-03-02", "from_location": "wh-reno", "to_location": "store-sf",
             "lines": [{"sku": "TSHIRT-RED-M", "units": 12, "reorder_point": 8, "position": 3}],
             "reason": "store-sf is 5 under its reorder point; wh-reno has 100 to spare", "cost": "6.40",
             "saves": "58.50", "arrives_by": "2026-03-04", "created_at": "2026-03-02T04:01:12.000Z"}
_TRANSFER = {"transfer_id": "tro_20260302-tshirt-red-m-wh-reno-store-sf-3f9a0c1d2e4b5a6c", "from_location": "wh-reno",
             "to_location": "store-sf", "lines": _PROPOSAL["lines"], "status": "reserved",
             "proposal_id": _PROPOSAL["proposal_id"], "created_at": "2026-03-02T08:30:00.000Z", "created_by": "admin"}
_PURCHASE = {"purchase_id": "poo_20260302-acme-wh-reno-8e1d2c3b4a596877", "supplier_id": "acme",
             "to_location": "wh-reno", "lines": [{"sku": "MUG-LOGO", "units": 144, "received": 0},
                                                 {"sku": "CAP-BLACK", "units": 48, "received": 0}],
             "status": "open", "proposal_id": "pup_20260302-acme-wh-reno-8e1d2c3b4a596877",
             "expected_on": "2026-03-16", "created_at": "2026-03-02T08:31:00.000Z", "created_by": "admin"}


_SUPPLIER = {"name": "Acme Apparel", "lead_time_days": 10, "order_multiple": 12, "minimum_order_quantity": 24,
             "delivers_to": ["wh-reno", "wh-columbus"]}
_CATALOGUE_ENTRY = {"supplier_id": "acme", "category": "t-shirts", "unit_cost": "6.40", "unit_price": "19.99",
                    "unit_weight_kg": "0.2"}


def _through(model: type[BaseModel], value: dict) -> dict:
    return model.model_validate(value).model_dump(mode="json")


_LOCATION_ANSWER = _through(Location, _LOCATION | {"channels": ["web", "shopify"]})


def _order(**changes: Any) -> dict:
    held = {**_CANONICAL_ORDER, "order_id": ORDER_ID, "channel": "web", "status": "allocated",
            "created_at": _RECEIVED_AT, "updated_at": "2026-03-02T14:05:03.000Z", "version": 2,
            "promised_delivery": "2026-03-06", "shipments": [{**_SHIPMENT, "status": "pending"}], **changes}
    return _through(Order, held)


def _fixture(*parts: str) -> dict:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


def _channel_examples() -> dict[str, dict]:
    """Each channel's order as its webhook or API gives it; and the notifications that name only an id."""
    examples = {channel: {"summary": f"{channel}: an order, posted to /channels/{channel}/orders",
                          "value": _fixture("channels", channel, "order.json")} for channel in sorted(NATIVE_FORMATS)}
    notices = {"square": "webhook_order_created.json", "amazon": "order_change_notification.json"}
    for channel in sorted(ID_ONLY_NOTICES):
        examples[f"{channel}_notification"] = {
            "summary": f"{channel}: a notification naming only the order, which is fetched (202)",
            "value": _fixture("channels", channel, notices[channel])}
    return examples


def _carrier_examples() -> dict[str, dict]:
    """Each provider's push; its smallest documented one, to keep the document small."""
    examples = {}
    for provider in sorted(PROVIDERS):
        smallest = min(sorted((FIXTURES / "carriers" / provider).glob("*.json")), key=lambda path: path.stat().st_size)
        examples[provider] = {"summary": f"{provider}: a push, posted to /carriers/{provider}/events",
                              "value": json.loads(smallest.read_text(encoding="utf-8"))}
    return examples


def _one(value: Any, summary: str = "example") -> dict[str, dict]:
    return {"example": {"summary": summary, "value": value}}


def requests() -> dict[tuple[str, str], dict[str, dict]]:
    """Request body examples, by route."""
    return {
        ("POST", "/orders"): _one(_through(OrderSubmission, _CANONICAL_ORDER), "a web order, paid by card"),
        ("POST", "/channels/{channel}/orders"): _channel_examples(),
        ("POST", "/orders/{order_id}/approve"): _one({"reason": "address checked with the customer"}),
        ("POST", "/orders/{order_id}/cancel"): {
            "whole_order": {"summary": "the whole order", "value": {"reason": "the customer asked"}},
            "some_units": {"summary": "units of some lines",
                           "value": {"reason": "out of stock", "lines": [{"line_no": 1, "quantity": 1}]}}},
        ("POST", "/orders/{order_id}/address"): _one({"shipping_address": {
            "name": "Ada Lovelace", "line1": "500 Howard St", "city": "San Francisco", "region": "CA",
            "postal_code": "94105", "country": "US"}}),
        ("POST", "/orders/{order_id}/returns"): _one({"lines": [{"line_no": 1, "quantity": 1, "reason": "too_small"}]}),
        ("POST", "/returns/{return_id}/reject"): _one({"reason": "worn and washed"}),
        ("POST", "/returns/{return_id}/receive"): _one(
            {"lines": [{"line_no": 1, "quantity": 1, "condition": "sellable"}], "location_id": "wh-reno"}),
        ("POST", "/refunds/{refund_id}/confirm"): _one({"channel_refund_id": "re_3Nf1"}),
        ("PUT", "/inventory/{sku}/{location_id}"): _one(
            {"on_hand": 120, "safety_stock": 5, "reorder_point": 20, "reason": "stock take"}),
        ("POST", "/inventory/{sku}/{location_id}/adjust"): _one({"delta": -2, "reason": "damaged in the warehouse"}),
        ("POST", "/inventory/{sku}/{location_id}/receive"): _one({"quantity": 48, "reference": "PO-1042"}),
        ("POST", "/inventory/bulk"): _one({"changes": [
            {"sku": "TSHIRT-RED-M", "location_id": "wh-reno", "on_hand": 120},
            {"sku": "TSHIRT-RED-L", "location_id": "wh-reno", "delta": -1, "reason": "damaged"},
            {"sku": "MUG-BLUE", "location_id": "store-sf", "quantity": 24}]}),
        ("PUT", "/locations/{location_id}"): _one(
            {key: value for key, value in _LOCATION.items() if key != "location_id"}
            | {"webhook_url": "https://wms.example.com/oms/picks"}),
        ("PUT", "/suppliers/{supplier_id}"): _one(_SUPPLIER),
        ("PUT", "/catalogue/{sku}"): _one(_CATALOGUE_ENTRY),
        ("POST", "/purchase-orders/{purchase_id}/receive"): {
            "everything": {"summary": "everything outstanding arrived", "value": {"receipt_id": "DN-20260316-1"}},
            "some_units": {"summary": "part of a line arrived",
                           "value": {"receipt_id": "DN-20260316-2", "lines": [{"sku": "MUG-LOGO", "units": 96}]}}},
        ("POST", "/shipments/{shipment_id}/ship"): _one(
            {"carrier": "ups", "tracking_number": "1Z999AA10123456784", "service": "ground"}),
        ("POST", "/shipments/{shipment_id}/reject"): _one({"reason": "no_stock"}),
        ("POST", "/chat/parse"): _one({"text": "where is my order 1001?"}),
        ("POST", "/webhooks/rest/webhook"): _one({"sender": "c0f3a9e2-7b41-4d8e", "message": "where is my order?"}),
        ("POST", "/carriers/{provider}/events"): _carrier_examples(),
    }


def answers(title: str, version: str) -> dict[tuple[str, str], tuple[int, dict[str, dict]]]:
    """An example of each route's main success answer, by route: (status, examples)."""
    shipped = {**_SHIPMENT, "status": "shipped", "carrier": "ups", "service": "ground",
               "tracking_number": "1Z999AA10123456784", "shipped_at": "2026-03-03T16:20:00.000Z"}
    return {
        ("POST", "/orders"): (201, _one(_order(status="received", shipments=[], version=0, promised_delivery=None))),
        ("POST", "/channels/{channel}/orders"): (202, _one({"queued": "ord-7Q2VW3"}, "a notification, queued")),
        ("GET", "/orders/{order_id}"): (200, _one(_order())),
        ("GET", "/orders"): (200, _one({"orders": [{
            "order_id": ORDER_ID, "channel": "web", "channel_order_number": "#1001", "status": "on_hold",
            "placed_at": "2026-03-02T14:05:00.000Z", "updated_at": _RECEIVED_AT, "currency": "USD",
            "total": "47.51", "hold_reasons": ["address_unverified"]}], "after": None})),
        ("POST", "/orders/{order_id}/approve"): (200, _one({"order_id": ORDER_ID, "status": "approved",
                                                            "event": _EVENT})),
        ("POST", "/orders/{order_id}/cancel"): (200, _one({
            "order_id": ORDER_ID, "status": "cancelled", "cancelled": [{"line_no": 1, "quantity": 2}],
            "refund": {**_REFUND, "reason": "cancellation", "status": "requested", "return_id": None,
                       "channel_refund_id": None, "confirmed_at": None}})),
        ("POST", "/orders/{order_id}/address"): (200, _one({"order_id": ORDER_ID, "status": "allocated",
                                                            "shipments": [{**_SHIPMENT, "status": "pending"}]})),
        ("POST", "/orders/{order_id}/returns"): (201, _one(_through(Return, _RETURN))),
        ("POST", "/returns/{return_id}/authorise"): (200, _one(_through(Return, _RETURN))),
        ("POST", "/returns/{return_id}/reject"): (200, _one(_through(Return, {**_RETURN, "status": "rejected"}))),
        ("POST", "/returns/{return_id}/receive"): (200, _one(_through(Return, {
            **_RETURN, "status": "received", "received_at": "2026-03-11T12:00:00.000Z",
            "received": [{"line_no": 1, "quantity": 1, "condition": "sellable"}],
            "refund_id": f"rfd_{_SUFFIX}_01"}))),
        ("POST", "/refunds/{refund_id}/confirm"): (200, _one(_through(Refund, _REFUND))),
        ("DELETE", "/customers/{email_hash}"): (200, _one({"erased_orders": [ORDER_ID]})),
        ("PUT", "/inventory/{sku}/{location_id}"): (200, _one(_STOCK)),
        ("POST", "/inventory/{sku}/{location_id}/adjust"): (200, _one({**_STOCK, "on_hand": 118, "available": 109})),
        ("POST", "/inventory/{sku}/{location_id}/receive"): (200, _one({**_STOCK, "on_hand": 168, "available": 159})),
        ("POST", "/inventory/bulk"): (200, _one({"results": [
            {"sku": "TSHIRT-RED-M", "location_id": "wh-reno", "status": "ok"},
            {"sku": "TSHIRT-RED-L", "location_id": "wh-reno", "status": "ok"},
            {"sku": "MUG-BLUE", "location_id": "store-sf", "status": "error", "problem": "no location store-sf"}]})),
        ("GET", "/inventory/{sku}"): (200, _one(_through(Availability, {
            "sku": "TSHIRT-RED-M", "channel": None, "available": 111, "locations": [{
                "location_id": "wh-reno", "name": "Reno warehouse", "kind": "warehouse", "on_hand": 120,
                "reserved": 4, "safety_stock": 5, "available": 111, "can_ship": True, "can_pickup": False}]}))),
        ("GET", "/inventory/{sku}/{location_id}/movements"): (200, _one({"movements": [{
            "sku": "TSHIRT-RED-M", "location_id": "wh-reno", "at": "2026-03-02T09:00:00.000Z", "kind": "received",
            "on_hand_change": 48, "reserved_change": 0, "actor": "admin", "reason": None, "order_id": None,
            "shipment_id": None, "reference": "PO-1042"}], "after": None})),
        ("GET", "/locations"): (200, _one({"locations": [_LOCATION_ANSWER]})),
        ("GET", "/suppliers"): (200, _one({"suppliers": [_through(Supplier, {"supplier_id": "acme", **_SUPPLIER})]})),
        ("PUT", "/suppliers/{supplier_id}"): (200, _one(_through(Supplier, {"supplier_id": "acme", **_SUPPLIER}))),
        ("GET", "/catalogue/{sku}"): (200, _one(_through(CatalogueEntry, {"sku": "TSHIRT-RED-M", **_CATALOGUE_ENTRY}))),
        ("PUT", "/catalogue/{sku}"): (200, _one(_through(CatalogueEntry, {"sku": "TSHIRT-RED-M", **_CATALOGUE_ENTRY}))),
        ("PUT", "/locations/{location_id}"): (201, _one(_LOCATION_ANSWER | {
            "webhook_url": "https://wms.example.com/oms/picks", "webhook_secret": "whsec_5b8f2d0c9e7a4136"})),
        ("GET", "/replenishment"): (200, _one({"proposals": [_through(Proposal, _PROPOSAL)], "after": None})),
        ("GET", "/replenishment/{proposal_id}"): (200, _one(_through(Proposal, _PROPOSAL))),
        ("POST", "/replenishment/{proposal_id}/accept"): (200, _one(_through(TransferOrder, _TRANSFER),
                                                                    "a transfer, its units reserved at wh-reno")),
        ("GET", "/transfers/{transfer_id}"): (200, _one(_through(TransferOrder, _TRANSFER))),
        ("POST", "/transfers/{transfer_id}/ship"): (200, _one(_through(TransferOrder, {
            **_TRANSFER, "status": "in_transit", "shipped_at": "2026-03-02T15:00:00.000Z"}))),
        ("POST", "/transfers/{transfer_id}/receive"): (200, _one(_through(TransferOrder, {
            **_TRANSFER, "status": "received", "shipped_at": "2026-03-02T15:00:00.000Z",
            "received_at": "2026-03-03T10:20:00.000Z"}))),
        ("POST", "/transfers/{transfer_id}/cancel"): (200, _one(_through(TransferOrder, {
            **_TRANSFER, "status": "cancelled"}))),
        ("GET", "/purchase-orders/{purchase_id}"): (200, _one(_through(PurchaseOrder, _PURCHASE))),
        ("POST", "/purchase-orders/{purchase_id}/receive"): (200, _one(_through(PurchaseOrder, {
            **_PURCHASE, "status": "partly_received",
            "lines": [{"sku": "MUG-LOGO", "units": 144, "received": 96},
                      {"sku": "CAP-BLACK", "units": 48, "received": 0}]}))),
        ("GET", "/shipments"): (200, _one({"picks": [{
            "shipment_id": _SHIPMENT["shipment_id"], "order_id": ORDER_ID, "location_id": "wh-reno",
            "status": "pending", "mode": "ship", "created_at": "2026-03-02T14:05:03.000Z", "ship_by": "2026-03-03",
            "channel": "web", "channel_order_number": "#1001", "delivery_method": "standard",
            "lines": [{"line_no": 1, "sku": "TSHIRT-RED-M", "name": "T-shirt, red, M", "quantity": 2}],
            "ship_to": {"name": "Ada Lovelace", "line1": "1 Market St", "city": "San Francisco", "region": "CA",
                        "postal_code": "94105", "country": "US"},
            "customer_name": None, "transfer_to": None}], "after": None})),
        ("POST", "/shipments/{shipment_id}/accept"): (200, _one(_through(Shipment, _SHIPMENT))),
        ("POST", "/shipments/{shipment_id}/pick"): (200, _one(_through(Shipment, {**_SHIPMENT, "status": "picked"}))),
        ("POST", "/shipments/{shipment_id}/ship"): (200, _one(_through(Shipment, shipped))),
        ("POST", "/shipments/{shipment_id}/reject"): (200, _one(_through(Shipment, {**_SHIPMENT,
                                                                                    "status": "rejected"}))),
        ("POST", "/chat/parse"): (200, _one({
            "text": "where is my order 1001?", "intent": {"name": "track_order", "confidence": 0.97},
            "intent_ranking": [{"name": "track_order", "confidence": 0.97},
                               {"name": "cancel_order", "confidence": 0.01}],
            "entities": [{"entity": "order_ref", "value": "1001", "start": 18, "end": 22}], "language": "en"})),
        ("POST", "/webhooks/rest/webhook"): (200, _one([
            {"recipient_id": "c0f3a9e2-7b41-4d8e",
             "text": "I can help with that. What is your order number and the email you ordered with?"}])),
        ("POST", "/carriers/{provider}/events"): (202, _one({"queued": True})),
        ("GET", "/openapi.json"): (200, _one({"openapi": "3.1.0", "info": {"title": title, "version": version}},
                                             "this document, abridged")),
    }
