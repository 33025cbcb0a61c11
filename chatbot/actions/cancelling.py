"""Cancelling the verified order, or some of its lines: say exactly what and what comes back,
then do it on a yes, by oms.cancellation's rules. What has left can be returned instead."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import wording
from chatbot.actions.backend import backend
from chatbot.actions.conversation import actor, done_asking, language, verified
from chatbot.actions.choosing import meant_lines
from chatbot.actions.naming import named_skus, product_words, refund_text, units_of
from oms import cancellation
from oms.models import Order
from oms.policy import NotAllowed, cancellable, check_cancel, refund_due, ships_nothing_after


class ActionAskCancel(Action):
    def name(self) -> str:
        return "action_ask_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        order, events = verified(dispatcher, tracker, backend())
        if order is None:
            return events
        words = language(tracker)
        refusal = _refusal(order, tracker, words)
        if isinstance(refusal, str):
            dispatcher.utter_message(response="utter_cancel_refused", reason=refusal)
            if order.status not in ("cancelled", "refunded"):
                dispatcher.utter_message(response="utter_offer_return")
            return events + done_asking()
        units = refusal
        due = refund_due(order, units, include_shipping=ships_nothing_after(order, units))
        dispatcher.utter_message(response="utter_ask_cancel", what=wording.lines_text(order, units, words),
                                 refund=refund_text(due, order.currency, words))
        return events + [SlotSet("awaiting", "cancel"), SlotSet("chosen_lines", {str(n): u for n, u in units.items()})]


class ActionCancelOrder(Action):
    def name(self) -> str:
        return "action_cancel_order"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        chat = backend()
        order, events = verified(dispatcher, tracker, chat)
        if order is None:
            return events + done_asking()
        words, units = language(tracker), units_of(tracker.get_slot("chosen_lines"))
        if not units:
            dispatcher.utter_message(response="utter_not_done")
            return events + done_asking()
        try:
            done = cancellation.cancel(order.order_id, actor(tracker), "asked in chat", chat.tables, lines=units)
        except NotAllowed:
            after = chat.tables.order(order.order_id) or order
            refusal = _refusal(after, tracker, words)
            dispatcher.utter_message(response="utter_cancel_refused",
                                     reason=refusal if isinstance(refusal, str) else wording.REFUSAL[words]["all_left"])
            dispatcher.utter_message(response="utter_offer_return")
            return events + done_asking()
        refund = done.refund
        dispatcher.utter_message(response="utter_cancelled", what=wording.lines_text(order, done.units, words),
                                 refund=refund_text(refund, order.currency, words, done=True))
        return events + done_asking()


def _refusal(order: Order, tracker: Tracker, words: str) -> dict[int, int] | str:
    """The units to cancel (those named, or all that still can be), or why none can."""
    texts = wording.REFUSAL[words]
    if order.status in ("cancelled", "refunded"):
        return texts["gone"].format(status=wording.STATUS[words].get(order.status, order.status))
    can = cancellable(order)
    named = meant_lines(order, named_skus(tracker), product_words(tracker), {n: u for n, u in can.items()})
    if not named and (named_skus(tracker) or product_words(tracker)):
        every = meant_lines(order, named_skus(tracker), product_words(tracker), {n: 1 for n in can})
        if every:  # they named a line, and it has left
            return texts["some_left"].format(line=wording.lines_text(order, {n: order.lines[n - 1].live_quantity
                                                                           for n in every}, words))
    units = {n: can[n] for n in named if can[n]} if named else {n: u for n, u in can.items() if u}
    if not units:
        return texts["all_left"]
    try:
        return check_cancel(order, units)
    except NotAllowed:
        return texts["all_left"]
