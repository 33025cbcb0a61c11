"""The metrics a function printed, read back from its output as CloudWatch reads them: each
EMF document is one JSON line with an `_aws` block naming its namespace, dimensions and metrics;
the dimensions' values and the metrics' values are top-level keys."""

from __future__ import annotations

import json

NAMESPACE = "OMS"


def documents(output: str) -> list[dict]:
    """The EMF documents in the OMS namespace, among the other lines (logs) of `output`."""
    lines = (json.loads(line) for line in output.splitlines() if line.startswith("{"))
    return [line for line in lines if line.get("_aws", {}).get("CloudWatchMetrics", [{}])[0].get("Namespace")
            == NAMESPACE]


def counted(output: str, name: str, **dimensions: str) -> float:
    """The sum of the Count metric `name` in the documents whose dimensions are exactly `dimensions`."""
    total = 0.0
    for document in documents(output):
        [directive] = document["_aws"]["CloudWatchMetrics"]
        names = {dimension for dimension_set in directive["Dimensions"] for dimension in dimension_set}
        if {dimension: document[dimension] for dimension in names} != dimensions:
            continue
        for metric in directive["Metrics"]:
            if metric["Name"] == name:
                assert metric["Unit"] == "Count", metric
                values = document[name]
                total += sum(values) if isinstance(values, list) else values
    return total
