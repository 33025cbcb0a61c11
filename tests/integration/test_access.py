"""Every route of template.yaml, walked through the gateway: who gets in, who is turned away.

The credential a route requires is declared once, in oms.access.ROUTES; the authorizer
turns it into the policy API Gateway enforces, and handlers scope within a kind.
"""

from __future__ import annotations

import json

import pytest

from infra.local.gateway import LocalGateway
from infra.local.seed import ADMIN_KEY, CHAT_KEY, channel_key
from oms.access import PUBLIC, ROUTES, SIGNED_BY_SENDER
from tests.factories import unique_order_payload

LOCATION_KEY = "local-store-sf-key"
OTHER_LOCATION_KEY = "local-store-nyc-key"
KEY_OF_KIND = {"channel": channel_key("web"), "admin": ADMIN_KEY, "location": LOCATION_KEY, "chat": CHAT_KEY}
# Another principal of the same kind, for routes that scope within it.
OTHER_OF_KIND = {"channel": channel_key("shopify"), "location": OTHER_LOCATION_KEY}


@pytest.fixture
def gateway(deployed):
    return LocalGateway(deployed.template, deployed.intrinsics, log=lambda *args, **kwargs: None)


def call(gateway, method, path, key=None, body=None):
    headers = [("content-type", "application/json")] + ([("x-api-key", key)] if key else [])
    status, _, payload = gateway.handle(method, path, headers, json.dumps(body).encode() if body else b"")
    return status, payload


@pytest.fixture
def web_order_id(gateway):
    status, payload = call(gateway, "POST", "/orders", channel_key("web"), unique_order_payload())
    assert status == 201
    return json.loads(payload)["order_id"]


def example_request(route, web_order_id) -> tuple[str, dict | None]:
    values = {"order_id": web_order_id, "email_hash": "0" * 64, "channel": "web", "sku": "TSHIRT-RED-M",
              "location_id": "wh-reno", "shipment_id": f"shp_{web_order_id[4:]}_01",
              "return_id": f"ret_{web_order_id[4:]}_01", "refund_id": f"rfd_{web_order_id[4:]}_01",
              "proposal_id": "trp_20260302-none", "transfer_id": "tro_20260302-none",
              "purchase_id": "poo_20260302-none", "supplier_id": "acme"}
    path = route.resource.format(**values)
    return path, unique_order_payload() if route.method in ("POST", "PUT") else None


def keyed(gateway):
    return [route for route in gateway.routes if (route.method, route.resource) not in SIGNED_BY_SENDER | PUBLIC]


def test_every_template_route_declares_who_may_call_it(gateway):
    template_routes = {(route.method, route.resource) for route in gateway.routes}

    assert template_routes == set(ROUTES) | SIGNED_BY_SENDER | PUBLIC
    assert not set(ROUTES) & SIGNED_BY_SENDER and not set(ROUTES) & PUBLIC and not SIGNED_BY_SENDER & PUBLIC
    # Only the routes whose senders sign, and the public ones, take no key; every other one goes
    # through the authorizer.
    assert ({(route.method, route.resource) for route in gateway.routes if route.authorizer is None}
            == SIGNED_BY_SENDER | PUBLIC)


def test_a_route_signed_by_its_sender_admits_no_one_unsigned_key_or_not(gateway):
    for method, resource in SIGNED_BY_SENDER:
        path = resource.format(provider="easypost")
        for key in (None, ADMIN_KEY, channel_key("web"), LOCATION_KEY, CHAT_KEY):
            assert call(gateway, method, path, key, {"object": "Event"})[0] == 401, (resource, key)


def test_a_public_route_answers_anyone_key_or_not(gateway):
    for method, resource in PUBLIC:
        for key in (None, "not-a-key", ADMIN_KEY, channel_key("web"), LOCATION_KEY, CHAT_KEY):
            assert call(gateway, method, resource, key)[0] == 200, (resource, key)


def test_without_a_key_every_route_is_401(gateway, web_order_id):
    for route in keyed(gateway):
        path, body = example_request(route, web_order_id)
        assert call(gateway, route.method, path, None, body)[0] == 401, route.resource
        assert call(gateway, route.method, path, "not-a-key", body)[0] == 401, route.resource


def test_a_key_of_a_kind_the_route_does_not_serve_is_403(gateway, web_order_id):
    for route in keyed(gateway):
        path, body = example_request(route, web_order_id)
        for kind in set(KEY_OF_KIND) - ROUTES[(route.method, route.resource)]:
            assert call(gateway, route.method, path, KEY_OF_KIND[kind], body)[0] == 403, (route.resource, kind)


def test_the_right_key_gets_in_and_another_of_its_kind_does_not_touch_what_is_not_its(gateway, web_order_id):
    for route in keyed(gateway):
        path, body = example_request(route, web_order_id)
        for kind in ROUTES[(route.method, route.resource)]:
            assert call(gateway, route.method, path, KEY_OF_KIND[kind], body)[0] not in (401, 403), (route.resource, kind)

    other_channel = call(gateway, "GET", f"/orders/{web_order_id}", OTHER_OF_KIND["channel"])
    assert other_channel[0] == 403
