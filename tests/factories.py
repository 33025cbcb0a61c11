"""Builders for the payloads and events the tests send: one place, read like the contract."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

_EXAMPLE_ORDER = {
    "channel_order_id": "W-1001",
    "channel_order_number": "#1001",
    "placed_at": "2026-11-20T10:15:00Z",
    "currency": "USD",
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550100"},
    "shipping_address": {
        "line1": "1 Main St", "city": "San Francisco", "region": "CA", "postal_code": "94107", "country": "US",
    },
    "lines": [{"sku": "TSHIRT-RED-M", "quantity": 2, "unit_price": "19.99"}],
    "shipping": "5.00",
    "tax": "3.20",
    "discount": "0.00",
    "total": "48.18",
    "payment": {"method": "card", "status": "paid"},
    "delivery": {"method": "standard"},
}


def order_payload(**overrides: Any) -> dict:
    """The issue's example order; keyword arguments replace top-level fields."""
    payload = copy.deepcopy(_EXAMPLE_ORDER)
    payload.update(overrides)
    return payload


def unique_order_payload(**overrides: Any) -> dict:
    """A new order from a new customer, so per-customer screening limits stay out of the way."""
    token = uuid.uuid4().hex[:12]
    customer = {**_EXAMPLE_ORDER["customer"], "email": f"ada+{token}@example.com"}
    return order_payload(**{"channel_order_id": f"W-{token}", "customer": customer, **overrides})


def channel_principal(channel: str = "web") -> dict:
    """API Gateway's authorizer context for a channel key, as the authorizer returns it."""
    return {"principalId": f"channel:{channel}", "kind": "channel", "channel": channel}


ADMIN_PRINCIPAL = {"principalId": "admin", "kind": "admin"}


def api_event(
    method: str,
    resource: str,
    path: str | None = None,
    body: Any = None,
    principal: dict | None = None,
    path_parameters: dict | None = None,
    headers: dict | None = None,
) -> dict:
    """An API Gateway REST API (v1) Lambda proxy event, as API Gateway sends it."""
    path = path or resource
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    headers = {"content-type": "application/json", "Host": "api.example.com", **(headers or {})}
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/dev{path}",
            "stage": "dev",
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTimeEpoch": 1795000000000,
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.9", "userAgent": "pytest"},
            "authorizer": principal,
        },
    }


def authorizer_request(api_key: str | None, method: str = "POST", path: str = "/orders") -> dict:
    """An API Gateway REQUEST authorizer event."""
    headers = {"Host": "api.example.com"} | ({"x-api-key": api_key} if api_key is not None else {})
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/{method}{path}",
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {},
        "multiValueQueryStringParameters": {},
        "pathParameters": {},
        "stageVariables": {},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123", "resourcePath": path, "httpMethod": method,
            "stage": "dev", "requestId": str(uuid.uuid4()), "identity": {"sourceIp": "203.0.113.9"},
        },
    }


def response_json(response: dict) -> Any:
    return json.loads(response["body"]) if response.get("body") else None
