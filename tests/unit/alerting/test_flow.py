"""The order flow counted from the tables' changes."""

from __future__ import annotations

from oms.alerting.flow import order_counts, shipment_counts

SHIPMENT = "shp_01JAAAAAAAAAAAAAAAAAAAAAAA_01"


def order(status: str, waiting: tuple[str, ...] = ()) -> dict:
    return {"status": status, "channel": "shopify", "waiting_skus": list(waiting)}


def names(counts) -> list[str]:
    return [name for name, dimensions in counts if not dimensions]


def test_a_new_order_is_received_by_channel_and_approved_or_held():
    counts = order_counts(None, order("approved"))
    assert ("OrdersReceived", (("channel", "shopify"),)) in counts
    assert names(counts) == ["OrdersReceived", "OrdersApproved"]
    assert names(order_counts(None, order("on_hold"))) == ["OrdersReceived", "OrdersHeld"]
    assert names(order_counts(order("on_hold"), order("approved"))) == ["OrdersApproved"]


def test_sourcing_counts_allocated_and_backordered_once_per_wait_not_per_retry():
    assert names(order_counts(order("approved"), order("allocated"))) == ["OrdersAllocated"]
    assert names(order_counts(order("approved"), order("backordered", ("MUG",)))) == ["OrdersBackordered"]
    assert names(order_counts(order("backordered", ("MUG",)), order("approved", ("MUG",)))) == []
    assert names(order_counts(order("approved", ("MUG",)), order("backordered", ("MUG",)))) == []
    assert names(order_counts(order("approved"), order("approved"))) == []


def test_cancellations_and_returns_are_counted():
    assert names(order_counts(order("allocated"), order("cancelled"))) == ["OrdersCancelled"]
    assert names(order_counts(order("delivered"), order("return_requested"))) == ["ReturnsRequested"]


def shipment(status: str, shipment_id: str = SHIPMENT, **fields) -> dict:
    return {"shipment_id": shipment_id, "status": status, **fields}


def test_a_second_parcel_makes_the_order_a_split_and_a_transfer_does_not():
    assert names(shipment_counts(None, shipment("pending"))) == []
    assert names(shipment_counts(None, shipment("pending", SHIPMENT[:-2] + "02"))) == ["SplitShipments"]
    assert names(shipment_counts(None, shipment("pending", SHIPMENT[:-2] + "02", mode="transfer"))) == []


def test_picks_rejected_shipped_exceptions_and_deliveries_on_time_or_late():
    assert names(shipment_counts(shipment("accepted"), shipment("rejected"))) == ["PicksRejected"]
    assert names(shipment_counts(shipment("picked"), shipment("shipped"))) == ["ShipmentsShipped"]
    assert names(shipment_counts(shipment("in_transit"), shipment("exception"))) == ["DeliveryExceptions"]
    on_time = shipment("delivered", promised_by="2026-12-03", delivered_at="2026-12-03T18:00:00Z")
    late = shipment("delivered", promised_by="2026-12-03", delivered_at="2026-12-04T09:00:00Z")
    assert names(shipment_counts(shipment("in_transit"), on_time)) == ["DeliveredOnTime"]
    assert names(shipment_counts(shipment("in_transit"), late)) == ["DeliveredLate"]
    assert names(shipment_counts(on_time, on_time)) == []
