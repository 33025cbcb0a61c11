"""Replies rendered from domain.yml's responses as Rasa's template NLG renders them: the first
variation whose conditions all hold (else the first without any), `{name}` filled from the
action's values, then the slots."""

from __future__ import annotations

import re
from typing import Any

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _holds(conditions: list[dict], slots: dict[str, Any]) -> bool:
    return all(slots.get(condition.get("name")) == condition.get("value") for condition in conditions
               if condition.get("type") == "slot")


def render(responses: dict[str, list[dict]], name: str, slots: dict[str, Any], values: dict[str, Any]) -> dict | None:
    """`{"text", "buttons"?}` for the response, or None when the domain has no such response."""
    variations = responses.get(name) or []
    chosen = next((v for v in variations if v.get("condition") and _holds(v["condition"], slots)), None) \
        or next((v for v in variations if not v.get("condition")), None)
    if chosen is None:
        return None
    known = {**{k: v for k, v in slots.items() if v is not None}, **{k: v for k, v in values.items() if v is not None}}

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: str(known[m.group(1)]) if m.group(1) in known else m.group(0), text)

    message: dict[str, Any] = {"text": fill(chosen.get("text") or "").strip()}
    if chosen.get("buttons"):
        message["buttons"] = [{"title": fill(b["title"]), "payload": b["payload"]} for b in chosen["buttons"]]
    return message
