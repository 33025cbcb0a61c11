"""What the customer named in their latest message (SKUs, product words), what an action asked
them to confirm, and money told back in their language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker

from chatbot.actions import wording
from chatbot.nlu import canonical_words
from oms.models import ReturnReason

_REASONS = frozenset(reason.value for reason in ReturnReason)


def _entities(tracker: Tracker, entity: str) -> list[str]:
    return [str(found["value"]) for found in (tracker.latest_message or {}).get("entities") or []
            if found.get("entity") == entity and found.get("value")]


def named_skus(tracker: Tracker) -> list[str]:
    """SKUs named in the latest message, or when the task was asked for (`named`)."""
    return [sku.upper() for sku in _entities(tracker, "sku")] + _named(tracker, "skus")


def product_words(tracker: Tracker) -> list[str]:
    """Product words as the catalogue spells them (`t-shirt`, `T恤` → `tshirt`; `红色` → `red`),
    from the latest message, or from when the task was asked for (`named`)."""
    return list(dict.fromkeys(message_words(tracker) + _named(tracker, "words")))


def message_words(tracker: Tracker) -> list[str]:
    text = (tracker.latest_message or {}).get("text") or ""
    found = [*(value.lower() for value in _entities(tracker, "product")), *canonical_words(text)]
    # The same tables map "broken" to a return reason: that names no product.
    return list(dict.fromkeys(word for value in found for word in value.split() if word not in _REASONS))


def named_now(tracker: Tracker) -> dict[str, list[str]]:
    """What the latest message named, kept while the verification form asks for the rest."""
    return {"skus": [sku.upper() for sku in _entities(tracker, "sku")], "words": message_words(tracker)}


def _named(tracker: Tracker, part: str) -> list[str]:
    named = tracker.get_slot("named")
    values = named.get(part) if isinstance(named, dict) else None
    return [str(value) for value in values] if isinstance(values, list) else []


def units_of(chosen: Any) -> dict[int, int]:
    """The lines an action asked about, as it kept them in a slot (`{"1": 2}`)."""
    if not isinstance(chosen, dict):
        return {}
    units = {}
    for number, count in chosen.items():
        if str(number).isdigit() and isinstance(count, int) and count > 0:
            units[int(number)] = count
    return units


def refund_text(due: Any, currency: str, language: str, done: bool = False) -> str:
    """`due` is a refund or a refund due (oms.policy), or None when nothing was paid."""
    amount: Decimal | None = getattr(due, "amount", None)
    if not amount:
        return ""
    told = wording.money(amount, currency)
    if language == "zh":
        return f"将退还 {told} 到原支付方式。" if not done else f"{told} 将退还到原支付方式。"
    return (f"You'll get {told} back to your original payment." if not done
            else f"{told} will be refunded to your original payment.")
