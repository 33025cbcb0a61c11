"""What the assistant does next: the rules of data/rules.yml, as code.

A task (track, cancel, return, change the address) always starts with the verification form;
its action runs when the form is done. A yes or no answers what an action asked, and nothing
else. A form keeps asking until it is filled, the customer says no, or asks for something else.
Pure: it reads the intent and the conversation's state, and names actions.
"""

from __future__ import annotations

from typing import Any

TASK_INTENTS = {"track_order": "track", "cancel_order": "cancel", "return_order": "return", "change_address": "address"}
AFTER_VERIFY = {"track": "action_order_status", "cancel": "action_ask_cancel", "return": "action_ask_return",
                "address": "action_ask_address_change"}
AFTER_FORM = {"return_form": "action_ask_return", "address_form": "action_ask_address_change",
              "stock_form": "action_check_stock"}
ON_YES = {"cancel": "action_cancel_order", "return": "action_start_return", "address": "action_change_address"}
UTTERED = {"greet": "utter_greet", "goodbye": "utter_goodbye", "thanks": "utter_thanks",
           "out_of_scope": "utter_out_of_scope", "nlu_fallback": "utter_out_of_scope",
           "delivery_options": "utter_delivery_options", "payment_options": "utter_payment_options"}
# Said during a form without answering it: answered, then the form asks again.
_ASIDES = frozenset(UTTERED) - {"goodbye"}
DEACTIVATE = "action_deactivate_loop"


# Details given with no task asked: they want to know where the order is.
_IDENTIFYING = frozenset({"order_ref", "email", "phone"})


def first_actions(intent: str, slots: dict[str, Any], active_loop: str | None, answered_form: bool,
                  entities: frozenset[str] = frozenset()) -> list[str]:
    """The actions that answer a message (a form named here runs; its completion is `after_form`).
    `answered_form`: the message filled a slot of the active form; `entities`: those it carries."""
    awaiting = slots.get("awaiting")
    if awaiting and intent == "affirm":
        return [ON_YES[awaiting]]
    if awaiting and intent == "deny":
        return ["action_not_done"]
    if active_loop:
        if intent in TASK_INTENTS:
            return [DEACTIVATE, "action_set_task", "verify_form"]
        if intent == "human_handoff":
            return [DEACTIVATE, "action_handoff"]
        if intent == "goodbye" and not answered_form:
            return [DEACTIVATE, "utter_goodbye"]
        if intent == "deny" and not answered_form:
            return [DEACTIVATE, "action_not_done"]
        if intent in _ASIDES and not answered_form:
            return [UTTERED[intent], active_loop]
        return [active_loop]
    if intent in TASK_INTENTS:
        return ["action_set_task", "verify_form"]
    if intent == "check_stock":
        return ["stock_form"]
    if intent == "human_handoff":
        return ["action_handoff"]
    if intent in UTTERED:
        return [UTTERED[intent]]
    if intent == "inform" and entities & _IDENTIFYING:
        return ["action_set_task", "verify_form"]
    return ["utter_how_can_help"]


def after_form(form: str, slots: dict[str, Any]) -> str:
    if form == "verify_form":
        return AFTER_VERIFY[slots.get("task") or "track"]
    return AFTER_FORM[form]
