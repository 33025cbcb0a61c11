"""One figure of `make bench`, as bench-results.json records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""
    note: str = ""

    def as_json(self) -> dict:
        return {"value": self.value, "unit": self.unit, "goal": self.goal}
