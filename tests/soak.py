"""A soak on the local stack with AWS misbehaving: orders from five channels, stock receipts,
rejections, cancellations and carrier events interleaved, while 1 % of the functions' AWS calls
fail in each way infra.faults knows and 5 % of stream and queue batches arrive twice.

Afterwards nothing may be broken or lost: `oms check` finds nothing, no order waits in a status
that nothing will move it from, and the failure queues hold only what the soak poisoned them
with on purpose. `make soak` runs 2,000 orders (`python -m tests.soak --orders N` for others);
the tests run a short one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import boto3

from infra.local.seed import ADMIN_KEY, carrier_secret
from infra.local.template import REGION
from oms import signing
from tests.bench.figures import Figure, record
from tests.e2e.conftest import RunningStack, free_port, start_local_stack, stop_local_stack
from tests.factories import unique_order_payload

CHANNELS = ("web", "pos", "magento", "woocommerce", "tiktok")
LOCATIONS = ("wh-reno", "wh-columbus", "store-sf", "store-nyc", "store-austin")
SKUS = tuple(f"SOAK-{number:02d}" for number in range(1, 21))
FAULTS = "all=0.01,duplicate=0.05"
# Statuses an order may rest in when the soak ends: done, or waiting for stock or for a person.
AT_REST = {"cancelled", "shipped", "delivered", "returned", "partially_shipped", "allocated", "backordered",
           "partially_allocated", "on_hold", "rejected"}
_RETRIED = {429, 500, 502, 503, 504}


@dataclass
class Soak:
    stack: RunningStack
    moto_url: str
    seed: int
    orders: list[str] = field(default_factory=list)
    actions: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - a reproducible soak
        self._lock = threading.Lock()

    def call(self, method: str, path: str, body: object = None, api_key: str = ADMIN_KEY, raw: bytes | None = None,
             headers: dict | None = None):
        """As a client does: a 5xx or a throttle is tried again, the same request each time."""
        for attempt in range(12):
            answer = self.stack.request(method, path, body, api_key=api_key, raw=raw, headers=headers)
            if answer.status not in _RETRIED:
                return answer
            self.actions["retried"] += 1
            time.sleep(min(2.0, 0.05 * 2 ** attempt))
        raise AssertionError(f"{method} {path} kept failing: {answer.status} {answer.body}")

    def draw(self) -> random.Random:
        return self._random

    # ------------------------------------------------------------ what the soak does

    def stock_up(self) -> None:
        for sku in SKUS:
            for location in LOCATIONS:
                self.call("PUT", f"/inventory/{sku}/{location}", {"on_hand": self._random.randint(0, 40)})

    def place(self, number: int) -> None:
        with self._lock:
            channel = CHANNELS[number % len(CHANNELS)]
            lines = [{"sku": sku, "quantity": self._random.randint(1, 3), "unit_price": "10.00"}
                     for sku in self._random.sample(SKUS, self._random.randint(1, 3))]
        total = f"{sum(line['quantity'] for line in lines) * 10}.00"
        answer = self.call("POST", "/orders", unique_order_payload(
            lines=lines, shipping="0.00", tax="0.00", discount="0.00", total=total), api_key=f"local-{channel}-key")
        assert answer.status in (200, 201), answer.body
        with self._lock:
            self.orders.append(answer.body["order_id"])
        self.actions["placed"] += 1

    def receive(self) -> None:
        sku, location = self._random.choice(SKUS), self._random.choice(LOCATIONS)
        self.call("POST", f"/inventory/{sku}/{location}/receive", {"quantity": self._random.randint(5, 20)})
        self.actions["received"] += 1

    def cancel(self) -> None:
        with self._lock:
            if not self.orders:
                return
            order_id = self._random.choice(self.orders)
        self.call("POST", f"/orders/{order_id}/cancel", {"reason": "customer asked"})
        self.actions["cancelled"] += 1

    def work_a_pick(self) -> None:
        """A location takes one of its picks: rejects it, or ships it and the carrier delivers it."""
        location = self._random.choice(LOCATIONS)
        key = f"local-{location}-key"
        picks = self.call("GET", "/shipments", api_key=key).body.get("picks", [])
        if not picks:
            return
        shipment = self._random.choice(picks)
        if self._random.random() < 0.2:
            reason = self._random.choice(["damaged", "no_stock", "no_capacity"])
            self.call("POST", f"/shipments/{shipment['shipment_id']}/reject", {"reason": reason}, api_key=key)
            self.actions["rejected"] += 1
            return
        number = f"NX{shipment['shipment_id'][-16:].replace('_', '').upper()}"
        shipped = self.call("POST", f"/shipments/{shipment['shipment_id']}/ship",
                            {"carrier": "Northway", "tracking_number": number}, api_key=key)
        if shipped.status != 200:
            return
        self.actions["shipped"] += 1
        push = json.dumps({"tracking_number": number, "carrier": "Northway", "events": [
            {"at": datetime.now(UTC).isoformat(), "status": "delivered", "description": "Left at the door"}]}).encode()
        self.call("POST", "/carriers/generic/events", raw=push, api_key=None,
                  headers={"X-OMS-Signature": signing.signature([carrier_secret("generic")], push)})
        self.actions["carrier_events"] += 1

    def listed(self, status: str) -> list[str]:
        """The ids of the orders in a status, every page, as operations list them."""
        order_ids, after = [], None
        while True:
            page = self.call("GET", f"/orders?status={status}&limit=100" + (f"&after={after}" if after else "")).body
            order_ids += [order["order_id"] for order in page["orders"]]
            after = page.get("after")
            if not after:
                return order_ids

    def approve_held(self) -> None:
        """Operations approve what screening held, as they would by the end of the day."""
        for order_id in self.listed("on_hold"):
            self.call("POST", f"/orders/{order_id}/approve", {})
            self.actions["approved"] += 1

    # ------------------------------------------------------------ what must hold afterwards

    def settled(self, timeout: float) -> Counter:
        """The orders' statuses once the streams have caught up: no order is received or approved
        (the statuses only a stream moves on from) three polls in a row."""
        deadline, quiet = time.monotonic() + timeout, 0
        while time.monotonic() < deadline and quiet < 3:
            moving = sum(len(self.listed(status)) for status in ("received", "approved"))
            quiet = quiet + 1 if moving == 0 else 0
            time.sleep(3)
        return Counter(self.call("GET", f"/orders/{order_id}").body["status"] for order_id in self.orders)

    def poison(self) -> dict[str, int]:
        """A queued push no adapter can read (the webhook refuses such pushes, so it goes on the
        queue directly): it must end in the dead-letter queue, alone. The queue's visibility
        timeout is cut to seconds so its five tries do not take fifteen minutes."""
        sqs = self._sqs()
        queue = next(url for url in sqs.list_queues()["QueueUrls"] if url.endswith("CarrierEventsQueue"))
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "2"})
        sqs.send_message(QueueUrl=queue, MessageBody="{not a push", MessageAttributes={
            "provider": {"DataType": "String", "StringValue": "generic"}})
        return {queue.rsplit("/", 1)[-1].replace("CarrierEventsQueue", "CarrierEventsDeadLetterQueue"): 1}

    def _sqs(self):
        return boto3.client("sqs", endpoint_url=self.moto_url, region_name=REGION, aws_access_key_id="local",
                            aws_secret_access_key="local")

    def failure_queues(self) -> dict[str, int]:
        sqs = self._sqs()
        counts = {}
        for url in sqs.list_queues().get("QueueUrls", []):
            name = url.rsplit("/", 1)[-1]
            if "Failure" in name or "DeadLetter" in name:
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
                counts[name] = sum(int(value) for value in attributes.values())
        return counts


def check_local_tables(moto_url: str) -> dict:
    """`oms check --stage local --json` against a local stack's moto, as an operator runs it."""
    environment = {**os.environ, "AWS_ENDPOINT_URL": moto_url}
    done = subprocess.run([sys.executable, "-m", "infra.cli", "check", "--stage", "local", "--json"],
                          capture_output=True, text=True, env=environment, timeout=600, check=False)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def run(orders: int, seed: int = 7, faults: str = FAULTS, workers: int = 4) -> dict:
    moto_port = free_port()
    started = time.monotonic()
    stack = start_local_stack(OMS_FAULTS=f"seed={seed},{faults}", OMS_MOTO_PORT=str(moto_port))
    try:
        soak = Soak(stack, f"http://127.0.0.1:{moto_port}", seed)
        soak.stock_up()
        before = soak.failure_queues()
        poisoned = soak.poison()
        with ThreadPoolExecutor(workers) as pool:
            for finished in [pool.submit(soak_step, soak, number) for number in range(orders)]:
                finished.result()
        soak.approve_held()
        statuses = soak.settled(timeout=300 + orders * 0.5)
        report = check_local_tables(soak.moto_url)
        failures = soak.failure_queues()
    finally:
        try:
            stop_local_stack(stack, grace=120)  # a loaded machine may take a while to drain the pumps
        except subprocess.TimeoutExpired:
            pass  # killed: what it did is read already
    injected = sum(1 for line in stack.output if '"logger": "oms.faults"' in line)
    return {
        "soak_orders": len(soak.orders),
        "soak_faults_injected": injected,
        "soak_invariant_violations": len(report.get("violations", [])),
        "soak_seconds": round(time.monotonic() - started, 1),
        "soak_statuses": dict(statuses),
        "soak_stuck_orders": sum(count for status, count in statuses.items() if status not in AT_REST),
        # Beyond the poison: messages in failure and dead-letter queues that nobody put there on purpose.
        "soak_failure_messages": {name: count - before.get(name, 0) - poisoned.get(name, 0)
                                  for name, count in failures.items()
                                  if count != before.get(name, 0) + poisoned.get(name, 0)},
        "soak_actions": dict(soak.actions),
        "soak_violations": report.get("violations", [])[:20],
    }


def soak_step(soak: Soak, number: int) -> None:
    soak.place(number)
    draw = soak.draw().random()
    if draw < 0.05:
        soak.receive()
    elif draw < 0.08:
        soak.cancel()
    elif draw < 0.40:
        soak.work_a_pick()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", default=FAULTS, help=f"OMS_FAULTS without the seed (default {FAULTS})")
    parser.add_argument("--record", action="store_true", help="write the figures into bench-results.json")
    arguments = parser.parse_args(argv)
    result = run(arguments.orders, arguments.seed, arguments.faults)
    print(json.dumps(result, indent=2))
    if arguments.record:
        record([Figure("soak_orders", result["soak_orders"], "orders"),
                Figure("soak_faults_injected", result["soak_faults_injected"], "faults"),
                Figure("soak_invariant_violations", result["soak_invariant_violations"], "violations", "0"),
                Figure("soak_stuck_orders", result["soak_stuck_orders"], "orders", "0"),
                Figure("soak_seconds", result["soak_seconds"], "s")])
    return 0 if not (result["soak_invariant_violations"] or result["soak_stuck_orders"]
                     or result["soak_failure_messages"]) else 1


if __name__ == "__main__":
    sys.exit(main())
