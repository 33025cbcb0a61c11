"""Slots filled from a message by the domain's mappings, as Rasa's `action_extract_slots` does:
from an entity or the whole text, when the mapping's intent and form conditions hold."""

from __future__ import annotations

from typing import Any


def _applies(mapping: dict, intent: str, active_loop: str | None, requested: str | None) -> bool:
    if mapping.get("intent") and intent not in _as_list(mapping["intent"]):
        return False
    if intent in _as_list(mapping.get("not_intent")):
        return False
    conditions = mapping.get("conditions")
    if not conditions:
        return True
    return any(condition.get("active_loop") == active_loop
               and condition.get("requested_slot", requested) == requested for condition in conditions)


def _as_list(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def extracted(domain_slots: dict[str, dict], parse: dict, active_loop: str | None,
              requested: str | None) -> dict[str, Any]:
    """The slots this message fills, per the mappings (custom ones are the actions' own)."""
    intent = (parse.get("intent") or {}).get("name")
    text = parse.get("text") or ""
    entities = parse.get("entities") or []
    filled: dict[str, Any] = {}
    for name, slot in domain_slots.items():
        for mapping in slot.get("mappings") or []:
            if not _applies(mapping, intent, active_loop, requested):
                continue
            if mapping.get("type") == "from_entity":
                found = next((e["value"] for e in entities if e.get("entity") == mapping.get("entity")), None)
                if found is not None:
                    filled[name] = found
                    break
            elif mapping.get("type") == "from_text" and text.strip() and not text.startswith("/"):
                filled[name] = text.strip()
                break
    return filled
