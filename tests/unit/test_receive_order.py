"""Receiving an order: identity, first status, and the answer to a channel's retry."""

from datetime import UTC, datetime

from oms.intake import Outcome, fingerprint, receive_order
from oms.models import Order, OrderSubmission
from oms.store.orders import StoredOrder
from tests.factories import order_payload

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class InMemoryOrders:
    """The OrderStore contract, kept in a dict keyed like the uniqueness item."""

    def __init__(self):
        self.by_channel_order: dict[tuple[str, str], StoredOrder] = {}

    def create_once(self, order: Order, content: str) -> StoredOrder:
        key = (order.channel, order.channel_order_id)
        if key in self.by_channel_order:
            existing = self.by_channel_order[key]
            return StoredOrder(existing.order, created=False, fingerprint=existing.fingerprint)
        self.by_channel_order[key] = StoredOrder(order, created=True, fingerprint=content)
        return self.by_channel_order[key]


def submission(**overrides) -> OrderSubmission:
    return OrderSubmission.model_validate(order_payload(**overrides))


def test_a_new_order_is_received_with_an_id_a_status_and_its_first_history_event():
    receipt = receive_order(submission(), "web", InMemoryOrders(), now=NOW)

    assert receipt.outcome == Outcome.CREATED
    order = receipt.order
    assert order.order_id.startswith("ord_") and order.channel == "web"
    assert order.status == "received" and order.created_at == NOW
    assert [(e.actor, e.to_status) for e in order.history] == [("channel:web", "received")]


def test_a_retry_with_the_same_content_returns_the_first_order():
    orders = InMemoryOrders()
    first = receive_order(submission(), "web", orders, now=NOW)

    again = receive_order(submission(), "web", orders)

    assert again.outcome == Outcome.DUPLICATE
    assert again.order == first.order


def test_the_same_channel_order_id_with_other_content_is_a_conflict():
    orders = InMemoryOrders()
    receive_order(submission(), "web", orders, now=NOW)

    changed = receive_order(submission(tax="4.20", total="49.18"), "web", orders)

    assert changed.outcome == Outcome.CONFLICT


def test_the_same_channel_order_id_from_another_channel_is_another_order():
    orders = InMemoryOrders()
    web = receive_order(submission(), "web", orders, now=NOW)

    shopify = receive_order(submission(), "shopify", orders, now=NOW)

    assert shopify.outcome == Outcome.CREATED and shopify.order.order_id != web.order.order_id


def test_the_fingerprint_ignores_formatting_and_key_order():
    payload = order_payload()
    reordered = dict(reversed(list(payload.items())))
    reordered["total"] = "48.180"

    assert fingerprint(OrderSubmission.model_validate(payload)) == fingerprint(
        OrderSubmission.model_validate(reordered)
    )
