"""Random histories of orders and stock, with any step delivered twice: the stock stays true.

hypothesis drives the real domain (allocation, the locations' actions, cancellation, counts,
receipts, backorders) over an in-memory store that commits as DynamoDB does, and after
every step checks what must always hold:
- units reserved at a location = units of its open shipments;
- on hand = what was there + received + counted − shipped − written off;
- nothing negative, and nothing promised that was not free;
- an order's stored status is what its shipments make it;
- a location's day counts exactly the units committed to it that day and still live;
- no line is ever covered by more units than were ordered.
Any commit may also meet another transaction and be cancelled, as DynamoDB cancels one.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oms.allocation import allocate
from oms.backorders import resource_waiting_orders
from oms.errors import Conflict, NotFound
from oms.fulfilment import RejectionReason, accept, pick, reject, ship
from oms.ids import new_order_id
from oms.lifecycle import DERIVED, LEFT, LIVE, OPEN, derived_status
from oms.models import CHANNEL_DATA, Location, Order, OrderStatus
from oms.review import decide
from tests.memory import Level, MemoryStore

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday
SKUS = ("MUG", "CAP", "TEE")
PLACES = (
    Location(location_id="wh-east", name="East", kind="warehouse", latitude="40.71", longitude="-74.0",
             country="US", daily_capacity=9),
    Location(location_id="wh-west", name="West", kind="warehouse", latitude="37.77", longitude="-122.42",
             country="US", daily_capacity=7),
    Location(location_id="store-mid", name="Mid", kind="store", latitude="41.88", longitude="-87.63",
             country="US", can_pickup=True, daily_capacity=5),
)
LOCATION_IDS = tuple(place.location_id for place in PLACES)


def new_order(lines: list[tuple[str, int]], pickup: bool) -> Order:
    order_id = new_order_id()
    delivery = {"method": "store_pickup", "pickup_location_id": "store-mid"} if pickup else {"method": "standard"}
    total = sum(quantity * 10 for _, quantity in lines)
    return Order.model_validate({
        "order_id": order_id, "channel": "web", "channel_order_id": order_id, "placed_at": NOW, "currency": "USD",
        "customer": {"name": "Ada", "email": "ada@example.com"}, "delivery": delivery,
        "payment": {"method": "card", "status": "paid"},
        "shipping_address": None if pickup else {"line1": "1 Main St", "city": "Denver", "postal_code": "80202",
                                                 "country": "US"},
        "lines": [{"sku": sku, "quantity": quantity, "unit_price": "10.00"} for sku, quantity in lines],
        "total": Decimal(total), "status": OrderStatus.APPROVED, "created_at": NOW, "updated_at": NOW,
    }, context=CHANNEL_DATA)


class Fulfilment(RuleBasedStateMachine):

    @initialize(levels=st.lists(st.integers(0, 9), min_size=len(SKUS) * len(PLACES), max_size=len(SKUS) * len(PLACES)))
    def stock_up(self, levels: list[int]) -> None:
        self.store = MemoryStore(list(PLACES))
        pairs = [(sku, location_id) for sku in SKUS for location_id in LOCATION_IDS]
        for pair, on_hand in zip(pairs, levels, strict=True):
            self.store.levels[pair] = Level(on_hand=on_hand)
        self.initial = {pair: level.on_hand for pair, level in self.store.levels.items()}
        self.came_in: Counter[tuple[str, str]] = Counter()  # received and counted
        self.done: list[tuple] = []
        self.order_ids: list[str] = []

    # ------------------------------------------------------------ what happens

    @rule(lines=st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 4)), min_size=1, max_size=3,
                         unique_by=lambda line: line[0]), pickup=st.booleans())
    def place(self, lines, pickup):
        """An approved order, allocated at once as the Orders stream would."""
        order = new_order(lines, pickup)
        self.store.orders[order.order_id] = order
        self.order_ids.append(order.order_id)
        self._run(("allocate", order.order_id))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def allocate(self, which):
        """Sourcing again what waits (after a rejection, or stock arrived)."""
        self._run(("allocate", self._order(which)))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def accept(self, which):
        self._on_a_shipment("accept", which)

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def pick(self, which):
        self._on_a_shipment("pick", which)

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def ship(self, which):
        self._on_a_shipment("ship", which)

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), reason=st.sampled_from(list(RejectionReason)))
    def reject(self, which, reason):
        self._on_a_shipment("reject", which, reason)

    def _order(self, which: int) -> str:
        return self.order_ids[which % len(self.order_ids)]

    def _on_a_shipment(self, action: str, which: int, *more) -> None:
        shipments = [s for o in self.store.orders.values() for s in o.shipments]
        if shipments:
            shipment = shipments[which % len(shipments)]
            self._run((action, shipment.shipment_id, shipment.location_id, *more))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def cancel(self, which):
        self._run(("cancel", self._order(which)))

    @rule(sku=st.sampled_from(SKUS), location_id=st.sampled_from(LOCATION_IDS), delta=st.integers(-3, 3))
    def count(self, sku, location_id, delta):
        free = self.store.levels[(sku, location_id)].available
        delta = max(delta, -max(0, free))  # a count finds losses among free units, never reserved ones
        if delta:
            self.store.count(sku, location_id, delta)
            self.came_in[(sku, location_id)] += delta

    @rule(sku=st.sampled_from(SKUS), location_id=st.sampled_from(LOCATION_IDS), quantity=st.integers(1, 5))
    def receive(self, sku, location_id, quantity):
        self.store.receive(sku, location_id, quantity)
        self.came_in[(sku, location_id)] += quantity
        self._run(("backorders", sku))

    @rule()
    def contend(self):
        """The next commit meets another transaction on one of its items, and is cancelled."""
        self.store.contend_next = True

    @rule(data=st.data())
    def deliver_again(self, data):
        """Any step that happened is delivered once more, as a stream or a client may."""
        if self.done:
            self._run(data.draw(st.sampled_from(self.done)), again=True)

    def _run(self, step: tuple, again: bool = False) -> None:
        name, *args = step
        try:
            match name:
                case "allocate":
                    allocate(args[0], self.store, NOW)
                case "cancel":
                    decide(args[0], OrderStatus.CANCELLED, "operations", None, self.store, NOW)
                case "backorders":
                    resource_waiting_orders(args[0], self.store, self.store, NOW)
                case "accept":
                    accept(args[0], args[1], self.store, NOW)
                case "pick":
                    pick(args[0], args[1], self.store, NOW)
                case "ship":
                    ship(args[0], args[1], "UPS", f"1Z{args[0][-12:]}", self.store, NOW)
                case "reject":
                    reject(args[0], args[1], args[2], self.store, NOW)
        except (Conflict, NotFound):
            return  # the lifecycle refused it, as it should when the step makes no sense now
        if not again:
            self.done.append(step)

    # ------------------------------------------------------------ what always holds

    def _shipments(self):
        return [s for order in self.store.orders.values() for s in order.shipments]

    def _units(self, statuses) -> Counter[tuple[str, str]]:
        units: Counter[tuple[str, str]] = Counter()
        for shipment in self._shipments():
            if shipment.status in statuses:
                for line in shipment.lines:
                    units[(line.sku, shipment.location_id)] += line.quantity
        return units

    @invariant()
    def reserved_is_what_open_shipments_hold(self):
        open_units = self._units(OPEN)
        assert {pair: level.reserved for pair, level in self.store.levels.items()} == {
            pair: open_units[pair] for pair in self.store.levels}

    @invariant()
    def on_hand_is_what_came_in_less_what_left(self):
        left = self._units(LEFT)
        written_off = Counter()
        for movement in self.store.movements:
            if movement.kind == "write_off":
                written_off[(movement.sku, movement.location_id)] -= movement.on_hand
        for pair, level in self.store.levels.items():
            assert level.on_hand == self.initial.get(pair, 0) + self.came_in[pair] - left[pair] - written_off[pair]

    @invariant()
    def nothing_negative_nothing_promised_that_was_not_free(self):
        for level in self.store.levels.values():
            assert level.on_hand >= 0 and level.reserved >= 0 and level.available >= 0

    @invariant()
    def stored_status_is_the_derived_one(self):
        for order in self.store.orders.values():
            if order.status in DERIVED:
                assert order.status == derived_status(order), order.order_id

    @invariant()
    def each_day_counts_the_units_committed_to_it(self):
        committed: Counter = Counter()
        for shipment in self._shipments():
            if shipment.status in LIVE:
                committed[(shipment.location_id, shipment.capacity_day)] += shipment.units
        assert {day: units for day, units in self.store.committed.items() if units} == dict(committed)
        for place in PLACES:
            assert committed[(place.location_id, NOW.date())] <= place.daily_capacity

    @invariant()
    def no_line_covered_twice(self):
        for order in self.store.orders.values():
            covered = Counter()
            for shipment in order.shipments:
                if shipment.status in LIVE:
                    for line in shipment.lines:
                        covered[line.line_no] += line.quantity
            for number, line in enumerate(order.lines, start=1):
                assert covered[number] <= line.quantity


Fulfilment.TestCase.settings = settings(max_examples=200, stateful_step_count=50, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow])
TestFulfilmentProperties = Fulfilment.TestCase
