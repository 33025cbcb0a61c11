"""Conversations with the chat function on moto: orders placed, shipped and delivered through
the OMS's own functions, then talked about as a customer would."""

from __future__ import annotations

import json
import random
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from oms.changes import Change, ShipmentMove
from oms.store.conversations import sender_digest
from oms.store.tables import Tables
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import stream_event

SHOP = {"principalId": "chat:demo", "kind": "chat", "shop": "demo"}
# Two lines no one location holds both of at the demo stock; paid by card.
TEE_AND_MUG = dict(lines=[{"sku": "TSHIRT-BLUE-L", "quantity": 2, "unit_price": "20.00", "name": "Blue tee"},
                          {"sku": "MUG-LOGO", "quantity": 1, "unit_price": "12.00", "name": "Logo mug"}],
                   shipping="5.00", tax="4.16", discount="0", total="61.16")


class Chat:
    """One customer's conversation: a random sender id, as the widget makes one."""

    def __init__(self, deployed, sender: str | None = None):
        self._deployed = deployed
        self._function = deployed.function("ChatFunction")
        self.sender = sender or secrets.token_urlsafe(18)

    def say(self, message: str) -> list[dict]:
        answer = self._function.invoke(api_event("POST", "/webhooks/rest/webhook",
                                                 body={"sender": self.sender, "message": message}, principal=SHOP))
        assert answer["statusCode"] == 200, answer
        replies = response_json(answer)
        assert all(reply["recipient_id"] == self.sender for reply in replies)
        return replies

    def ask(self, message: str) -> str:
        return "\n".join(reply["text"] for reply in self.say(message))

    def state(self) -> dict:
        item = self._item()
        return json.loads(item["state"]["S"])

    def rewind(self, minutes: int) -> None:
        """As if the customer's last message, and any lock, were `minutes` earlier."""
        item, state = self._item(), self.state()
        state["last_at"] -= minutes * 60
        if state["slots"].get("locked_until"):
            state["slots"]["locked_until"] -= minutes * 60
        item["state"] = {"S": json.dumps(state)}
        self._deployed.client("dynamodb").put_item(TableName=self._deployed.name_of("ChatTable"), Item=item)

    def _item(self) -> dict:
        return self._deployed.client("dynamodb").get_item(
            TableName=self._deployed.name_of("ChatTable"),
            Key={"pk": {"S": f"CONVERSATION#demo#{sender_digest(self.sender)}"}, "sk": {"S": "STATE"}})["Item"]


@pytest.fixture
def tables(deployed):
    return Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


@pytest.fixture
def chat(deployed):
    return Chat(deployed)


@pytest.fixture
def shop(deployed, tables):
    return Shop(deployed, tables)


class Shop:
    """Orders placed and moved along by the OMS's functions, as a shop's would be."""

    def __init__(self, deployed, tables):
        self._deployed, self._tables = deployed, tables

    def order(self, **overrides) -> tuple[str, str, str]:
        """A new order: (its id, its number as the customer knows it, the customer's email)."""
        number = f"#{random.randrange(10_000, 99_999_999)}"
        payload = unique_order_payload(channel_order_number=number, **overrides)
        answer = self._deployed.function("IntakeFunction").invoke(
            api_event("POST", "/orders", body=payload, principal=channel_principal()))
        order_id = response_json(answer)["order_id"]
        self._deployed.function("AllocationFunction").invoke(stream_event(self._deployed, order_id))
        return order_id, number, payload["customer"]["email"]

    def ship(self, order_id: str, carrier: str = "UPS") -> str:
        order = self._tables.order(order_id)
        shipment = order.shipments[0]
        tracking = "1Z" + secrets.token_hex(8).upper()
        answer = self._deployed.function("FulfilmentFunction").invoke(api_event(
            "POST", "/shipments/{shipment_id}/ship", f"/shipments/{shipment.shipment_id}/ship",
            body={"carrier": carrier, "tracking_number": tracking},
            principal={"principalId": "l", "kind": "location", "location_id": shipment.location_id},
            path_parameters={"shipment_id": shipment.shipment_id}))
        assert answer["statusCode"] == 200, answer
        return tracking

    def deliver(self, order_id: str, days_ago: int = 2) -> None:
        """As a carrier's delivery event would (an order of one shipment)."""
        order = self._tables.order(order_id)
        shipment = order.shipments[0]
        at = datetime.now(UTC) - timedelta(days=days_ago)
        shipped = shipment.model_copy(update={"status": "shipped"})
        self._tables.commit(Change(at=at, actor="carrier", order_id=order_id, order_from=order.status,
                                   order_version=order.version, order_to="delivered",
                                   shipment_moves=(ShipmentMove(shipment, "shipped", shipped_at=at),)))
        order = self._tables.order(order_id)
        self._tables.commit(Change(at=at, actor="carrier", order_id=order_id, order_from=order.status,
                                   order_version=order.version,
                                   shipment_moves=(ShipmentMove(shipped, "delivered", delivered_at=at),)))
