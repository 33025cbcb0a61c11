"""Is it in stock: available to promise for a SKU or a product the customer names, and the
nearest store that has it for pickup. Public facts: no verification needed, no order told."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions.backend import Backend, backend
from chatbot.actions.conversation import language
from chatbot.actions.naming import named_skus, product_words
from oms.geocoding import locate
from oms.inventory import availability, pickup_stores
from oms.models import Address

_MOST_SKUS_TOLD = 3


class ValidateStockForm(FormValidationAction):
    def name(self) -> str:
        return "validate_stock_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        return [] if tracker.get_slot("sku") else domain_slots  # a SKU names the product

    def validate_product(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        return {"product": text[:100] if len(text) >= 2 else None}


class ActionCheckStock(Action):
    def name(self) -> str:
        return "action_check_stock"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        chat = backend()
        words = language(tracker)
        skus = _skus(tracker, chat)
        forget = [SlotSet("language", words), SlotSet("product", None), SlotSet("sku", None)]
        if not skus:  # what they typed is not said back: it could be anything
            dispatcher.utter_message(response="utter_stock", summary=(
                "抱歉，没有找到这件商品。可以告诉我它的货号（SKU）吗？" if words == "zh" else
                "Sorry, I couldn't find that product. Could you give me its SKU?"))
            return forget
        locations = chat.tables.locations()
        near = _near(tracker.get_slot("near"), locations)
        told = [_told(availability(sku, chat.tables.stock(sku), locations), locations, near, words)
                for sku in skus[:_MOST_SKUS_TOLD]]
        dispatcher.utter_message(response="utter_stock", summary=" ".join(told))
        return forget


def _skus(tracker: Tracker, chat: Backend) -> list[str]:
    catalogue = chat.catalogue()
    named = [sku for sku in [*named_skus(tracker), (tracker.get_slot("sku") or "").upper()] if sku in catalogue]
    if named:
        return list(dict.fromkeys(named))
    words = set(product_words(tracker))
    words |= {word.lower() for word in (tracker.get_slot("product") or "").replace("-", " ").split()}
    if not words:
        return []
    scored = [(len(words & set(sku.lower().split("-"))), sku) for sku in catalogue]
    best = max((score for score, _ in scored), default=0)
    return [sku for score, sku in scored if score == best and score > 0]


def _near(place: str | None, locations: list) -> tuple[float, float] | None:
    """Where the customer is, from a ZIP or a city, in the country the stores are in."""
    if not place or not locations:
        return None
    countries = [location.country for location in locations]
    country = max(set(countries), key=countries.count)
    is_code = any(character.isdigit() for character in place)
    try:
        point = locate(Address(line1="-", city="-" if is_code else place, postal_code=place if is_code else None,
                               country=country))
    except ValueError:
        return None
    if point is None or point.method == "country":
        return None
    return float(point.latitude), float(point.longitude)


def _told(available, locations: list, near: tuple[float, float] | None, words: str) -> str:
    stores = pickup_stores(available, locations, near)
    zh = words == "zh"
    if available.available <= 0:
        return f"{available.sku} 目前缺货。" if zh else f"{available.sku} is out of stock right now."
    head = (f"{available.sku} 有货（可售 {available.available} 件）。" if zh
            else f"{available.sku} is in stock ({available.available} available to order).")
    if not stores:
        return head + (" 目前没有门店可自提。" if zh else " No store has it for pickup right now.")
    row, km = stores[0]
    distance = f"{km:.0f} km" if km is not None else ""
    if zh:
        return head + f" 可到{row.name}自提" + (f"（约 {distance}）" if distance else "") + f"，该店有 {row.available} 件。"
    return head + f" You can pick it up at {row.name}" + (f" ({distance} away)" if distance else "") + \
        f", which has {row.available}."
