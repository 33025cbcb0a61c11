"""What each route's view validates its request with: the one declaration `Api` validates by
and the API's contract is built from, so the two cannot disagree.

A route of `oms.access` not named here takes neither a body nor a query; one that takes a
channel's or carrier's own format reads it itself and is not named here either.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from oms.models import OrderSubmission
from oms_http import request_models as asked


@dataclass(frozen=True)
class Inputs:
    body: type[BaseModel] | None = None
    body_optional: bool = False  # an absent body is read as `{}`
    query: type[BaseModel] | None = None


NO_INPUTS = Inputs()

# (method, resource as template.yaml declares it) -> what its view validates
INPUTS: dict[tuple[str, str], Inputs] = {
    ("POST", "/orders"): Inputs(body=OrderSubmission),
    ("GET", "/orders"): Inputs(query=asked.OrderListing),
    ("POST", "/orders/{order_id}/approve"): Inputs(body=asked.Decision, body_optional=True),
    ("POST", "/orders/{order_id}/cancel"): Inputs(body=asked.Cancellation, body_optional=True),
    ("POST", "/orders/{order_id}/address"): Inputs(body=asked.AddressChange),
    ("POST", "/orders/{order_id}/returns"): Inputs(body=asked.ReturnRequest),
    ("POST", "/returns/{return_id}/reject"): Inputs(body=asked.ReturnRejection),
    ("POST", "/returns/{return_id}/receive"): Inputs(body=asked.ReturnReceipt),
    ("POST", "/refunds/{refund_id}/confirm"): Inputs(body=asked.RefundConfirmation, body_optional=True),
    ("PUT", "/inventory/{sku}/{location_id}"): Inputs(body=asked.StockLevel),
    ("POST", "/inventory/{sku}/{location_id}/adjust"): Inputs(body=asked.Adjustment),
    ("POST", "/inventory/{sku}/{location_id}/receive"): Inputs(body=asked.StockReceipt),
    ("POST", "/inventory/bulk"): Inputs(body=asked.BulkStockChange),
    ("GET", "/inventory/{sku}"): Inputs(query=asked.AvailabilityQuery),
    ("GET", "/inventory/{sku}/{location_id}/movements"): Inputs(query=asked.MovementsPage),
    ("PUT", "/locations/{location_id}"): Inputs(body=asked.LocationEdit),
    ("PUT", "/suppliers/{supplier_id}"): Inputs(body=asked.SupplierEdit),
    ("PUT", "/catalogue/{sku}"): Inputs(body=asked.CatalogueEdit),
    ("GET", "/replenishment"): Inputs(query=asked.ProposalListing),
    ("POST", "/purchase-orders/{purchase_id}/receive"): Inputs(body=asked.PurchaseReceipt),
    ("GET", "/shipments"): Inputs(query=asked.PickListing),
    ("POST", "/shipments/{shipment_id}/ship"): Inputs(body=asked.Shipped),
    ("POST", "/shipments/{shipment_id}/reject"): Inputs(body=asked.PickRejection),
    ("POST", "/chat/parse"): Inputs(body=asked.ChatParse),
    ("POST", "/webhooks/rest/webhook"): Inputs(body=asked.ChatMessage),
}


def inputs_of(method: str, resource: str) -> Inputs:
    return INPUTS.get((method.upper(), resource), NO_INPUTS)
