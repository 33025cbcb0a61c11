"""How many carrier events `oms local` applies per second: orders placed and shipped over HTTP,
then each shipment's history (in transit twice, out for delivery, delivered) pushed to
`POST /carriers/generic/events` as fast as the webhook takes them, one event a push; timed until
every order reads delivered.

The path measured: the webhook (signature check, one SQS send) → carrier events queue → carrier
updates (index query, order read, one transaction) → the Orders stream's readers (notices,
alerts, parked events) behind it.
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import UTC, datetime, timedelta

from infra.local.seed import carrier_secret
from oms import signing
from tests.bench.figures import Figure
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import unique_order_payload

ORDERS = 20
HISTORY = ("in_transit", "in_transit", "out_for_delivery", "delivered")
_DEADLINE_SECONDS = 300


class _Client:
    def __init__(self, url: str):
        host, port = url.removeprefix("http://").split(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(self, method: str, path: str, key: str | None, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, dict]:
        self._connection.request(method, path, body, {"content-type": "application/json",
                                                       **({"x-api-key": key} if key else {}), **(headers or {})})
        response = self._connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def _shipped(client: _Client) -> list[tuple[str, str]]:
    """Orders placed, sourced and shipped: (order id, tracking number) each."""
    order_ids = []
    for _ in range(ORDERS):
        status, order = client.call("POST", "/orders", "local-web-key", json.dumps(unique_order_payload()).encode())
        assert status == 201, order
        order_ids.append(order["order_id"])
    shipped = []
    for order_id in order_ids:
        shipment = _first_shipment(client, order_id)
        number = f"NX{order_id[-12:]}"
        status, answer = client.call("POST", f"/shipments/{shipment['shipment_id']}/ship",
                                     f"local-{shipment['location_id']}-key",
                                     json.dumps({"carrier": "Northway", "tracking_number": number}).encode())
        assert status == 200, answer
        shipped.append((order_id, number))
    return shipped


def _first_shipment(client: _Client, order_id: str) -> dict:
    deadline = time.monotonic() + _DEADLINE_SECONDS
    while time.monotonic() < deadline:
        _, order = client.call("GET", f"/orders/{order_id}", "local-web-key")
        if order.get("shipments"):
            return order["shipments"][0]
        time.sleep(0.05)
    raise TimeoutError(f"{order_id} was never sourced")


def _push_all(client: _Client, shipped: list[tuple[str, str]]) -> int:
    secret = carrier_secret("generic")
    start = datetime.now(UTC)
    pushes = 0
    for step, status in enumerate(HISTORY):
        for _, number in shipped:
            body = json.dumps({"tracking_number": number, "carrier": "Northway", "events": [
                {"at": (start + timedelta(hours=step)).isoformat(), "status": status}]}).encode()
            answer, _ = client.call("POST", "/carriers/generic/events", None, body,
                                    {"X-OMS-Signature": signing.signature([secret], body)})
            assert answer == 202
            pushes += 1
    return pushes


def figures() -> list[Figure]:
    stack = start_local_stack()
    try:
        client = _Client(stack.url)
        shipped = _shipped(client)
        started = time.monotonic()
        pushes = _push_all(client, shipped)
        pushed = time.monotonic() - started
        waiting = {order_id for order_id, _ in shipped}
        while waiting and time.monotonic() - started < _DEADLINE_SECONDS:
            waiting = {order_id for order_id in waiting
                       if client.call("GET", f"/orders/{order_id}", "local-web-key")[1]["status"] != "delivered"}
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        assert not waiting, f"{len(waiting)} orders not delivered after {elapsed:.0f} s"
    finally:
        stop_local_stack(stack)
    return [Figure("tracking_events_per_s", round(pushes / elapsed, 1), "events/s", "",
                   f"{pushes} pushes of one event for {ORDERS} shipments over HTTP, until all read delivered "
                   f"({elapsed:.1f} s; the webhook took them in {pushed:.1f} s, "
                   f"{pushes / pushed:.1f}/s)")]
