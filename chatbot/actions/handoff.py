"""Handing the customer to a person: a case to pick up naming the conversation (by its digest) and
the order if one was verified — never what was said. Ops hear of it from the Chat table's stream."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions.backend import backend
from chatbot.actions.conversation import language, verified_order_id
from oms import ids


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        chat = backend()
        now = chat.clock()
        shop = ((tracker.latest_message or {}).get("metadata") or {}).get("shop") or "rasa"
        case_id = "case_" + ids.unique_suffix()
        order_id = verified_order_id(tracker, chat, now)
        words = language(tracker)
        chat.conversations.open_case(case_id, shop, tracker.sender_id, {"order_id": order_id or "", "language": words},
                                     now.timestamp())
        dispatcher.utter_message(response="utter_handoff", case_id=case_id)
        return [SlotSet("language", words)]
