"""What every action reads off the conversation: its language, who acts, and the one order it
has been verified for (and nothing before that)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from chatbot.actions.backend import Backend
from chatbot.nlu.text import reply_language
from oms import verification
from oms.models import Order


def language(tracker: Tracker) -> str:
    """The language to answer in: as the built-in dialogue decided it for this message, or, from
    Rasa, that of the customer's own words in it."""
    message = tracker.latest_message or {}
    if message.get("language") in ("en", "zh"):
        return message["language"]
    return reply_language(message, tracker.get_slot("language"))


def actor(tracker: Tracker) -> str:
    """Who acts, as the order's history records it: the customer, through the shop's chat."""
    shop = ((tracker.latest_message or {}).get("metadata") or {}).get("shop")
    return f"customer via chat:{shop}" if shop else "customer via chat"


def slot_key(order_ref: str | None) -> str | None:
    return verification.normal_order_ref(order_ref) if order_ref else None


def verified_order_id(tracker: Tracker, backend: Backend, now: datetime) -> str | None:
    """The order this conversation proved, if the proof holds now and the customer is still
    asking about the reference they proved it for."""
    order_id = verification.order_of(tracker.get_slot("verification"), tracker.sender_id, now,
                                     backend.vault.conversation_signature)
    asked = slot_key(tracker.get_slot("order_ref"))
    if order_id is None or (asked is not None and asked != tracker.get_slot("verified_ref")):
        return None
    return order_id


def locked(tracker: Tracker, now: datetime) -> bool:
    until = tracker.get_slot("locked_until")
    return until is not None and now.timestamp() < float(until)


def renewed(order_id: str, tracker: Tracker, backend: Backend, now: datetime) -> SlotSet:
    """The proof again, good for another idle period from now."""
    return SlotSet("verification", verification.token(order_id, tracker.sender_id, now + verification.IDLE_LAPSE,
                                                      backend.vault.conversation_signature))


def verified(dispatcher: CollectingDispatcher, tracker: Tracker, backend: Backend) -> tuple[Order | None, list[Any]]:
    """The verified order (without personal data) and the events that keep the proof fresh;
    None, having said why, when the conversation may not hear about any order now."""
    now = backend.clock()
    words = language(tracker)
    if locked(tracker, now):
        minutes = max(1, int((float(tracker.get_slot("locked_until")) - now.timestamp()) // 60) + 1)
        dispatcher.utter_message(response="utter_locked", minutes=minutes)
        return None, [SlotSet("language", words)]
    order_id = verified_order_id(tracker, backend, now)
    order = backend.tables.order(order_id) if order_id else None
    if order is None:
        dispatcher.utter_message(response="utter_ask_order_ref")
        return None, [SlotSet("language", words), SlotSet("verification", None)]
    return order, [SlotSet("language", words), renewed(order_id, tracker, backend, now)]


def done_asking() -> list[Any]:
    """What a confirmed or refused request leaves behind: nothing waiting for a yes, nothing named."""
    return [SlotSet("awaiting", None), SlotSet("chosen_lines", None), SlotSet("named", None)]
