"""Changing the verified order's shipping address: asked only while the rules allow it, said
back masked, changed on a yes through oms.addresses (the same withdrawal of picks as staff's)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import wording
from chatbot.actions.backend import backend
from chatbot.actions.conversation import actor, done_asking, language, verified
from oms.addresses import change_address
from oms.models import Address, Order
from oms.policy import NotAllowed, check_address_change

_PARTS = ("address_line1", "address_city", "address_postcode")


class ValidateAddressForm(FormValidationAction):
    def name(self) -> str:
        return "validate_address_form"

    def validate_address_line1(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return {"address_line1": _text(value, 3, 200)}

    def validate_address_city(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        return {"address_city": _text(value, 2, 100)}

    def validate_address_postcode(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        code = _text(value, 2, 20)
        return {"address_postcode": code.upper() if code and any(c.isdigit() for c in code) else None}


class ActionAskAddressChange(Action):
    def name(self) -> str:
        return "action_ask_address_change"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        order, events = verified(dispatcher, tracker, backend())
        if order is None:
            return events
        words = language(tracker)
        if (refusal := _refusal(order, words)) is not None:
            dispatcher.utter_message(response="utter_address_refused", reason=refusal)
            return events + done_asking() + _forgotten()
        address = _new_address(order, tracker)
        if address is None:
            return events + [FollowupAction("address_form")]
        dispatcher.utter_message(response="utter_ask_address_change", address=masked(address))
        return events + [SlotSet("awaiting", "address")]


class ActionChangeAddress(Action):
    def name(self) -> str:
        return "action_change_address"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        chat = backend()
        order, events = verified(dispatcher, tracker, chat)
        address = _new_address(order, tracker) if order else None
        if order is None or address is None:
            if order is not None:
                dispatcher.utter_message(response="utter_not_done")
            return events + done_asking() + _forgotten()
        words = language(tracker)
        # The recipient stays who they were: only where it goes changes.
        recipient = chat.sealed.get(order.order_id).shipping_address
        address = address.model_copy(update={"name": recipient.name if recipient else None,
                                             "company": recipient.company if recipient else None})
        try:
            change_address(order.order_id, address, actor(tracker), chat.tables, chat.sealed.resealed_with)
        except NotAllowed:
            after = chat.tables.order(order.order_id) or order
            dispatcher.utter_message(response="utter_address_refused",
                                     reason=_refusal(after, words) or wording.REFUSAL[words]["packed"])
            return events + done_asking() + _forgotten()
        dispatcher.utter_message(response="utter_address_changed", address=masked(address))
        return events + done_asking() + _forgotten()


def masked(address: Address) -> str:
    """Enough for the customer to recognise it, never the street in full."""
    street = " ".join(word[:2] + "•" * max(0, len(word) - 2) if not word.isdigit() else word[:1] + "•" * (len(word) - 1)
                      for word in address.line1.split())
    return ", ".join(part for part in (street, address.city, address.postal_code) if part)


def _refusal(order: Order, words: str) -> str | None:
    try:
        check_address_change(order)
    except NotAllowed:
        texts = wording.REFUSAL[words]
        if order.status in ("cancelled", "refunded"):
            return texts["gone"].format(status=wording.STATUS[words].get(order.status, order.status))
        return texts["pickup"] if order.delivery.method == "store_pickup" else texts["packed"]
    return None


def _new_address(order: Order, tracker: Tracker) -> Address | None:
    parts = [tracker.get_slot(part) for part in _PARTS]
    if not all(parts) or order.shipping_address is None:
        return None
    line1, city, postcode = parts
    same_city = city.strip().lower() == (order.shipping_address.city or "").strip().lower()
    try:
        return Address(line1=line1, city=city, postal_code=postcode, country=order.shipping_address.country,
                       region=order.shipping_address.region if same_city else None)
    except ValidationError:
        return None


def _forgotten() -> list[dict]:
    """The new address is not kept in the conversation once it is used or refused."""
    return [SlotSet(part, None) for part in _PARTS]


def _text(value: Any, shortest: int, longest: int) -> str | None:
    text = " ".join(str(value or "").split())
    return text if shortest <= len(text) <= longest else None
