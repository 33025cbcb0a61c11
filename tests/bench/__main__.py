"""`make bench`: prints every figure and writes them to bench-results.json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench import cold_start, ddb_requests, local_throughput

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    figures = [
        *cold_start.figures(),
        *ddb_requests.figures(ROOT / "template.yaml"),
        *local_throughput.figures(),
    ]
    width = max(len(figure.name) for figure in figures)
    for figure in figures:
        goal = f"  (goal {figure.goal})" if figure.goal else ""
        note = f"  — {figure.note}" if figure.note else ""
        print(f"{figure.name:<{width}}  {figure.value:>10g} {figure.unit}{goal}{note}")
    results = ROOT / "bench-results.json"
    results.write_text(json.dumps({figure.name: figure.as_json() for figure in figures}, indent=2) + "\n")
    print(f"\nwritten to {results}")


if __name__ == "__main__":
    main()
