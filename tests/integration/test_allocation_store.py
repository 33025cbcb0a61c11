"""Committing an allocation: reservation, shipments and status together, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.models import HistoryEvent, OrderStatus, Shipment, ShipmentLine
from oms.store.allocations import Allocation, AllocationStore, OrderMoved, StockRanOut
from tests.factories import api_event, channel_principal, response_json, unique_order_payload

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def order(deployed):
    intake = deployed.function("IntakeFunction")
    created = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                    principal=channel_principal())))
    assert created["status"] == "approved"
    return created


@pytest.fixture
def allocations(deployed):
    return AllocationStore(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"),
                           deployed.client("dynamodb"))


def stock(deployed, sku, location_id):
    item = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"),
                                                Key={"pk": {"S": f"SKU#{sku}"}, "sk": {"S": f"LOC#{location_id}"}})["Item"]
    return int(item["on_hand"]["N"]), int(item["reserved"]["N"]), int(item["available"]["N"])


def allocation(order, location_id="wh-reno", quantity=2, number=1) -> Allocation:
    shipment = Shipment(shipment_id=f"shp_{order['order_id'][4:]}_{number:02d}", order_id=order["order_id"],
                        location_id=location_id, lines=(ShipmentLine(line_no=1, sku="TSHIRT-RED-M", quantity=quantity),),
                        created_at=NOW, trace={"chosen": location_id, "distance_km": 12.5})
    event = HistoryEvent(at=NOW, actor="allocation", from_status=OrderStatus.APPROVED, to_status=OrderStatus.ALLOCATED,
                         reason="sourced")
    return Allocation(order_id=order["order_id"], from_status="approved", shipments=(shipment,), event=event)


def test_a_commit_reserves_the_stock_writes_the_shipment_and_moves_the_order(deployed, order, allocations):
    allocations.commit(allocation(order))

    assert stock(deployed, "TSHIRT-RED-M", "wh-reno") == (120, 2, 108)  # 10 held back as safety stock
    intake = deployed.function("IntakeFunction")
    stored = response_json(intake.invoke(api_event("GET", "/orders/{order_id}", f"/orders/{order['order_id']}",
                                                   principal=channel_principal(),
                                                   path_parameters={"order_id": order["order_id"]})))
    assert stored["status"] == "allocated"
    (shipment,) = stored["shipments"]
    assert shipment["location_id"] == "wh-reno" and shipment["trace"]["distance_km"] == "12.5"


def test_stock_taken_meanwhile_cancels_everything_and_names_what_ran_out(deployed, order, allocations):
    with pytest.raises(StockRanOut) as ran_out:
        allocations.commit(allocation(order, location_id="store-sf", quantity=11))  # 10 available there

    assert ran_out.value.exhausted == [("TSHIRT-RED-M", "store-sf")]
    assert stock(deployed, "TSHIRT-RED-M", "store-sf") == (12, 0, 10)
    assert [i for i in deployed.items("OrdersTable") if i["entity"]["S"] == "shipment"] == []


def test_the_same_allocation_twice_changes_nothing_the_second_time(deployed, order, allocations):
    allocations.commit(allocation(order))

    with pytest.raises(OrderMoved):
        allocations.commit(allocation(order))

    assert stock(deployed, "TSHIRT-RED-M", "wh-reno") == (120, 2, 108)
