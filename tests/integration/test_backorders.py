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
