"""`make bench`: prints every figure and writes them to bench-results.json."""

from __future__ import annotations

import os
from pathlib import Path

# moto only: fake credentials, never a developer's real account (as tests/conftest.py).
os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                  AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled", POWERTOOLS_METRICS_NAMESPACE="OMS")
for variable in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(variable, None)

from tests.bench import (
    adapters,
    alerts,
    chat,
    cold_start,
    ddb_requests,
    eta_quality,
    forecast_quality,
    import_throughput,
    local_throughput,
    pick_latency,
    pii_cost,
    replenishment_sim,
    sourcing_quality,
    tracking_throughput,
)
from tests.bench.figures import RESULTS, record

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    figures = [
        *cold_start.figures(),
        *ddb_requests.figures(ROOT / "template.yaml"),
        *pii_cost.figures(),
        *adapters.figures(),
        *sourcing_quality.figures(),
        *eta_quality.figures(),
        *forecast_quality.figures(),
        *local_throughput.figures(),
        *pick_latency.figures(),
        *tracking_throughput.figures(),
        *import_throughput.figures(),
        *chat.figures(),
        *alerts.figures(),
        *replenishment_sim.figures(),
    ]
    width = max(len(figure.name) for figure in figures)
    for figure in figures:
        goal = f"  (goal {figure.goal})" if figure.goal else ""
        note = f"  — {figure.note}" if figure.note else ""
        print(f"{figure.name:<{width}}  {figure.value:>10g} {figure.unit}{goal}{note}")
    record(figures)
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
