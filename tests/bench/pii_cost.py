"""What encrypting customer PII costs per order: CPU time and KMS calls, writing and reading.

Reads use a second vault, as another container of the function would: it has to ask KMS
for each data key once. KMS itself is moto here, so only the call counts carry over to
AWS (each call there adds a network round trip, ~5-10 ms in-region).
"""

from __future__ import annotations

import time
from collections import Counter

import boto3
from moto import mock_aws

from oms.models import Order
from oms.pii import CustomerHashes, DataKeys, PiiVault
from tests.bench.figures import Figure
from tests.factories import unique_order_payload

ORDERS = 2000


def _orders() -> list[dict]:
    now = "2026-11-24T12:00:00Z"
    return [
        Order.model_validate({**unique_order_payload(), "order_id": f"ord_{number:026d}", "channel": "web",
                              "status": "received", "created_at": now, "updated_at": now}).model_dump(exclude_none=True)
        for number in range(ORDERS)
    ]


def figures() -> list[Figure]:
    orders = _orders()
    calls: Counter = Counter()
    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        kms.meta.events.register("before-call.kms", lambda model, **_: calls.update([model.name]))
        key_id = kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]
        calls.clear()

        def vault() -> PiiVault:
            return PiiVault(DataKeys(kms, key_id), CustomerHashes(lambda: b"bench-secret"))

        writer, reader = vault(), vault()
        started = time.perf_counter()
        sealed = [writer.seal(order["order_id"], order) for order in orders]
        seal_ms = (time.perf_counter() - started) * 1000 / ORDERS
        write_calls = sum(calls.values()) / ORDERS

        calls.clear()
        started = time.perf_counter()
        for order, stored in zip(orders, sealed):
            reader.open(order["order_id"], stored)
        open_ms = (time.perf_counter() - started) * 1000 / ORDERS
        read_calls = sum(calls.values()) / ORDERS
    return [
        Figure("pii_seal_ms_per_order", round(seal_ms, 3), "ms", "",
               f"{ORDERS} orders; 7 fields sealed + 2 keyed hashes, data key cached"),
        Figure("pii_kms_calls_per_write", round(write_calls, 4), "calls", "",
               "GenerateDataKey once per 5 min or 10,000 orders per container"),
        Figure("pii_open_ms_per_order", round(open_ms, 3), "ms", "", "in a container that did not write them"),
        Figure("pii_kms_calls_per_read", round(read_calls, 4), "calls", "", "Decrypt once per data key per container"),
    ]
