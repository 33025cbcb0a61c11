"""Channels' later versions of their orders apply through the lifecycle: in order, out of order and
twice, for each channel's documented shapes (the project's own values, tests/fixtures/channels/*/versions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.local.seed import webhook_secret
from oms.channels import adapter_for
from oms.store.tables import Tables
from oms.webhooks import signature
from tests.factories import api_event, channel_principal, response_json
from tests.integration.test_allocation import stream_event

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"
# Each channel's versions of one order: placed (unpaid where the channel has such a state), then a
# later version (paid, or a new address), then cancelled.
VERSIONS = {
    "shopify": ("placed", "updated", "cancelled"),
    "woocommerce": ("pending", "processing", "cancelled"),
    "square": ("open", "updated", "canceled"),
    "magento": ("new", "processing", "canceled"),
    "tiktok": ("unpaid", "awaiting_shipment", "cancelled"),
    "amazon": ("pending", "unshipped", "canceled"),
}


def version(channel: str, name: str) -> dict:
    return json.loads((FIXTURES / channel / "versions" / f"{name}.json").read_text())


@pytest.fixture
def tables(deployed):
    return Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


def stocked(tables, channel: str) -> None:
    """Its SKUs at the Reno warehouse, so the order is approved and allocated."""
    submission = adapter_for(channel).to_channel_order(version(channel, VERSIONS[channel][1])).submission
    for line in submission.lines:
        tables.inventory.receive(line.sku, "wh-reno", 50)


def post(deployed, channel: str, payload: dict) -> tuple[int, dict]:
    body = json.dumps(payload)
    headers = {}
    scheme = adapter_for(channel).SIGNATURE
    if scheme:
        signed = (f"https://api.example.com/dev/channels/{channel}/orders" + body if scheme.url_then_body else body)
        headers[scheme.header] = signature(webhook_secret(channel), signed.encode(), scheme.encoding)
    answer = deployed.function("IntakeFunction").invoke(api_event(
        "POST", "/channels/{channel}/orders", f"/channels/{channel}/orders", body=body,
        principal=channel_principal(channel), path_parameters={"channel": channel}, headers=headers))
    return answer["statusCode"], response_json(answer)


def allocated(deployed, order_id: str) -> None:
    deployed.function("AllocationFunction").invoke(stream_event(deployed, order_id))


def reserved(tables, channel: str) -> int:
    submission = adapter_for(channel).to_channel_order(version(channel, VERSIONS[channel][1])).submission
    return sum(s.reserved for line in submission.lines for s in tables.stock(line.sku))


@pytest.mark.parametrize("channel", sorted(VERSIONS))
def test_versions_in_order_hold_then_release_then_cancel_and_give_the_stock_back(deployed, tables, channel):
    stocked(tables, channel)
    first, later, cancelled = VERSIONS[channel]

    status, placed = post(deployed, channel, version(channel, first))
    assert status == 201
    order_id = placed["order_id"]
    allocated(deployed, order_id)
    status, updated = post(deployed, channel, version(channel, later))
    assert status == 200
    allocated(deployed, order_id)
    order = tables.order(order_id)
    assert order.status == "allocated", order.history
    assert reserved(tables, channel) == sum(line.quantity for line in order.lines)

    assert post(deployed, channel, version(channel, cancelled))[0] == 200

    order = tables.order(order_id)
    assert order.status == "cancelled" and reserved(tables, channel) == 0
    assert all(s.status == "cancelled" for s in order.shipments)
    assert order.refunds == ()  # the channel refunds what it cancels itself


@pytest.mark.parametrize("channel", sorted(VERSIONS))
def test_an_older_version_arriving_late_or_one_twice_changes_nothing(deployed, tables, channel):
    stocked(tables, channel)
    first, later, cancelled = VERSIONS[channel]
    order_id = post(deployed, channel, version(channel, first))[1]["order_id"]
    allocated(deployed, order_id)
    post(deployed, channel, version(channel, cancelled))
    settled = tables.order(order_id)

    again = post(deployed, channel, version(channel, cancelled))
    late = post(deployed, channel, version(channel, later))
    earliest = post(deployed, channel, version(channel, first))

    assert [answer[0] for answer in (again, late, earliest)] == [200, 200, 200]
    order = tables.order(order_id)
    assert order.status == "cancelled" and order.version == settled.version
    assert reserved(tables, channel) == 0


def test_a_new_address_before_the_pick_is_sealed_and_sourced_for(deployed, tables):
    stocked(tables, "shopify")
    order_id = post(deployed, "shopify", version("shopify", "placed"))[1]["order_id"]
    allocated(deployed, order_id)

    assert post(deployed, "shopify", version("shopify", "updated"))[0] == 200

    shown = response_json(deployed.function("IntakeFunction").invoke(api_event(
        "GET", "/orders/{order_id}", f"/orders/{order_id}", principal=channel_principal("shopify"),
        path_parameters={"order_id": order_id})))
    assert shown["shipping_address"]["line1"] == "48 Harbour Road" and shown["shipping_address"]["city"] == "Sausalito"
    assert "48 Harbour Road" not in str(deployed.items("OrdersTable"))


def test_a_payment_that_arrives_releases_the_hold_and_the_order_is_sourced(deployed, tables):
    stocked(tables, "woocommerce")
    placed = post(deployed, "woocommerce", version("woocommerce", "pending"))[1]
    assert placed["status"] == "on_hold"

    status, paid = post(deployed, "woocommerce", version("woocommerce", "processing"))

    assert status == 200 and paid["status"] == "approved" and paid["hold_reasons"] == []
    allocated(deployed, paid["order_id"])
    assert tables.order(paid["order_id"]).status == "allocated"


def test_a_cancellation_after_the_parcel_left_is_recorded_for_operations(deployed, tables):
    stocked(tables, "shopify")
    order_id = post(deployed, "shopify", version("shopify", "placed"))[1]["order_id"]
    allocated(deployed, order_id)
    for shipment in tables.order(order_id).shipments:
        deployed.function("FulfilmentFunction").invoke(api_event(
            "POST", "/shipments/{shipment_id}/ship", f"/shipments/{shipment.shipment_id}/ship",
            body={"carrier": "UPS", "tracking_number": "1Z9"}, path_parameters={"shipment_id": shipment.shipment_id},
            principal={"principalId": "l", "kind": "location", "location_id": shipment.location_id}))

    assert post(deployed, "shopify", version("shopify", "cancelled"))[0] == 200

    order = tables.order(order_id)
    assert order.status == "shipped"
    alerts = {e.alert: e.reason for e in order.history if e.alert}
    assert set(alerts) == {"cancelled_after_shipment", "changed_after_allocation"}  # its new address came too late
    assert "address" in alerts["changed_after_allocation"]


def test_the_canonical_route_keeps_its_conflict(deployed):
    from tests.factories import unique_order_payload

    payload = unique_order_payload()
    intake = deployed.function("IntakeFunction")
    intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))

    again = intake.invoke(api_event("POST", "/orders", body={**payload, "tax": "4.20", "total": "49.18"},
                                    principal=channel_principal()))

    assert again["statusCode"] == 409


def test_an_alert_recorded_in_an_order_is_raised_to_operations(deployed, tables):
    sqs, inbox = deployed.client("sqs"), deployed.inbox("OpsTopic", "on-call")
    test_a_cancellation_after_the_parcel_left_is_recorded_for_operations(deployed, tables)

    relay = deployed.function("AlertFunction")
    assert relay.invoke(deployed.stream_event("AlertFunction", "OrderChanges")) == {"batchItemFailures": []}

    raised = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10)["Messages"]]
    assert {alert["alert"] for alert in raised} == {"cancelled_after_shipment", "changed_after_allocation"}
    assert all(alert["order_ids"][0].startswith("ord_") for alert in raised)
    assert "Harbour" not in json.dumps(raised)  # what changed is named, not where a person lives


def amazon_2026(name: str) -> dict:
    return json.loads((FIXTURES / "amazon" / "versions_2026" / f"{name}.json").read_text())


def test_amazons_2026_api_cancels_an_item_then_the_order_in_order_and_out_of_it(deployed, tables):
    for sku in ("TEA-KETTLE-1L-BLK", "TEA-CUP-SET-3"):
        tables.inventory.receive(sku, "wh-reno", 50)
    order_id = post(deployed, "amazon", amazon_2026("unshipped"))[1]["order_id"]
    allocated(deployed, order_id)
    assert tables.order(order_id).status == "allocated"

    assert post(deployed, "amazon", amazon_2026("item_cancelled"))[0] == 200
    order = tables.order(order_id)
    assert [line.cancelled for line in order.lines] == [0, 2]
    allocated(deployed, order_id)
    assert sum(s.reserved for s in tables.stock("TEA-CUP-SET-3")) == 0
    assert sum(s.reserved for s in tables.stock("TEA-KETTLE-1L-BLK")) == 1

    post(deployed, "amazon", amazon_2026("cancelled"))
    post(deployed, "amazon", amazon_2026("item_cancelled"))  # late: changes nothing

    order = tables.order(order_id)
    assert order.status == "cancelled" and [line.cancelled for line in order.lines] == [1, 2]
    assert sum(s.reserved for s in tables.stock("TEA-KETTLE-1L-BLK")) == 0
