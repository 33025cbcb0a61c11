"""Allocation from the Orders stream: sourced, reserved once, fulfilment requested; never oversold."""

from __future__ import annotations

import json
import sys

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from oms.allocation import StockKeptChanging
from oms.store.inventory import InventoryStore
from tests.emf import counted
from tests.factories import api_event, channel_principal, response_json, unique_order_payload


def post(intake, **overrides) -> dict:
    return response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(**overrides),
                                                 principal=channel_principal())))


def stream_event(deployed, *order_ids: str) -> dict:
    """The Orders stream records Lambda delivers for these orders' headers, images as stored."""
    records = []
    for number, order_id in enumerate(order_ids):
        key = {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}}
        image = deployed.client("dynamodb").get_item(TableName=deployed.name_of("OrdersTable"), Key=key)["Item"]
        records.append({
            "eventID": f"e{number}", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/x",
            "dynamodb": {"Keys": key, "NewImage": image, "SequenceNumber": str(1000 + number), "SizeBytes": 100,
                         "StreamViewType": "NEW_AND_OLD_IMAGES"},
        })
    return {"Records": records}


def stock(deployed, sku: str) -> dict[str, tuple[int, int, int]]:
    store = InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))
    return {s.location_id: (s.on_hand, s.reserved, s.available) for s in store.stock(sku)}


def fulfilment_requests(deployed) -> list[dict]:
    """The pick requests on the fulfilment queue, once the relay has read the Orders stream."""
    relay = deployed.function("PickRequestFunction")
    assert relay.invoke(deployed.stream_event("PickRequestFunction", "NewShipments")) == {"batchItemFailures": []}
    sqs, url = deployed.client("sqs"), deployed.environment("PickRequestFunction")["OMS_FULFILMENT_QUEUE"]
    messages = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        messages += [json.loads(m["Body"]) for m in batch]
    return messages


def read(intake, order_id) -> dict:
    return response_json(intake.invoke(api_event("GET", "/orders/{order_id}", f"/orders/{order_id}",
                                                 principal=channel_principal(), path_parameters={"order_id": order_id})))


def test_an_approved_order_is_sourced_reserved_and_its_shipment_requested_from_its_location(deployed, intake,
                                                                                             allocation):
    order = post(intake)

    result = allocation.invoke(stream_event(deployed, order["order_id"]))

    assert result == {"batchItemFailures": []}
    allocated = read(intake, order["order_id"])
    assert allocated["status"] == "allocated"
    (shipment,) = allocated["shipments"]
    assert sum(reserved for _, reserved, _ in stock(deployed, "TSHIRT-RED-M").values()) == 2
    assert shipment["trace"]["considered"] and shipment["trace"]["destination"]["method"] == "postal_code"
    (request,) = fulfilment_requests(deployed)
    assert request["shipment_id"] == shipment["shipment_id"] and request["location_id"] == shipment["location_id"]


def test_the_same_record_twice_allocates_once(deployed, intake, allocation, capsys):
    order = post(intake)
    event = stream_event(deployed, order["order_id"])

    allocation.invoke(event)
    before = stock(deployed, "TSHIRT-RED-M")
    assert allocation.invoke(event) == {"batchItemFailures": []}

    assert stock(deployed, "TSHIRT-RED-M") == before
    assert len(fulfilment_requests(deployed)) == 1
    assert counted(capsys.readouterr().out, "AllocationsCommitted", service="allocation") == 1


def test_an_order_that_keeps_losing_its_race_for_stock_is_counted_and_left_for_the_retry(deployed, intake, allocation,
                                                                                         capsys):
    order = post(intake)

    def lost(order_id, store):
        raise StockKeptChanging(order_id)

    sys.modules[allocation.handler.__module__].allocate = lost
    with pytest.raises(BatchProcessingError):  # the whole batch failed: the stream delivers it again
        allocation.invoke(stream_event(deployed, order["order_id"]))

    assert counted(capsys.readouterr().out, "AllocationRacesLost", service="allocation") == 1


def test_what_cannot_be_filled_is_backordered_and_the_rest_allocated(deployed, intake, allocation):
    lines = [{"sku": "HOODIE-GREY-S", "quantity": 6, "unit_price": "10.00"}]  # 4 in stock, at one warehouse
    order = post(intake, lines=lines, shipping="0", tax="0", total="60.00")

    allocation.invoke(stream_event(deployed, order["order_id"]))

    allocated = read(intake, order["order_id"])
    assert allocated["status"] == "partially_allocated"
    assert allocated["shipments"][0]["lines"] == [{"line_no": 1, "sku": "HOODIE-GREY-S", "quantity": 4, "name": None}]
    assert stock(deployed, "HOODIE-GREY-S") == {"wh-reno": (4, 4, 0)}


def test_orders_not_approved_are_left_alone(deployed, intake, allocation):
    held = post(intake, lines=[{"sku": "NEVER-STOCKED", "quantity": 1, "unit_price": "39.98"}])

    assert allocation.invoke(stream_event(deployed, held["order_id"])) == {"batchItemFailures": []}
    assert read(intake, held["order_id"])["status"] == "on_hold"
