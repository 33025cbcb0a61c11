"""End to end: the local stack started as `make run` starts it, used over HTTP."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra.local.seed import carrier_secret, webhook_secret
from oms import signing, webhooks
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import order_payload, unique_order_payload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.e2e

WEB_KEY = "local-web-key"


def test_the_banner_shows_the_url_moto_and_commands_to_paste(local_stack):
    banner = "".join(local_stack.output)

    assert local_stack.url in banner and "moto" in banner
    assert banner.count("curl ") == 3


def test_an_order_posted_over_http_is_stored_once_and_read_back(local_stack):
    payload = unique_order_payload()

    created = local_stack.request("POST", "/orders", payload, api_key=WEB_KEY)
    again = local_stack.request("POST", "/orders", payload, api_key=WEB_KEY)
    read = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key=WEB_KEY)

    assert (created.status, again.status, read.status) == (201, 200, 200)
    assert again.body["order_id"] == created.body["order_id"] == read.body["order_id"]
    assert created.body["status"] == "approved" and read.body["channel"] == "web"
    # the pump may already have allocated it from the Orders stream
    assert read.body["status"] in ("approved", "allocated")


def test_an_approved_order_is_allocated_from_the_stream_by_the_pump(local_stack):
    import time

    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)
    deadline, order = time.monotonic() + 30, created.body
    while order["status"] == "approved" and time.monotonic() < deadline:
        time.sleep(0.2)
        order = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key=WEB_KEY).body

    assert order["status"] == "allocated"
    assert [line["sku"] for line in order["shipments"][0]["lines"]] == ["TSHIRT-RED-M"]


def test_concurrent_duplicates_over_http_make_one_order(local_stack):
    payload = unique_order_payload()
    start, answers = threading.Barrier(8), []

    def post():
        start.wait()
        answers.append(local_stack.request("POST", "/orders", payload, api_key=WEB_KEY))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answer.status for answer in answers) == [200] * 7 + [201]
    assert len({answer.body["order_id"] for answer in answers}) == 1


def test_an_approved_orders_pick_reaches_its_location_and_is_listed_for_it(local_stack):
    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)
    shipment_id = "shp_" + created.body["order_id"].removeprefix("ord_") + "_01"

    local_stack.wait_for_output(f"pick request for wh-reno: {shipment_id}")
    listed = local_stack.request("GET", "/shipments", api_key="local-wh-reno-key")
    elsewhere = local_stack.request("GET", "/shipments?location_id=wh-reno", api_key="local-store-sf-key")

    assert listed.status == 200 and shipment_id in [pick["shipment_id"] for pick in listed.body["picks"]]
    assert elsewhere.status == 403
    ready = next(index for index, line in enumerate(local_stack.output) if "ready" in line)
    printed = "".join(local_stack.output[ready:])  # the banner's own example aside
    assert "Ada Lovelace" not in printed and "1 Main St" not in printed  # the receiver prints no recipient


def test_a_location_ships_over_http_and_the_order_is_shipped(local_stack):
    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)
    shipment_id = "shp_" + created.body["order_id"].removeprefix("ord_") + "_01"
    local_stack.wait_for_output(f"pick request for wh-reno: {shipment_id}")

    shipped = local_stack.request("POST", f"/shipments/{shipment_id}/ship", {"carrier": "UPS",
                                                                             "tracking_number": "1Z999AA10123456784"},
                                  api_key="local-wh-reno-key")
    order = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key=WEB_KEY).body

    assert shipped.status == 200 and order["status"] == "shipped"
    assert [event["shipment"]["to_status"] for event in order["shipments"][0]["history"] if event["shipment"]
            and event["shipment"]["to_status"]] == ["pending", "shipped"]


def test_cancelling_an_order_withdraws_its_pick_at_the_location(local_stack):
    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)
    order_id = created.body["order_id"]
    shipment_id = "shp_" + order_id.removeprefix("ord_") + "_01"
    local_stack.wait_for_output(f"pick request for wh-reno: {shipment_id}")

    cancelled = local_stack.request("POST", f"/orders/{order_id}/cancel", {"reason": "customer asked"},
                                    api_key="local-admin-key")

    assert cancelled.status == 200 and cancelled.body["status"] == "cancelled"
    assert cancelled.body["refund"]["status"] == "requested"
    local_stack.wait_for_output(f"pick withdrawn for wh-reno: {shipment_id}")


def test_a_carriers_push_over_http_delivers_the_order(local_stack):
    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)
    order_id = created.body["order_id"]
    shipment_id = "shp_" + order_id.removeprefix("ord_") + "_01"
    local_stack.wait_for_output(f"pick request for wh-reno: {shipment_id}")
    number = f"NX{order_id[-10:]}"
    shipped = local_stack.request("POST", f"/shipments/{shipment_id}/ship",
                                  {"carrier": "Northway", "tracking_number": number}, api_key="local-wh-reno-key")
    assert shipped.status == 200 and shipped.body["tracking"]["eta"]

    push = json.dumps({"tracking_number": number, "carrier": "Northway", "events": [
        {"at": datetime.now(UTC).isoformat(), "status": "delivered", "description": "Left at the door"}]}).encode()
    unsigned = local_stack.request("POST", "/carriers/generic/events", raw=push)
    signed = local_stack.request("POST", "/carriers/generic/events", raw=push, headers={
        "X-OMS-Signature": signing.signature([carrier_secret("generic")], push)})

    assert unsigned.status == 401 and signed.status == 202
    deadline = time.monotonic() + 30
    while (order := local_stack.request("GET", f"/orders/{order_id}", api_key=WEB_KEY).body)["status"] != "delivered":
        assert time.monotonic() < deadline, order["status"]
        time.sleep(0.1)
    assert order["shipments"][0]["tracking"]["events"][0]["description"] == "Left at the door"


def test_a_square_webhook_is_signed_over_the_url_it_was_posted_to(local_stack):
    body = (FIXTURES / "channels" / "square" / "webhook_order_created.json").read_bytes()
    url = local_stack.url + "/channels/square/orders"  # what a developer registers with Square locally

    signed = local_stack.request("POST", "/channels/square/orders", raw=body, api_key="local-square-key", headers={
        "x-square-hmacsha256-signature": webhooks.signature(webhook_secret("square"), url.encode() + body)})

    assert signed.status == 202, signed.body


@pytest.mark.parametrize(("api_key", "status"), [(None, 401), ("wrong-key", 401)])
def test_without_a_valid_key_nothing_gets_in(local_stack, api_key, status):
    answer = local_stack.request("POST", "/orders", order_payload(), api_key=api_key)

    assert answer.status == status
    assert "x-api-key" in answer.body["message"]


def test_a_channel_cannot_read_another_channels_order(local_stack):
    created = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)

    other = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key="local-shopify-key")
    admin = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key="local-admin-key")

    assert (other.status, admin.status) == (403, 200)


def test_bad_input_over_http_is_a_4xx_naming_the_field(local_stack):
    malformed = local_stack.request("POST", "/orders", raw=b"{oops", api_key=WEB_KEY)
    wrong_total = local_stack.request("POST", "/orders", unique_order_payload(total="1.00"), api_key=WEB_KEY)

    assert malformed.status == 400
    assert wrong_total.status == 422 and wrong_total.body["errors"][0]["field"] == "total"


def test_unknown_routes_answer_as_api_gateway_does(local_stack):
    assert local_stack.request("GET", "/nowhere", api_key=WEB_KEY).status == 403


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_stack_cleanly(sig):
    stack = start_local_stack()

    assert stop_local_stack(stack, sig) == 0


def test_an_operator_erases_a_customer_from_the_command_line(local_stack, capsys):
    import os
    from unittest import mock

    from infra.cli import main

    email = f"erase-me-{os.getpid()}@example.com"
    customer = {"name": "Erin Example", "email": email}
    created = local_stack.request("POST", "/orders", unique_order_payload(customer=customer), api_key=WEB_KEY)
    moto_url = next(line.split()[1] for line in local_stack.output if line.strip().startswith("moto"))

    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": moto_url, "AWS_ACCESS_KEY_ID": "local",
                                      "AWS_SECRET_ACCESS_KEY": "local"}):
        status = main(["customers", "erase", email.upper(), "--api-url", local_stack.url,
                       "--admin-key", "local-admin-key"])

    printed = capsys.readouterr().out
    assert status == 0 and created.body["order_id"] in printed
    assert email not in printed.lower() and "E***@example.com" in printed
    order = local_stack.request("GET", f"/orders/{created.body['order_id']}", api_key=WEB_KEY).body
    assert order["customer"] is None


def test_a_customer_chats_about_their_order_as_oms_chat_does(local_stack):
    from infra.chat import ChatClient

    payload = unique_order_payload(channel_order_number=f"#{time.time_ns() % 10**8}")
    local_stack.request("POST", "/orders", payload, api_key=WEB_KEY)
    customer = ChatClient(local_stack.url, "local-chat-key")

    asked = customer.send(f"where is my order {payload['channel_order_number']}")
    told = customer.send(payload["customer"]["email"])
    zh = ChatClient(local_stack.url, "local-chat-key").send("你好")
    parsed = local_stack.request("POST", "/chat/parse", {"text": "我的订单1001到哪了"}, api_key="local-chat-key")

    assert "email" in asked[0]["text"]
    assert payload["channel_order_number"] in told[0]["text"]
    assert "您好" in zh[0]["text"]
    assert parsed.status == 200 and parsed.body["intent"]["name"] == "track_order"
    assert {"entity": "order_ref", "value": "1001"}.items() <= parsed.body["entities"][0].items()
    assert local_stack.request("POST", "/webhooks/rest/webhook", {"sender": customer.sender, "message": "hi"},
                               api_key=WEB_KEY).status == 403
