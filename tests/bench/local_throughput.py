"""Orders/s through the local stack over HTTP (one client thread), beside moto's own put_item/s."""

from __future__ import annotations

import http.client
import json
import time

import boto3

from tests.bench.figures import Figure
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import unique_order_payload

ORDERS = 300
PUTS = 1000


def _orders_per_second(url: str) -> float:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    payloads = [json.dumps(unique_order_payload()) for _ in range(ORDERS)]
    started = time.perf_counter()
    for body in payloads:
        connection.request("POST", "/orders", body, {"x-api-key": "local-web-key", "content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        assert response.status == 201, response.status
    return ORDERS / (time.perf_counter() - started)


def _put_items_per_second(moto_url: str) -> float:
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_url, region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")
    dynamodb.create_table(
        TableName="bench-puts", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    started = time.perf_counter()
    for number in range(PUTS):
        dynamodb.put_item(TableName="bench-puts", Item={"pk": {"S": f"item-{number}"}, "n": {"N": str(number)}})
    return PUTS / (time.perf_counter() - started)


def figures() -> list[Figure]:
    stack = start_local_stack()
    try:
        moto_url = next(line.split()[1] for line in stack.output if line.strip().startswith("moto"))
        orders = _orders_per_second(stack.url)
        puts = _put_items_per_second(moto_url)
    finally:
        stop_local_stack(stack)
    return [
        Figure("local_orders_per_s", round(orders, 1), "orders/s", "",
               f"{ORDERS} orders, one client thread, keep-alive; Orders table from empty to {ORDERS * 4} items"),
        Figure("moto_put_item_per_s", round(puts, 1), "requests/s", "",
               f"{PUTS} put_item on a fresh table, same moto server"),
    ]
