"""POST /channels/{channel}/orders: native formats in, signatures checked, stored once."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from infra.local.seed import webhook_secret
from oms.channels import adapter_for
from oms.webhooks import signature
from tests.factories import api_event, channel_principal, response_json
from tests.integration.test_channel_buyers import ORDERS, without

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"


def fixture(channel: str, name: str = "order.json") -> dict:
    return json.loads((FIXTURES / channel / name).read_text())


def post(intake, channel, payload, key_channel=None, signed_with=None, header=None, raw=None):
    body = raw if raw is not None else json.dumps(payload)
    secret = signed_with if signed_with is not None else webhook_secret(channel)
    headers = {header or "X-Shopify-Hmac-Sha256": signature(secret, body.encode())}
    event = api_event("POST", "/channels/{channel}/orders", f"/channels/{channel}/orders", body=body,
                      principal=channel_principal(key_channel or channel), path_parameters={"channel": channel},
                      headers=headers)
    return intake.invoke(event)


def test_a_signed_shopify_webhook_becomes_an_order_held_for_its_unknown_skus(deployed, intake):
    created = post(intake, "shopify", fixture("shopify"))

    assert created["statusCode"] == 201
    order = response_json(created)
    assert order["channel"] == "shopify" and order["channel_order_id"] == str(fixture("shopify")["id"])
    assert order["status"] == "on_hold" and "unknown_sku" in order["hold_reasons"]
    assert order["channel_status"]


def test_a_retried_webhook_is_the_same_order(deployed, intake):
    first = response_json(post(intake, "shopify", fixture("shopify")))

    again = post(intake, "shopify", fixture("shopify"))

    assert again["statusCode"] == 200 and response_json(again)["order_id"] == first["order_id"]


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_a_bad_signature_is_401_and_nothing_is_stored(deployed, intake, secret):
    answer = post(intake, "shopify", fixture("shopify"), signed_with=secret)

    assert answer["statusCode"] == 401 and "X-Shopify-Hmac-Sha256" in response_json(answer)["message"]
    assert deployed.items("OrdersTable") == []


def test_a_body_changed_after_signing_is_401(deployed, intake):
    body = json.dumps(fixture("shopify"))
    event_headers = {"X-Shopify-Hmac-Sha256": signature(webhook_secret("shopify"), body.encode())}
    tampered = body.replace('"quantity": 1', '"quantity": 9', 1)
    event = api_event("POST", "/channels/{channel}/orders", "/channels/shopify/orders", body=tampered,
                      principal=channel_principal("shopify"), path_parameters={"channel": "shopify"},
                      headers=event_headers)

    assert intake.invoke(event)["statusCode"] == 401


def test_another_channels_key_cannot_post_for_this_channel(deployed, intake):
    assert post(intake, "shopify", fixture("shopify"), key_channel="woocommerce")["statusCode"] == 403


@pytest.mark.parametrize(("channel", "key_channel"), [("nowhere", "web"), ("web", "web"), ("pos", "pos")])
def test_a_channel_without_a_native_format_is_404(deployed, intake, channel, key_channel):
    answer = post(intake, channel, {}, key_channel=key_channel)

    assert answer["statusCode"] == 404 and "POST /orders" in response_json(answer)["message"]


def test_a_payload_of_the_wrong_shape_is_422_naming_the_missing_native_fields(deployed, intake):
    payload = copy.deepcopy(fixture("shopify"))
    del payload["line_items"]

    answer = post(intake, "shopify", payload)

    assert answer["statusCode"] == 422
    assert "line_items" in {problem["field"].split(".")[0] for problem in response_json(answer)["errors"]}
    assert deployed.items("OrdersTable") == []


@pytest.mark.parametrize("channel", sorted(ORDERS))
def test_a_channels_order_with_no_buyer_at_all_is_posted_and_stored(deployed, intake, channel):
    body = json.dumps(without(fixture(channel, ORDERS[channel][0]), {"email", "phone", "name"}))
    headers = {}
    scheme = adapter_for(channel).SIGNATURE
    if scheme:
        url = f"https://api.example.com/dev/channels/{channel}/orders"
        signed = (url + body if scheme.url_then_body else body).encode()
        headers[scheme.header] = signature(webhook_secret(channel), signed, scheme.encoding)

    answer = intake.invoke(api_event(
        "POST", "/channels/{channel}/orders", f"/channels/{channel}/orders", body=body,
        principal=channel_principal(channel), path_parameters={"channel": channel}, headers=headers))

    assert answer["statusCode"] == 201, answer["body"]
    assert (response_json(answer)["customer"] or {}).get("email") is None
