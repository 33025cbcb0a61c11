"""Committing a change: stock, capacity, shipments, the order and history together, or not at all."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from oms.changes import CapacityRanOut, CapacityUse, Change, ChangeConflict, Movement, MovementKind, StockRanOut
from oms.ids import shipment_id
from oms.models import HistoryEvent, OrderStatus, Shipment, ShipmentLine
from oms.store.tables import Tables
from tests.factories import api_event, channel_principal, response_json, unique_order_payload

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 24)


@pytest.fixture
def order(deployed):
    intake = deployed.function("IntakeFunction")
    created = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                    principal=channel_principal())))
    assert created["status"] == "approved"
    return created


@pytest.fixture
def tables(deployed):
    return Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


def stock(tables, sku, location_id):
    record = next(s for s in tables.stock(sku) if s.location_id == location_id)
    return record.on_hand, record.reserved, record.available


def allocation(order, location_id="wh-reno", quantity=2, capacity=5000, version=0) -> Change:
    shipment = Shipment(shipment_id=shipment_id(order["order_id"], 1), order_id=order["order_id"],
                        location_id=location_id, lines=(ShipmentLine(line_no=1, sku="TSHIRT-RED-M", quantity=quantity),),
                        created_at=NOW, capacity_day=DAY, trace={"chosen": location_id, "distance_km": 12.5})
    event = HistoryEvent(at=NOW, actor="allocation", from_status=OrderStatus.APPROVED, to_status=OrderStatus.ALLOCATED,
                         reason="sourced")
    return Change(at=NOW, actor="allocation", order_id=order["order_id"], order_from=OrderStatus.APPROVED,
                  order_version=version, order_to=OrderStatus.ALLOCATED, new_shipments=(shipment,),
                  movements=(Movement("TSHIRT-RED-M", location_id, MovementKind.RESERVE, reserved=quantity,
                                      order_id=order["order_id"], shipment_id=shipment.shipment_id),),
                  capacity=(CapacityUse(location_id, DAY, quantity, capacity),), history=(event,))


def test_a_commit_reserves_uses_capacity_writes_the_shipment_and_moves_the_order(order, tables):
    tables.commit(allocation(order))

    assert stock(tables, "TSHIRT-RED-M", "wh-reno") == (120, 2, 108)  # 10 held back as safety stock
    assert tables.capacity_used({"wh-reno": DAY}) == {"wh-reno": 2}
    stored = tables.order(order["order_id"])
    assert stored.status == "allocated" and stored.version == 1
    (shipment,) = stored.shipments
    assert shipment.location_id == "wh-reno" and shipment.trace["distance_km"] == 12.5
    movements, _ = tables.inventory.movements("TSHIRT-RED-M", "wh-reno")
    assert [(m.kind, m.reserved_change, m.shipment_id) for m in movements if m.kind == "reserve"] == [
        ("reserve", 2, shipment.shipment_id)]


def test_stock_taken_meanwhile_cancels_everything_and_names_what_ran_out(order, tables):
    with pytest.raises(StockRanOut) as ran_out:
        tables.commit(allocation(order, location_id="store-sf", quantity=11))  # 10 available there

    assert ran_out.value.exhausted == [("TSHIRT-RED-M", "store-sf")]
    assert stock(tables, "TSHIRT-RED-M", "store-sf") == (12, 0, 10)
    assert tables.order(order["order_id"]).shipments == ()
    assert tables.capacity_used({"store-sf": DAY}) == {}


def test_a_full_day_cancels_everything_and_names_the_location(order, tables):
    with pytest.raises(CapacityRanOut) as full:
        tables.commit(allocation(order, capacity=1))

    assert full.value.locations == ["wh-reno"]
    assert stock(tables, "TSHIRT-RED-M", "wh-reno") == (120, 0, 110)


def test_the_same_change_twice_changes_nothing_the_second_time(order, tables):
    tables.commit(allocation(order))

    with pytest.raises(ChangeConflict):
        tables.commit(allocation(order))

    assert stock(tables, "TSHIRT-RED-M", "wh-reno") == (120, 2, 108)
    assert tables.capacity_used({"wh-reno": DAY}) == {"wh-reno": 2}


def test_events_of_one_millisecond_never_overwrite_each_other(order, tables):
    events = [HistoryEvent(at=NOW, actor="ops", reason=f"note {n}") for n in range(3)]

    for event in events:
        tables.commit(Change(at=NOW, actor="ops", order_id=order["order_id"], history=(event,)))

    reasons = [event.reason for event in tables.order(order["order_id"]).history]
    assert {"note 0", "note 1", "note 2"} <= set(reasons)


def test_a_transaction_conflict_is_told_apart_from_a_failed_condition(order, tables, deployed):
    client = deployed.client("dynamodb")

    class Contended:
        exceptions = client.exceptions

        def transact_write_items(self, TransactItems):  # noqa: N803 - boto3's names
            raise client.exceptions.TransactionCanceledException(
                {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                 "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}]},
                "TransactWriteItems")

    from oms.changes import ChangeContended
    from oms.store.changes import ChangeStore

    with pytest.raises(ChangeContended):
        ChangeStore(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), Contended()).commit(
            allocation(order))
