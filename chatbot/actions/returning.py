"""Starting a return of what the verified order delivered: which lines and why, said back with
the refund, then asked on a yes through oms.returns (authorised at once within the window)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import wording
from chatbot.actions.backend import backend
from chatbot.actions.choosing import meant_lines, return_reason
from chatbot.actions.conversation import actor, done_asking, language, verified
from chatbot.actions.naming import named_skus, product_words, refund_text, units_of
from oms import returns
from oms.models import Order, ReturnReason
from oms.policy import NotAllowed, refund_due, returnable


class ValidateReturnForm(FormValidationAction):
    def name(self) -> str:
        return "validate_return_form"

    def validate_return_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        reason = return_reason(str(value or ""))
        return {"return_reason": reason.value if reason else None}


class ActionAskReturn(Action):
    def name(self) -> str:
        return "action_ask_return"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        order, events = verified(dispatcher, tracker, backend())
        if order is None:
            return events
        words = language(tracker)
        units = _units(order, tracker, words)
        if isinstance(units, str):
            dispatcher.utter_message(response="utter_return_refused", reason=units)
            return events + done_asking()
        reason = tracker.get_slot("return_reason") or _reason_in(tracker)
        chosen = [SlotSet("chosen_lines", {str(n): u for n, u in units.items()})]
        if reason is None:
            return events + chosen + [FollowupAction("return_form")]
        due = refund_due(order, units, include_shipping=False)
        dispatcher.utter_message(response="utter_ask_return", what=wording.lines_text(order, units, words),
                                 refund=refund_text(due, order.currency, words))
        return events + chosen + [SlotSet("return_reason", reason), SlotSet("awaiting", "return")]


class ActionStartReturn(Action):
    def name(self) -> str:
        return "action_start_return"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        chat = backend()
        order, events = verified(dispatcher, tracker, chat)
        units, reason = units_of(tracker.get_slot("chosen_lines")), tracker.get_slot("return_reason")
        if order is None or not units or reason not in ReturnReason.__members__.values():
            if order is not None:
                dispatcher.utter_message(response="utter_not_done")
            return events + done_asking() + [SlotSet("return_reason", None)]
        words = language(tracker)
        try:
            started = returns.request(order.order_id, units, {n: ReturnReason(reason) for n in units}, actor(tracker),
                                      chat.return_rules(), chat.tables)
        except NotAllowed:
            refusal = _units(chat.tables.order(order.order_id) or order, tracker, words)
            dispatcher.utter_message(response="utter_return_refused",
                                     reason=refusal if isinstance(refusal, str) else wording.REFUSAL[words]["all_returned"])
            return events + done_asking() + [SlotSet("return_reason", None)]
        place = next((location.name for location in chat.tables.locations()
                      if location.location_id == started.return_to), None)
        dispatcher.utter_message(response="utter_return_started", return_id=started.return_id,
                                 **_next_steps(started.status, place, words))
        return events + done_asking() + [SlotSet("return_reason", None)]


def _units(order: Order, tracker: Tracker, words: str) -> dict[int, int] | str:
    texts = wording.REFUSAL[words]
    can = {n: u for n, u in returnable(order).items() if u}
    if not can:
        delivered = any(s.status == "delivered" for s in order.shipments)
        return texts["all_returned"] if delivered else texts["nothing_delivered"]
    named = meant_lines(order, named_skus(tracker), product_words(tracker), can)
    if not named and (named_skus(tracker) or product_words(tracker)):
        return texts["no_line"]
    return {n: can[n] for n in named} if named else can


def _reason_in(tracker: Tracker) -> str | None:
    reason = return_reason((tracker.latest_message or {}).get("text") or "")
    return reason.value if reason else None


def _next_steps(status: str, place: str | None, words: str) -> dict[str, str]:
    if words == "zh":
        if status == "authorised":
            return {"state": "已批准", "next": f"请将商品寄回{place}。" if place else "我们会告诉您寄回地址。"}
        return {"state": "已提交，等待客服审核", "next": "审核后会通知您。"}
    if status == "authorised":
        return {"state": "authorised", "next": f"Please send it back to {place}." if place else
                "We'll tell you where to send it."}
    return {"state": "waiting for our team to approve it", "next": "We'll let you know once they have."}
