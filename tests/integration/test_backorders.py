"""Backorders: when a SKU's stock rises, waiting orders are sourced again, oldest first."""

from __future__ import annotations

from tests.emf import counted
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import read, stream_event

LINE = [{"sku": "CAP-BLACK", "quantity": 30, "unit_price": "1.00"}]  # demo: 24 in stock at two stores


def stock_record(deployed, sku: str, location_id: str, old_image: dict) -> dict:
    key = {"pk": {"S": f"SKU#{sku}"}, "sk": {"S": f"LOC#{location_id}"}}
    new_image = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"), Key=key)["Item"]
    return {"Records": [{
        "eventID": "s1", "eventName": "MODIFY", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/inventory/stream/x",
        "dynamodb": {"Keys": key, "NewImage": new_image, "OldImage": old_image, "SequenceNumber": "7",
                     "SizeBytes": 100, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }]}


def test_stock_arriving_sources_the_waiting_order_again(deployed, capsys):
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
        lines=LINE, shipping="0", tax="0", total="30.00"), principal=channel_principal())))["order_id"]
    allocation.invoke(stream_event(deployed, order_id))
    assert read(intake, order_id)["status"] == "partially_allocated"  # 24 of 30

    key = {"pk": {"S": "SKU#CAP-BLACK"}, "sk": {"S": "LOC#wh-reno"}}
    before = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"), Key=key).get("Item", {})
    deployed.function("InventoryFunction").invoke(api_event(
        "POST", "/inventory/{sku}/{location_id}/receive", "/inventory/CAP-BLACK/wh-reno/receive",
        body={"quantity": 10}, principal=ADMIN_PRINCIPAL, path_parameters={"sku": "CAP-BLACK", "location_id": "wh-reno"}))
    result = deployed.function("BackorderFunction").invoke(stock_record(deployed, "CAP-BLACK", "wh-reno", before))

    assert result == {"batchItemFailures": []}
    assert read(intake, order_id)["status"] == "approved"
    assert counted(capsys.readouterr().out, "OrdersResourced", service="backorders") == 1
    allocation.invoke(stream_event(deployed, order_id))
    order = read(intake, order_id)
    assert order["status"] == "allocated"
    assert sum(line["quantity"] for s in order["shipments"] if s["status"] == "pending" for line in s["lines"]) == 30


def test_a_reservation_lowering_stock_sources_nothing(deployed):
    intake = deployed.function("IntakeFunction")
    key = {"pk": {"S": "SKU#CAP-BLACK"}, "sk": {"S": "LOC#store-sf"}}
    image = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"), Key=key)["Item"]
    higher = {**image, "available": {"N": str(int(image["available"]["N"]) + 5)}}
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
        lines=LINE, shipping="0", tax="0", total="30.00"), principal=channel_principal())))["order_id"]
    deployed.function("AllocationFunction").invoke(stream_event(deployed, order_id))

    deployed.function("BackorderFunction").invoke(stock_record(deployed, "CAP-BLACK", "store-sf", higher))

    assert read(intake, order_id)["status"] == "partially_allocated"


def waitlist(deployed, sku: str) -> list[tuple[str, int]]:
    items = deployed.client("dynamodb").query(
        TableName=deployed.name_of("OrdersTable"), KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WAITING#{sku}"}})["Items"]
    return [(item["order_id"]["S"], int(item["units"]["N"])) for item in items]


def test_a_rise_sources_again_only_the_oldest_orders_it_can_serve(deployed):
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_ids = []
    for day in (1, 2, 3):  # each asks 10 more than the demo stock holds once the first took it all
        order_ids.append(response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
            lines=[{"sku": "CAP-BLACK", "quantity": 34 if day == 1 else 10, "unit_price": "1.00"}], shipping="0",
            tax="0", total="34.00" if day == 1 else "10.00", placed_at=f"2026-11-0{4 - day}T10:00:00Z"),
            principal=channel_principal())))["order_id"])
    allocation.invoke(stream_event(deployed, *order_ids))
    oldest_first = list(reversed(order_ids))
    assert [order_id for order_id, _ in waitlist(deployed, "CAP-BLACK")] == oldest_first
    key = {"pk": {"S": "SKU#CAP-BLACK"}, "sk": {"S": "LOC#wh-reno"}}
    before = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"), Key=key).get("Item", {})

    deployed.function("InventoryFunction").invoke(api_event(
        "POST", "/inventory/{sku}/{location_id}/receive", "/inventory/CAP-BLACK/wh-reno/receive",
        body={"quantity": 10}, principal=ADMIN_PRINCIPAL, path_parameters={"sku": "CAP-BLACK", "location_id": "wh-reno"}))
    deployed.function("BackorderFunction").invoke(stock_record(deployed, "CAP-BLACK", "wh-reno", before))

    assert [read(intake, order_id)["status"] for order_id in oldest_first] == [
        "approved", "backordered", "partially_allocated"]
    allocation.invoke(stream_event(deployed, oldest_first[0]))
    assert read(intake, oldest_first[0])["status"] == "allocated"
    assert [order_id for order_id, _ in waitlist(deployed, "CAP-BLACK")] == oldest_first[1:]


def test_a_cancelled_waiting_order_leaves_the_list_when_a_rise_meets_it(deployed):
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
        lines=LINE, shipping="0", tax="0", total="30.00"), principal=channel_principal())))["order_id"]
    allocation.invoke(stream_event(deployed, order_id))
    assert waitlist(deployed, "CAP-BLACK") == [(order_id, 6)]
    deployed.function("ReviewFunction").invoke(api_event(
        "POST", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel", body={"reason": "customer asked"},
        principal=ADMIN_PRINCIPAL, path_parameters={"order_id": order_id}))
    key = {"pk": {"S": "SKU#CAP-BLACK"}, "sk": {"S": "LOC#store-sf"}}
    image = deployed.client("dynamodb").get_item(TableName=deployed.name_of("InventoryTable"), Key=key)["Item"]
    lower = {**image, "available": {"N": "0"}}

    deployed.function("BackorderFunction").invoke(stock_record(deployed, "CAP-BLACK", "store-sf", lower))

    assert waitlist(deployed, "CAP-BLACK") == []
