"""Rasa's button payloads: `/intent`, `/intent@0.8`, `/intent{"order_ref": "#1001"}`.

They are answered as Rasa's RegexMessageHandler answers them, so a shop can move between Rasa
and the built-in NLU without changing its buttons: the intent as given, the entities of the
JSON object (a list gives one entity per item) spanning the whole payload, unknown entity types
dropped, anything after the object ignored, and text naming an unknown intent read as
ordinary words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

_PAYLOAD = re.compile(r"/(?P<intent>[^{@]+)(?P<confidence>@[0-9.]+)?(?P<entities>\{.+\})?(?P<rest>.*)", re.DOTALL)


def parse_payload(text: str, intents: Collection[str], entities: Collection[str]) -> dict[str, Any] | None:
    """The parse of a payload naming a known intent, else None."""
    payload = text.strip()
    match = _PAYLOAD.fullmatch(payload) if payload.startswith("/") else None
    if match is None or match["intent"].strip() not in intents:
        return None
    intent = {"name": match["intent"].strip(), "confidence": _confidence(match["confidence"])}
    return {"intent": intent, "intent_ranking": [dict(intent)],
            "entities": _entities(match["entities"], entities, len(payload))}


def _confidence(given: str | None) -> float:
    if given is None:
        return 1.0
    try:
        return min(1.0, float(given[1:]))
    except ValueError:
        return 0.0


def _entities(given: str | None, known: Collection[str], end: int) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(given) if given else {}  # braces around it: an object or an error
    except json.JSONDecodeError:
        return []
    return [{"entity": entity, "value": value, "start": 0, "end": end}
            for entity, values in parsed.items() if entity in known
            for value in (values if isinstance(values, list) else [values])]
