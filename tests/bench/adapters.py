"""Adapter time per order: each channel's representative fixture, native payload -> canonical order."""

from __future__ import annotations

import json
import time
from pathlib import Path

from oms.channels import NATIVE_FORMATS, adapter_for
from tests.bench.figures import Figure

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"
REPEATS = 2000


def figures() -> list[Figure]:
    results = []
    for channel in sorted(NATIVE_FORMATS):
        adapter = adapter_for(channel)
        payload = json.loads((FIXTURES / channel / "order.json").read_text())
        adapter.to_channel_order(payload)  # warm: imports, pydantic's first use
        started = time.perf_counter()
        for _ in range(REPEATS):
            adapter.to_channel_order(payload)
        micros = (time.perf_counter() - started) / REPEATS * 1e6
        results.append(Figure(f"adapter_us_{channel}", round(micros, 1), "µs", "",
                              f"tests/fixtures/channels/{channel}/order.json, mean of {REPEATS}"))
    return results
