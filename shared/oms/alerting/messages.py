"""What ops read: one message per notice, JSON for machines and a few lines for a person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from oms.alerting.kinds import kind_of

EXAMPLES = 10  # members named in a message; the count says how many there are
_SUBJECT_LIMIT = 100  # what SNS takes as an email subject


@dataclass(frozen=True)
class Notice:
    """Ops are told of a condition: it opened (`opened`), or it has grown since (`summary`)."""

    condition: str
    kind: str
    scope: tuple[tuple[str, str], ...]
    count: int
    new: int  # members since ops were last told
    examples: tuple[dict[str, Any], ...]
    phase: str
    at: str
    opened_at: str

    def body(self) -> dict[str, Any]:
        kind = kind_of(self.kind)
        return {
            "alert": self.kind, "severity": str(kind.severity), "phase": self.phase, "condition": self.condition,
            **dict(self.scope), "count": self.count, "new": self.new,
            kind.member + "s": [example["member"] for example in self.examples],
            **_context(self.examples),
            "summary": self.summary(), "action": kind.action, "at": self.at, "since": self.opened_at,
        }

    def summary(self) -> str:
        what = kind_of(self.kind).what(self.count, dict(self.scope))
        return what if self.phase == "opened" else f"{what} ({self.new} more since the last alert)"

    def subject(self) -> str:
        # SNS takes printable ASCII only, under 100 characters.
        subject = f"OMS {kind_of(self.kind).severity}: {self.summary()}".encode("ascii", "replace").decode()
        return subject if len(subject) < _SUBJECT_LIMIT else subject[:_SUBJECT_LIMIT - 4] + "..."

    def text(self) -> str:
        kind = kind_of(self.kind)
        named = ", ".join(example["member"] for example in self.examples)
        more = f" and {self.count - len(self.examples)} more" if self.count > len(self.examples) else ""
        return (f"{self.summary()}.\n\nWhat to do: {kind.action}\n\n{kind.member.replace('_', ' ')}s: {named}{more}\n"
                f"Since {self.opened_at}; severity {kind.severity}; condition {self.condition}.\n")

    def attributes(self) -> dict[str, str]:
        return {"alert": self.kind, "severity": str(kind_of(self.kind).severity)}

    def json(self) -> str:
        return json.dumps(self.body(), ensure_ascii=False)


def _context(examples: tuple[dict[str, Any], ...]) -> dict[str, list[str]]:
    """What the members joined with (the order a chat case is about), by name."""
    named: dict[str, list[str]] = {}
    for example in examples:
        for name, value in example.items():
            if name not in ("member", "at"):
                named.setdefault(name + "s", []).append(str(value))
    return named
