"""The alert sweep runs on the template's schedule on the local stack: nobody invokes it."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import boto3
import pytest

from infra.cli import main
from infra.local.template import REGION
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import unique_order_payload

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fast_stack():
    stack = start_local_stack(OMS_SCHEDULE_SPEED="300")  # the sweep's rate(5 minutes) every second
    yield stack
    stop_local_stack(stack)


def test_a_pick_past_its_promised_ship_date_is_alerted_with_no_one_invoking_anything(fast_stack, capsys):
    order_id = fast_stack.request("POST", "/orders", unique_order_payload(), api_key="local-web-key").body["order_id"]
    deadline = time.monotonic() + 30
    while not (shipments := fast_stack.request("GET", f"/orders/{order_id}", api_key="local-web-key").body["shipments"]):
        assert time.monotonic() < deadline, "the order was never allocated"
        time.sleep(0.2)
    (shipment,) = shipments
    endpoint = next(line.split()[1] for line in fast_stack.output if line.strip().startswith("moto"))
    with mock.patch.dict(os.environ, {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}):
        dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
        orders = next(name for name in dynamodb.list_tables()["TableNames"] if "OrdersTable" in name)
        last_week = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
        dynamodb.update_item(  # as if it had been promised to leave last week
            TableName=orders, Key={"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": f"SHIPMENT#{shipment['shipment_id']}"}},
            UpdateExpression="SET ship_by = :then", ExpressionAttributeValues={":then": {"S": last_week}})

    printed = ""
    deadline = time.monotonic() + 30
    while "stuck_unshipped" not in printed:
        assert time.monotonic() < deadline, f"no stuck_unshipped alert within 30 s:\n{printed}"
        assert main(["alerts", "--endpoint-url", endpoint]) == 0
        printed += capsys.readouterr().out
        time.sleep(0.5)
    line = next(line for line in printed.splitlines() if "stuck_unshipped" in line)
    assert "past their promised ship date" in line and shipment["location_id"] in line
