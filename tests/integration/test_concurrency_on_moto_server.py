"""Oversell under real concurrency: 16 threads post 400 orders for 100 units over 3 locations,
through moto's own server (requests over HTTP, as the local stack runs), and allocate them."""

from __future__ import annotations

import os
import socket
import threading
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from moto.server import ThreadedMotoServer

from infra.local.invoke import InstancePool
from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from infra.local.template import Template
from oms.store.inventory import InventoryStore
from tests.factories import api_event, channel_principal, unique_order_payload
from tests.integration.conftest import fresh_powertools_parameters

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
THREADS, ORDERS = 16, 400


@pytest.fixture
def moto_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    roll_back_touched_items_only()  # and the lock that gives DynamoDB's atomicity back
    fresh_powertools_parameters()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": url, "POWERTOOLS_METRICS_NAMESPACE": "OMS"}):
        yield url
    server.stop()


def run_in_threads(work: list, act) -> None:
    """Runs `act` over the work from THREADS threads at once; any failure in one fails the test."""
    start, failures = threading.Barrier(THREADS), []

    def worker(number: int) -> None:
        start.wait()
        for item in work[number::THREADS]:
            try:
                act(number, item)
            except Exception as error:  # noqa: BLE001 - carried to the test's thread below
                failures.append(error)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if failures:
        raise failures[0]


def test_concurrent_orders_never_oversell_through_moto_server(moto_server):
    # GIVEN the stack on moto's server, and 100 units of one SKU over 3 locations
    template = Template(TEMPLATE)
    resources = LocalResources(template, moto_server)
    intrinsics = resources.create_all()
    seed_demo_data(template, intrinsics, resources)
    dynamodb = resources.client("dynamodb")
    inventory = InventoryStore(intrinsics.resolve({"Ref": "InventoryTable"}), dynamodb)
    for location_id, units in (("wh-reno", 40), ("wh-columbus", 35), ("store-nyc", 25)):
        inventory.set_stock("RACE-1", location_id, units)

    def pool(function_id: str) -> InstancePool:
        function = template.function(function_id)
        return InstancePool(function, function.environment(intrinsics), max_instances=THREADS)

    intake, allocation = pool("IntakeFunction"), pool("AllocationFunction")
    line = [{"sku": "RACE-1", "quantity": 1, "unit_price": "39.98"}]
    order_ids: list[str] = []

    # WHEN 16 threads post 400 orders, then 16 allocators take them as the stream would deliver them
    def post(_, payload):
        answer = intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))
        assert answer["statusCode"] == 201, answer["body"]
        order_ids.append(answer["body"].split('"order_id":"')[1].split('"')[0])

    run_in_threads([unique_order_payload(lines=line) for _ in range(ORDERS)], post)

    def allocate(_, order_id):
        record = {"eventID": order_id, "eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
                  "dynamodb": {"Keys": {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}},
                               "SequenceNumber": "1", "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
        assert allocation.invoke({"Records": [record]}) == {"batchItemFailures": []}

    run_in_threads(order_ids, allocate)

    # THEN exactly 100 units are reserved, none below zero, each order one thing, and shipments add up
    levels = [s for s in inventory.stock("RACE-1")]
    assert sum(s.reserved for s in levels) == 100
    assert all(s.available >= 0 and s.reserved <= s.on_hand for s in levels)
    pages = dynamodb.get_paginator("scan").paginate(TableName=intrinsics.resolve({"Ref": "OrdersTable"}))
    items = [item for page in pages for item in page["Items"]]
    statuses = Counter(i["status"]["S"] for i in items if i["entity"]["S"] == "order"
                       and i["pk"]["S"].removeprefix("ORDER#") in order_ids)
    assert statuses == {"allocated": 100, "backordered": 300}
    assert sum(int(line["M"]["quantity"]["N"]) for i in items if i["entity"]["S"] == "shipment"
               for line in i["lines"]["L"]) == 100
