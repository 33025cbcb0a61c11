"""One figure of `make bench`, as bench-results.json records it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "bench-results.json"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""
    note: str = ""

    def as_json(self) -> dict:
        return {"value": self.value, "unit": self.unit, "goal": self.goal}


def record(figures: Iterable[Figure], path: Path = RESULTS) -> None:
    """Into bench-results.json, keeping the figures other runs wrote (`make soak`, `make fuzz`)."""
    kept = json.loads(path.read_text()) if path.exists() else {}
    kept.update({figure.name: figure.as_json() for figure in figures})
    path.write_text(json.dumps(kept, indent=2) + "\n")
