"""What the customer asked to do, kept while the verification form runs; and a "no" that
leaves everything as it was."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions.conversation import done_asking, language
from chatbot.actions.naming import named_now

TASKS = {"track_order": "track", "cancel_order": "cancel", "return_order": "return", "change_address": "address"}


class ActionSetTask(Action):
    def name(self) -> str:
        return "action_set_task"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        task = TASKS.get(intent, tracker.get_slot("task") or "track")
        return [SlotSet("language", language(tracker)), SlotSet("task", task), *done_asking(),
                SlotSet("named", named_now(tracker))]


class ActionNotDone(Action):
    def name(self) -> str:
        return "action_not_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        dispatcher.utter_message(response="utter_not_done")
        return [SlotSet("language", language(tracker)), *done_asking(), SlotSet("return_reason", None)]
