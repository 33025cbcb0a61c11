"""How long from an approved order to its pick request at the location: `oms local` in its own
process, orders posted over HTTP one at a time, the demo location's webhook on 127.0.0.1.

The path measured: intake → Orders stream → allocation → Orders stream → pick requests →
fulfilment queue → dispatch → the location's webhook (which prints the line this waits for).
Each hop the local pumps poll every 0.1 s when idle, as Lambda's pollers do in their own way.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time

from tests.bench.figures import Figure
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import unique_order_payload

ORDERS = 40


def _latencies(stack) -> list[float]:
    host, port = stack.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies = []
    for _ in range(ORDERS):
        sent = time.monotonic()
        connection.request("POST", "/orders", json.dumps(unique_order_payload()),
                           {"x-api-key": "local-web-key", "content-type": "application/json"})
        response = connection.getresponse()
        order = json.loads(response.read())
        assert response.status == 201 and order["status"] == "approved", order
        shipment_id = "shp_" + order["order_id"].removeprefix("ord_") + "_01"
        latencies.append(stack.wait_for_output(f"pick request for wh-reno: {shipment_id}") - sent)
    return latencies


def figures() -> list[Figure]:
    stack = start_local_stack()
    try:
        latencies = sorted(_latencies(stack))
    finally:
        stop_local_stack(stack)
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] * 1000
    note = f"{ORDERS} orders one at a time over HTTP; p95 {p95:.0f} ms; max {latencies[-1] * 1000:.0f} ms"
    return [
        Figure("pick_latency_ms", round(p50), "ms", "", "p50; " + note),
        Figure("pick_latency_ms_p95", round(p95), "ms", "", note),
    ]
