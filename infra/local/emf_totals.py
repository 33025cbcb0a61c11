"""`oms metrics`: the EMF metrics in a log, summed by namespace, metric, unit and dimension set (pure).

An EMF record names its metrics under `_aws.CloudWatchMetrics[]` - a namespace, dimension sets
(lists of key names) and metrics (name, unit) - and carries the values as top-level keys, a
number or a list of numbers. A metric counts once under each of its directive's dimension sets,
as CloudWatch files it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from infra.local.log_lines import is_metrics, json_object

_HEADINGS = ("METRIC", "DIMENSIONS", "TOTAL", "UNIT", "NAMESPACE")


@dataclass(frozen=True, order=True)
class MetricKey:
    name: str
    namespace: str
    dimensions: tuple[tuple[str, str], ...]
    unit: str


def metric_totals(lines: Iterable[str]) -> dict[MetricKey, float]:
    totals: dict[MetricKey, float] = defaultdict(float)
    for line in lines:
        record = json_object(line.strip())
        if record is None or not is_metrics(record):
            continue
        for directive in record["_aws"]["CloudWatchMetrics"]:
            for dimension_set in directive.get("Dimensions") or [[]]:
                if not all(name in record for name in dimension_set):
                    continue  # CloudWatch drops a set whose values are missing
                dimensions = tuple((name, str(record[name])) for name in dimension_set)
                for metric in directive.get("Metrics", []):
                    if metric["Name"] in record:
                        key = MetricKey(metric["Name"], directive.get("Namespace", ""), dimensions,
                                        metric.get("Unit", "None"))
                        totals[key] += _sum(record[metric["Name"]])
    return dict(totals)


def metrics_table(totals: dict[MetricKey, float]) -> str:
    """An aligned table, one row per metric and dimension set, sorted by metric name."""
    rows = [_HEADINGS] + [
        (key.name, ",".join(f"{name}={value}" for name, value in key.dimensions) or "-", _number(total), key.unit,
         key.namespace)
        for key, total in sorted(totals.items())
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADINGS))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def _sum(value: Any) -> float:
    return float(sum(value)) if isinstance(value, list) else float(value)


def _number(total: float) -> str:
    return str(int(total)) if total.is_integer() else f"{total:.3f}".rstrip("0")
