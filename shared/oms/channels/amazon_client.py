"""SP-API Orders v0, read-only: the calls the OMS polls Amazon's orders with.

Pure: the HTTPS call itself is a `Transport` handed in, which gets a Login with Amazon
access token, signs and sends the request, and returns the parsed JSON body. Its contract:

- `transport(method, path, query)`: `path` is the operation's path, already URL-quoted
  (`/orders/v0/orders/902-3159896-1390916/orderItems`); `query` maps parameter names to
  strings, lists already comma-joined (Swagger 2.0 `csv`, as SP-API expects).
- It returns the parsed body of any response that has one: `{"payload": ...}` on success,
  `{"errors": [{code, message, details}]}` on a 4xx or 5xx. The client raises `ErrorResponse`
  for the latter.
- On HTTP 429 it raises `Throttled`, with the operation's rate from the
  `x-amzn-RateLimit-Limit` header where Amazon sent one. Any other failure with no JSON body
  (a timeout, a 503 page) it raises as `SpApiError`.

The client never sleeps or retries: a Lambda's time is better spent returning and polling
again on its schedule, and only the caller knows its deadline. A Throttled in the middle of a
NextToken walk loses nothing: start again from the same `since`; the orders already seen come
again, and intake takes each (channel, AmazonOrderId) once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

Transport = Callable[[str, str, dict[str, str]], dict[str, Any]]

# getOrders takes at most 50 marketplaces a call (ordersV0.json, MarketplaceIds maxItems).
MAX_MARKETPLACES = 50


class SpApiError(Exception):
    """A call to the Selling Partner API failed."""


class ErrorResponse(SpApiError):
    """Amazon answered with `errors`: each has a code, a message and perhaps details."""

    def __init__(self, operation: str, errors: list[dict[str, Any]]):
        said = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)
        super().__init__(f"{operation}: {said}")
        self.operation, self.errors = operation, errors

    @property
    def codes(self) -> list[str]:
        return [str(error.get("code")) for error in self.errors]


class Throttled(SpApiError):
    """HTTP 429, raised by the transport. `rate_limit` is requests per second, if Amazon said."""

    def __init__(self, rate_limit: float | None = None):
        super().__init__(f"throttled by Amazon (rate limit {rate_limit or 'not stated'} requests/s)")
        self.rate_limit = rate_limit


class OrdersApi:
    def __init__(self, transport: Transport):
        self._transport = transport

    def orders_updated_since(self, marketplace_ids: list[str], since: datetime) -> Iterator[dict]:
        """Every Order created or changed at or after `since`, page after page. Use the latest
        LastUpdateDate seen as the next `since`: an order may come twice, never be missed."""
        if not marketplace_ids or len(marketplace_ids) > MAX_MARKETPLACES:
            raise ValueError(f"getOrders takes 1 to {MAX_MARKETPLACES} marketplace ids, not {len(marketplace_ids)}")
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware: Amazon reads it as UTC")
        query = {
            "MarketplaceIds": ",".join(marketplace_ids),
            "LastUpdatedAfter": since.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        while True:
            page = self._payload("getOrders", "/orders/v0/orders", query)
            yield from _list(page, "Orders", "getOrders")
            if not page.get("NextToken"):
                return
            # With a NextToken Amazon ignores the other criteria but still requires MarketplaceIds.
            query = {"MarketplaceIds": query["MarketplaceIds"], "NextToken": page["NextToken"]}

    def order(self, order_id: str) -> dict:
        return self._payload("getOrder", _order_path(order_id), {})

    def order_items(self, order_id: str) -> list[dict]:
        items, query = [], {}
        while True:
            page = self._payload("getOrderItems", f"{_order_path(order_id)}/orderItems", query)
            items += _list(page, "OrderItems", "getOrderItems")
            if not page.get("NextToken"):
                return items
            query = {"NextToken": page["NextToken"]}

    def order_address(self, order_id: str) -> dict | None:
        """The OrderAddress, or None while Amazon withholds the address (a Pending order)."""
        address = self._payload("getOrderAddress", f"{_order_path(order_id)}/address", {})
        return address if address.get("ShippingAddress") else None

    def bundle(self, order_id: str) -> dict:
        """The order's three documents, as oms.channels.amazon.to_channel_order takes them."""
        return {
            "order": self.order(order_id),
            "items": self.order_items(order_id),
            "address": self.order_address(order_id),
        }

    def _payload(self, operation: str, path: str, query: dict[str, str]) -> dict:
        body = self._transport("GET", path, query)
        if not isinstance(body, dict):
            raise SpApiError(f"{operation}: the response is not a JSON object")
        if body.get("errors"):
            errors = body["errors"] if isinstance(body["errors"], list) else [body["errors"]]
            raise ErrorResponse(operation, [e if isinstance(e, dict) else {"message": str(e)} for e in errors])
        if not isinstance(body.get("payload"), dict):
            raise SpApiError(f"{operation}: the response has no payload")
        return body["payload"]


def _order_path(order_id: str) -> str:
    if not isinstance(order_id, str) or not order_id.strip():
        raise ValueError(f"not an Amazon order id: {order_id!r}")
    return f"/orders/v0/orders/{quote(order_id.strip(), safe='')}"


def _list(page: dict, name: str, operation: str) -> list[dict]:
    found = page.get(name, [])
    if not isinstance(found, list):
        raise SpApiError(f"{operation}: payload.{name} is not a list")
    return found
