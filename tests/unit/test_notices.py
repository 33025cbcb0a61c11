"""Which history events tell the customer something, and what they are told, in their language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from oms.ids import new_order_id
from oms.models import CHANNEL_DATA, Delay, HistoryEvent, Order, OrderStatus, ShipmentChange
from oms.notices import Due, NoticeKind, due, language_of, notice

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _order(locale: str | None = None, country: str = "US", **more) -> Order:
    order_id = new_order_id()
    return Order.model_validate({
        "order_id": order_id, "channel": "shopify", "channel_order_id": order_id, "channel_order_number": "#1001",
        "locale": locale, "placed_at": NOW, "currency": "USD", "delivery": {"method": "standard"},
        "payment": {"method": "card", "status": "paid"},
        "shipping_address": {"line1": "1 Main St", "city": "Somewhere", "country": country},
        "lines": [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}], "total": "10.00",
        "status": OrderStatus.SHIPPED, "created_at": NOW, "updated_at": NOW,
        "shipments": [{"shipment_id": f"shp_{order_id[4:]}_01", "order_id": order_id, "location_id": "wh-reno",
                       "lines": [{"line_no": 1, "sku": "MUG", "quantity": 1}], "status": "shipped",
                       "created_at": NOW, "carrier": "UPS", "tracking_number": "1Z999AA10123456784",
                       "tracking": {"eta": "2026-11-27"}}],
        **more,
    }, context=CHANNEL_DATA)


def _shipment_event(order: Order, to: str, **more) -> HistoryEvent:
    return HistoryEvent(at=NOW, actor="carrier:ups", shipment=ShipmentChange(
        shipment_id=order.shipments[0].shipment_id, from_status="shipped", to_status=to), **more)


@pytest.mark.parametrize(("event", "kind"), [
    (HistoryEvent(at=NOW, actor="screening", from_status="received", to_status="approved"), NoticeKind.CONFIRMED),
    (HistoryEvent(at=NOW, actor="admin", from_status="on_hold", to_status="approved"), NoticeKind.CONFIRMED),
    (HistoryEvent(at=NOW, actor="admin", from_status="allocated", to_status="cancelled"), NoticeKind.CANCELLED),
    (HistoryEvent(at=NOW, actor="admin", return_id="ret_1", return_status="authorised"), NoticeKind.RETURN_AUTHORISED),
    (HistoryEvent(at=NOW, actor="admin", refund_id="rfd_1", refund_status="refunded"), NoticeKind.REFUNDED),
])
def test_what_the_customer_is_told_of(event, kind):
    assert due(event).kind == kind


@pytest.mark.parametrize("event", [
    # Sourcing again after a rejection is not a new confirmation; an order that arrived cancelled
    # was the channel's to tell; a refused move, a return still to authorise, a refund asked for
    # tell the customer nothing.
    HistoryEvent(at=NOW, actor="allocation", from_status="allocated", to_status="approved"),
    HistoryEvent(at=NOW, actor="channel:shopify", from_status="received", to_status="cancelled"),
    HistoryEvent(at=NOW, actor="carrier:ups", refused=True,
                 shipment=ShipmentChange(shipment_id="shp_1", from_status="delivered", to_status="in_transit")),
    HistoryEvent(at=NOW, actor="admin", return_id="ret_1", return_status="requested"),
    HistoryEvent(at=NOW, actor="admin", refund_id="rfd_1", refund_status="requested"),
])
def test_what_tells_the_customer_nothing(event):
    assert due(event) is None


def test_a_shipped_notice_has_the_number_the_eta_and_the_tracking_link_and_no_one_named():
    order = _order()
    event = _shipment_event(order, "shipped")
    told = notice(order, due(event), event)
    assert told.language == "en" and told.subject == "Order #1001 is on its way"
    assert "2026-11-27" in told.text and "https://www.ups.com/track?tracknum=1Z999AA10123456784" in told.text
    assert told.key == f"{order.order_id}:shipped:{order.shipments[0].shipment_id}"
    assert "Somewhere" not in told.text and "1 Main St" not in told.text


@pytest.mark.parametrize(("locale", "country", "language"), [
    ("zh-CN", "US", "zh"), ("zh_TW", "US", "zh"), ("en-CA", "CN", "en"), ("de", "US", "en"),
    (None, "CN", "zh"), (None, "TW", "zh"), (None, "US", "en"), (None, "SG", "en"),
])
def test_the_language_is_the_channels_locale_else_the_shipping_countrys(locale, country, language):
    assert language_of(_order(locale, country)) == language


def test_a_delay_tells_the_new_eta_in_chinese_and_each_delay_is_its_own_notice():
    order = _order("zh-CN")
    late = Delay(reason="late", raised_at=NOW, eta=date(2026, 12, 2))
    event = _shipment_event(order, None, delay=late).model_copy(update={"shipment": ShipmentChange(
        shipment_id=order.shipments[0].shipment_id)})
    told = notice(order, due(event), event)
    assert told.kind == NoticeKind.DELAYED and told.subject == "订单 #1001 延迟" and "2026-12-02" in told.text
    later = event.model_copy(update={"delay": late.model_copy(update={"raised_at": datetime(2026, 11, 25, tzinfo=UTC)})})
    assert notice(order, due(later), later).key != told.key


def test_a_transfer_to_the_pickup_store_is_not_the_customers_parcel_leaving():
    order = _order()
    order = order.model_copy(update={"shipments": (order.shipments[0].model_copy(update={"mode": "transfer"}),)})
    event = _shipment_event(order, "shipped")
    assert notice(order, Due(NoticeKind.SHIPPED, order.shipments[0].shipment_id), event) is None
