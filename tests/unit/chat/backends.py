"""The chat's backend over the in-memory store: orders, stock and the OMS's rules as on DynamoDB,
with contacts and cases kept in lists (for action tests and the chat bench)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.actions.backend import Backend
from oms.allocation import allocate
from oms.ids import new_order_id
from oms.models import CHANNEL_DATA, Location, Order, OrderStatus
from oms.pii import CustomerHashes, DataKeys, PiiVault
from oms.policy import ReturnRules
from oms.verification import ContactFacts, normal_order_ref
from tests.memory import Level, MemoryStore

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RENO = Location(location_id="wh-reno", name="Reno fulfilment centre", kind="warehouse", latitude="39.53",
                longitude="-119.81", country="US", region="NV")
SF = Location(location_id="store-sf", name="San Francisco store", kind="store", latitude="37.7749",
              longitude="-122.4194", country="US", region="CA", can_pickup=True)
VAULT = PiiVault(DataKeys(kms=None, key_id="unused"), CustomerHashes(lambda: b"test-hash-secret"))


class Contacts:
    def __init__(self):
        self.facts: dict[str, list[ContactFacts]] = {}

    def candidates(self, order_ref: str) -> list[ContactFacts]:
        return self.facts.get(normal_order_ref(order_ref), [])


class Cases:
    """Cases opened, and attempts counted without a limit."""

    def __init__(self):
        self.opened = []

    def count_turn(self, scope, limit, now=None, window_seconds=60):
        pass

    def open_case(self, case_id, shop, sender, attributes, now=None):
        self.opened.append((case_id, shop, attributes))


def memory_store() -> MemoryStore:
    return MemoryStore([RENO, SF], levels={("MUG-LOGO", "wh-reno"): Level(on_hand=1000),
                                           ("MUG-LOGO", "store-sf"): Level(on_hand=5)})


def memory_backend(store: MemoryStore, clock=lambda: NOW) -> Backend:
    return Backend(tables=store, sealed=None, contacts=Contacts(), vault=VAULT, conversations=Cases(),
                   return_rules=ReturnRules, catalogue=lambda: ["MUG-LOGO"], clock=clock)


def placed(store: MemoryStore, backend: Backend, number: str = "#1001", email: str = "jo@example.com") -> Order:
    """An allocated order of two mugs, which `email` (or the postcode 80202) proves."""
    order_id = new_order_id()
    store.orders[order_id] = Order.model_validate({
        "order_id": order_id, "channel": "web", "channel_order_id": order_id, "channel_order_number": number,
        "placed_at": NOW - timedelta(days=3), "currency": "USD", "delivery": {"method": "standard"},
        "payment": {"method": "card", "status": "paid"},
        "shipping_address": {"line1": "1 Main St", "city": "Denver", "region": "CO", "postal_code": "80202",
                             "country": "US"},
        "lines": [{"sku": "MUG-LOGO", "quantity": 2, "unit_price": "10.00", "name": "Logo mug"}], "total": "20.00",
        "status": OrderStatus.APPROVED, "created_at": NOW, "updated_at": NOW,
    }, context=CHANNEL_DATA)
    allocate(order_id, store, NOW - timedelta(days=3))
    backend.contacts.facts[normal_order_ref(number)] = [ContactFacts(order_id, VAULT.email_hash(email), None, ("80202",))]
    return store.order(order_id)
