"""Which kind of principal may call which route: the one table every route is declared in.

The authorizer turns it into the IAM policy API Gateway enforces (and caches per key),
and handlers check it again. Scoping within a kind (a channel's own orders, a store's
own shipments) is the handler's to decide, since only it sees the resource.
"""

from __future__ import annotations

from pydantic import ValidationError

from oms.principals import Kind, Principal

# (method, resource as template.yaml declares it) -> kinds that may call it
ROUTES: dict[tuple[str, str], frozenset[Kind]] = {
    ("POST", "/orders"): frozenset({"channel"}),
    ("POST", "/channels/{channel}/orders"): frozenset({"channel"}),
    ("GET", "/orders/{order_id}"): frozenset({"channel", "admin"}),
    ("GET", "/orders"): frozenset({"admin"}),
    ("POST", "/orders/{order_id}/approve"): frozenset({"admin"}),
    ("POST", "/orders/{order_id}/cancel"): frozenset({"admin", "channel"}),
    ("POST", "/orders/{order_id}/address"): frozenset({"admin"}),
    ("POST", "/orders/{order_id}/returns"): frozenset({"admin"}),
    ("POST", "/returns/{return_id}/authorise"): frozenset({"admin"}),
    ("POST", "/returns/{return_id}/reject"): frozenset({"admin"}),
    ("POST", "/returns/{return_id}/receive"): frozenset({"admin", "location"}),
    ("POST", "/refunds/{refund_id}/confirm"): frozenset({"admin"}),
    ("DELETE", "/customers/{email_hash}"): frozenset({"admin"}),
    ("PUT", "/inventory/{sku}/{location_id}"): frozenset({"admin"}),
    ("POST", "/inventory/{sku}/{location_id}/adjust"): frozenset({"admin"}),
    ("POST", "/inventory/{sku}/{location_id}/receive"): frozenset({"admin"}),
    ("POST", "/inventory/bulk"): frozenset({"admin"}),
    ("GET", "/inventory/{sku}"): frozenset({"admin", "channel"}),
    ("GET", "/inventory/{sku}/{location_id}/movements"): frozenset({"admin"}),
    ("GET", "/locations"): frozenset({"admin"}),
    ("PUT", "/locations/{location_id}"): frozenset({"admin"}),
    ("GET", "/suppliers"): frozenset({"admin"}),
    ("PUT", "/suppliers/{supplier_id}"): frozenset({"admin"}),
    ("GET", "/catalogue/{sku}"): frozenset({"admin"}),
    ("PUT", "/catalogue/{sku}"): frozenset({"admin"}),
    ("GET", "/replenishment"): frozenset({"admin"}),
    ("GET", "/replenishment/{proposal_id}"): frozenset({"admin"}),
    ("POST", "/replenishment/{proposal_id}/accept"): frozenset({"admin"}),
    # A location reads, ships and receives the transfers it is a party to, and receives the
    # purchases delivered to it; the handler scopes it to those.
    ("GET", "/transfers/{transfer_id}"): frozenset({"admin", "location"}),
    ("POST", "/transfers/{transfer_id}/ship"): frozenset({"admin", "location"}),
    ("POST", "/transfers/{transfer_id}/receive"): frozenset({"admin", "location"}),
    ("POST", "/transfers/{transfer_id}/cancel"): frozenset({"admin"}),
    ("GET", "/purchase-orders/{purchase_id}"): frozenset({"admin", "location"}),
    ("POST", "/purchase-orders/{purchase_id}/receive"): frozenset({"admin", "location"}),
    ("GET", "/shipments"): frozenset({"location", "admin"}),
    ("POST", "/shipments/{shipment_id}/accept"): frozenset({"location"}),
    ("POST", "/shipments/{shipment_id}/pick"): frozenset({"location"}),
    ("POST", "/shipments/{shipment_id}/ship"): frozenset({"location"}),
    ("POST", "/shipments/{shipment_id}/reject"): frozenset({"location"}),
    ("POST", "/chat/parse"): frozenset({"chat"}),
    ("POST", "/webhooks/rest/webhook"): frozenset({"chat"}),
}


# Routes whose callers cannot send a key (carriers' and aggregators' webhooks): API Gateway lets
# them through, and the handler admits only a request that carries its sender's own proof.
SIGNED_BY_SENDER: frozenset[tuple[str, str]] = frozenset({("POST", "/carriers/{provider}/events")})

# Routes anyone may read without a key: the API's own contract, which callers need before they have one.
PUBLIC: frozenset[tuple[str, str]] = frozenset({("GET", "/openapi.json")})


def routes_for(kind: Kind) -> list[tuple[str, str]]:
    return sorted(route for route, kinds in ROUTES.items() if kind in kinds)


def may_call(principal: Principal, method: str, resource: str) -> bool:
    return principal.kind in ROUTES.get((method.upper(), resource), frozenset())


def resource_pattern(resource: str) -> str:
    """A route as an execute-api ARN path: each {parameter} matches any one value."""
    return "/".join("*" if part.startswith("{") else part for part in resource.split("/"))


def caller(request_context: dict) -> Principal | None:
    """The principal API Gateway's authorizer resolved, if it may call this route at all."""
    try:
        principal = Principal.model_validate(request_context.get("authorizer") or {})
    except ValidationError:
        return None
    if not may_call(principal, request_context.get("httpMethod", ""), request_context.get("resourcePath", "")):
        return None
    return principal
