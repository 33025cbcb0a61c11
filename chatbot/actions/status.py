"""Where the verified order is: its status, each parcel's tracking, ETA, delay and latest scans."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import wording
from chatbot.actions.backend import backend
from chatbot.actions.conversation import language, verified
from oms.carriers.links import tracking_url
from oms.models import ShipmentMode, ShipmentStatus

_NOT_THE_CUSTOMERS = frozenset({ShipmentStatus.REJECTED, ShipmentStatus.CANCELLED})


class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        order, events = verified(dispatcher, tracker, backend())
        if order is None:
            return events
        words = language(tracker)
        # Transfers to a pickup store and shipments replaced by others are the OMS's business.
        parcels = [s for s in order.shipments if s.mode != ShipmentMode.TRANSFER and s.status not in _NOT_THE_CUSTOMERS]
        summaries = [wording.parcel_summary(s, number, len(parcels), words, tracking_url(s.carrier, s.tracking_number))
                     for number, s in enumerate(parcels, start=1)]
        dispatcher.utter_message(response="utter_order_status", summary=wording.status_summary(order, summaries, words))
        return events
