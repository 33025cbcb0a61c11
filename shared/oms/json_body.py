"""Reading a request body as a JSON object, within limits a real caller never reaches.

An order is a few kilobytes and a handful of levels deep; a 256 KiB or 32-level body is
a mistake or an attack, and refusing it early keeps it from costing memory and CPU.
"""

from __future__ import annotations

import json
from typing import Any

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32


class BodyRejected(ValueError):
    def __init__(self, status: int, message: str, problem: str):
        super().__init__(message)
        self.status, self.message = status, message
        self.errors = [{"field": "body", "problem": problem}]


def parse_json_object(raw: bytes | str | None) -> dict[str, Any]:
    body = raw.encode() if isinstance(raw, str) else (raw or b"")
    if len(body) > MAX_BODY_BYTES:
        raise BodyRejected(413, "body is too large", f"{len(body)} bytes; at most {MAX_BODY_BYTES}")
    try:
        payload = json.loads(body)
    except RecursionError:
        raise BodyRejected(400, "body is nested too deeply", f"at most {MAX_DEPTH} levels") from None
    except ValueError as error:
        raise BodyRejected(400, "body is not valid JSON", str(error)) from None
    if _depth(payload) > MAX_DEPTH:
        raise BodyRejected(400, "body is nested too deeply", f"at most {MAX_DEPTH} levels")
    if not isinstance(payload, dict):
        raise BodyRejected(422, "body is invalid", "must be a JSON object")
    return payload


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = current.values() if isinstance(current, dict) else current
            pending.extend((child, level + 1) for child in children)
    return deepest
