"""The verification form: an order reference and a contact of that order, checked together.

The form asks for what is missing; once both are given they are checked against the order as
one proof, and the failure reply never says which part was wrong. The contact is not kept
after the check. Five failures lock the conversation (oms.verification).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions.backend import backend
from chatbot.actions.conversation import language, locked, renewed, slot_key, verified_order_id
from oms import verification
from oms.store.conversations import TooManyTurns
from oms.verification import Attempts, Hashers


class ValidateVerifyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_verify_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        now = backend().clock()
        if locked(tracker, now) or verified_order_id(tracker, backend(), now):
            return []  # nothing to ask: the task's action says what it can
        return domain_slots

    def validate_order_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        ref = slot_key(value) if isinstance(value, str) else None
        return {"order_ref": ref if ref else None}

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        return {"contact": value.strip() if isinstance(value, str) and value.strip() else None}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        events = await super().run(dispatcher, tracker, domain)
        order_ref, contact = tracker.get_slot("order_ref"), tracker.get_slot("contact")
        if not (order_ref and contact):
            return events
        checked = self._check(order_ref, contact, dispatcher, tracker)
        # Proved, or locked: nothing more to ask, the task's action answers. Failed: ask again.
        ends = any(event.get("name") in ("verified_ref", "locked_until") and event.get("value") for event in checked)
        return events + checked + ([SlotSet("requested_slot", None)] if ends else [])

    def _check(self, order_ref: str, contact: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        chat = backend()
        now: datetime = chat.clock()
        words = [SlotSet("language", language(tracker)), SlotSet("contact", None)]
        if locked(tracker, now):
            return words
        hashers = Hashers(email=chat.vault.email_hash, phone=chat.vault.phone_hash)
        try:
            chat.conversations.count_turn(f"verify:{order_ref}", verification.MOST_ATTEMPTS_PER_REFERENCE,
                                          now.timestamp(), int(verification.LOCKOUT.total_seconds()))
            order_id = verification.verified_order(contact, chat.contacts.candidates(order_ref), hashers)
        except TooManyTurns:
            order_id = None  # answered as any failure: the reference's owner is not told either
        if order_id is not None:
            return [*words, renewed(order_id, tracker, chat, now), SlotSet("verified_ref", order_ref),
                    SlotSet("failed_attempts", 0), SlotSet("locked_until", None)]
        attempts = Attempts(int(tracker.get_slot("failed_attempts") or 0)).failed(now)
        if not attempts.locked(now):  # a lock is told by the task's action, once the form ends
            dispatcher.utter_message(response="utter_verification_failed", attempts_left=attempts.left)
        return [*words, SlotSet("order_ref", None), SlotSet("verification", None), SlotSet("verified_ref", None),
                SlotSet("failed_attempts", attempts.failures),
                SlotSet("locked_until", attempts.locked_until.timestamp() if attempts.locked_until else None)]
