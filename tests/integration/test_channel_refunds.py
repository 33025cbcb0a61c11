"""Refunds, cancellations and returns the channels report: recorded once, confirming what the OMS
asked for, cancelling what is not to be shipped; in order, out of order and twice."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from oms.store.tables import Tables
from tests.factories import ADMIN_PRINCIPAL, api_event, response_json
from tests.integration.test_channel_updates import allocated, post, stocked, version

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"


def fixture(channel: str, name: str) -> dict:
    return json.loads((FIXTURES / channel / name).read_text())


@pytest.fixture
def tables(deployed):
    return Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


def placed(deployed, tables, channel: str, name: str) -> str:
    stocked(tables, channel)
    order_id = post(deployed, channel, version(channel, name))[1]["order_id"]
    allocated(deployed, order_id)
    return order_id


def test_a_shopify_refund_is_recorded_once_and_cancels_the_units_it_restocks_as_cancelled(deployed, tables):
    order_id = placed(deployed, tables, "shopify", "placed")
    socks = sum(s.reserved for s in tables.stock("SOCK-MER-M"))

    first = post(deployed, "shopify", fixture("shopify", "refund.json"))
    again = post(deployed, "shopify", fixture("shopify", "refund.json"))

    assert first[0] == again[0] == 200
    order = tables.order(order_id)
    (refund,) = order.refunds
    assert (refund.reason, refund.status, refund.amount, refund.channel_refund_id) == (
        "channel", "refunded", Decimal("15.82"), "1184906213")
    sock_line = next(n for n, line in enumerate(order.lines, start=1) if line.sku == "SOCK-MER-M")
    assert order.lines[sock_line - 1].cancelled == 1
    assert order.payment.status == "partially_refunded"
    assert order.status == "approved"  # its shipment lost a unit: what it also carried is sourced again
    allocated(deployed, order_id)
    assert sum(s.reserved for s in tables.stock("SOCK-MER-M")) == socks - 1


def test_square_refund_events_sharing_one_event_id_are_told_apart_by_what_changed(deployed, tables):
    order_id = placed(deployed, tables, "square", "open")

    created = post(deployed, "square", fixture("square", "webhook_refund_created.json"))
    updated = post(deployed, "square", fixture("square", "webhook_refund_updated.json"))
    late = post(deployed, "square", fixture("square", "webhook_refund_created.json"))

    assert [answer[0] for answer in (created, updated, late)] == [200, 200, 200]
    (refund,) = tables.order(order_id).refunds
    assert refund.status == "refunded" and refund.amount == Decimal("24.50")


def test_a_refund_completed_before_its_pending_report_arrives_stays_refunded(deployed, tables):
    order_id = placed(deployed, tables, "square", "open")

    post(deployed, "square", fixture("square", "webhook_refund_updated.json"))
    post(deployed, "square", fixture("square", "webhook_refund_created.json"))

    (refund,) = tables.order(order_id).refunds
    assert refund.status == "refunded"


def test_a_magento_credit_memo_is_the_channels_refund(deployed, tables):
    order_id = placed(deployed, tables, "magento", "processing")

    assert post(deployed, "magento", fixture("magento", "creditmemo.json"))[0] == 200

    (refund,) = tables.order(order_id).refunds
    assert (refund.status, refund.amount, refund.channel_refund_id) == ("refunded", Decimal("19.5"), "214")


def test_a_woocommerce_order_listing_a_refund_records_it(deployed, tables):
    order_id = placed(deployed, tables, "woocommerce", "processing")

    assert post(deployed, "woocommerce", version("woocommerce", "refunded"))[0] == 200
    assert post(deployed, "woocommerce", version("woocommerce", "refunded"))[0] == 200

    (refund,) = tables.order(order_id).refunds
    assert (refund.amount, refund.channel_refund_id, refund.status) == (Decimal("12.00"), "5894", "refunded")


def test_a_tiktok_cancellation_granted_cancels_the_order_and_a_return_is_noted(deployed, tables):
    order_id = placed(deployed, tables, "tiktok", "awaiting_shipment")

    returned = post(deployed, "tiktok", fixture("tiktok", "webhook_return_status_change.json"))
    post(deployed, "tiktok", fixture("tiktok", "webhook_return_status_change.json"))
    cancelled = post(deployed, "tiktok", fixture("tiktok", "webhook_cancellation_status_change.json"))

    assert returned[0] == cancelled[0] == 200
    order = tables.order(order_id)
    assert order.status == "cancelled" and order.refunds == ()
    notes = [e.reason for e in order.history if "TikTok return" in (e.reason or "")]
    assert len(notes) == 1


def test_the_refund_the_oms_asked_for_is_confirmed_by_the_channels_report(deployed, tables):
    order_id = placed(deployed, tables, "shopify", "placed")
    sock_line = next(n for n, line in enumerate(tables.order(order_id).lines, start=1) if line.sku == "SOCK-MER-M")
    asked = response_json(deployed.function("ReviewFunction").invoke(api_event(
        "POST", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel", principal=ADMIN_PRINCIPAL,
        body={"lines": [{"line_no": sock_line, "quantity": 1}]}, path_parameters={"order_id": order_id})))["refund"]
    report = fixture("shopify", "refund.json")
    report["transactions"][0]["amount"] = asked["amount"]

    assert post(deployed, "shopify", report)[0] == 200

    (refund,) = tables.order(order_id).refunds
    assert refund.refund_id == asked["refund_id"] and refund.status == "refunded"
    assert refund.channel_refund_id == "1184906213"


def test_a_refund_of_an_order_never_received_is_404(deployed):
    status, body = post(deployed, "shopify", fixture("shopify", "refund.json"))

    assert status == 404 and "5802247553111" in body["message"]
