"""The `jsonl` format: one order per line, in the canonical JSON contract of `POST /orders`.

Numbers are read as Decimal, never float. Blank lines are skipped but counted, so a
report's row is the line number an editor shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from infra.importing.candidate import Candidate, Note


def read(lines: Iterable[str]) -> Iterator[Candidate]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            payload = json.loads(line.rstrip("\r\n"), parse_float=Decimal)  # the column is then the editor's
        except json.JSONDecodeError as error:
            # The decoder's message says where, not what: no value of the line is repeated.
            yield Candidate((number,), None, None, [Note("body", f"not JSON: {error.msg} at column {error.colno}")])
            continue
        if not isinstance(payload, dict):
            yield Candidate((number,), None, None, [Note("body", "not a JSON object")])
            continue
        order_id = payload.get("channel_order_id")
        yield Candidate((number,), order_id if isinstance(order_id, str) else None, payload)
