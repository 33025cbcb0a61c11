"""Random histories of orders and stock, with any step delivered twice: the stock stays true.

hypothesis drives the real domain (allocation, the locations' actions, cancellation, counts,
receipts, backorders) over an in-memory store that commits as DynamoDB does, and after
every step checks what must always hold:
- units reserved at a location = units of its open shipments;
- on hand = what was there + received + counted − shipped − written off;
- nothing negative, and nothing promised that was not free;
- an order's stored status is what its shipments make it;
- a location's day counts exactly the units committed to it that day and still live;
- no line is ever covered by more units than were ordered and not cancelled;
- refunds never add up to more than was paid.
Any commit may also meet another transaction and be cancelled, as DynamoDB cancels one.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oms import refunds, returns
from oms.addresses import change_address
from oms.channel_updates import apply_version
from oms.channels import ChannelOrder
from oms.allocation import allocate
from oms.backorders import resource_waiting_orders
from oms.errors import Conflict, NotFound
from oms.fulfilment import RejectionReason, accept, pick, reject, ship
from oms.ids import new_order_id
from oms.lifecycle import DERIVED, LEFT, LIVE, OPEN, derived_status
from oms.ids import order_id_of
from oms.models import CHANNEL_DATA, Address, Location, Order, OrderStatus, OrderSubmission, ReceivedLine, ReturnReason
from oms.policy import ReturnRules
from oms.cancellation import cancel
from oms.carriers import TrackingEvent, TrackingUpdate
from oms.tracking import apply
from tests.memory import Level, MemoryStore

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday, in the past
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
ADDRESSES = (Address(line1="9 Pine St", city="Seattle", postal_code="98101", country="US"),
             Address(line1="2 Elm St", city="Boston", postal_code="02108", country="US"))


def _sealed(order_id: str, address: Address) -> dict:
    return {"shipping_address": address.model_dump(mode="json")}  # in memory there is nothing to seal


def _sealed_personal(order_id: str, changes: dict) -> dict:
    return {name: value.model_dump() if value is not None else None for name, value in changes.items()}


def _as_sent(order: Order, fewer_on: int | None = None) -> OrderSubmission:
    """The order as its channel would send it again, perhaps with a unit fewer on one line."""
    lines = [{**line.model_dump(exclude={"cancelled"}),
              "quantity": line.quantity - (1 if number == fewer_on else 0)}
             for number, line in enumerate(order.lines, start=1)]
    data = order.model_dump(include=set(OrderSubmission.model_fields) - {"lines", "subtotal", "total_discrepancy"})
    net = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
    difference = order.total - (net + order.shipping + order.tax - order.discount)
    return OrderSubmission.model_validate({**data, "lines": lines, "total_discrepancy": difference or None},
                                          context=CHANNEL_DATA)


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
    @rule(which=st.integers(0, 99), arrives_days_ago=st.none() | st.integers(0, 60))
    def ship(self, which, arrives_days_ago):
        """A location ships; the parcel may arrive too (some days ago, as a carrier would say)."""
        self._on_a_shipment("ship", which)
        if arrives_days_ago is not None:
            self._deliver_one(which, arrives_days_ago)

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

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), line=st.integers(1, 3), units=st.integers(1, 3))
    def cancel_units(self, which, line, units):
        self._run(("cancel_units", self._order(which), line, units))

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
        self._run(("backorders", sku, quantity))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), to=st.integers(0, len(ADDRESSES) - 1))
    def change_address(self, which, to):
        self._run(("address", self._order(which), to))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), days_ago=st.integers(0, 60))
    def deliver(self, which, days_ago):
        self._deliver_one(which, days_ago)

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), days_ago=st.integers(0, 60))
    def deliver_another(self, which, days_ago):
        self._deliver_one(which, days_ago)

    def _deliver_one(self, which, days_ago):
        """A carrier says a shipped parcel arrived, some days ago (what carrier updates will do)."""
        shipments = [s for o in self.store.orders.values() for s in o.shipments if s.status == "shipped"]
        if shipments:
            self._run(("deliver", shipments[which % len(shipments)].shipment_id, days_ago))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), line=st.integers(0, 2), units=st.integers(1, 3),
          comes_back=st.none() | st.sampled_from(["sellable", "damaged"]), to=st.sampled_from(LOCATION_IDS))
    def ask_to_return(self, which, line, units, comes_back, to):
        """A customer returns units of a delivered shipment (sometimes more than came); the parcel
        may come back at once."""
        delivered = [s for o in self.store.orders.values() for s in o.shipments if s.status == "delivered"]
        if delivered:
            shipment = delivered[which % len(delivered)]
            line_no = shipment.lines[line % len(shipment.lines)].line_no
            self._run(("return", shipment.order_id, line_no, units))
            latest = self.store.order(shipment.order_id).returns[-1:]
            if comes_back and latest and latest[0].status == "authorised":
                self.receive_a_return(0, to, comes_back == "damaged", latest[0])

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def authorise_a_return(self, which):
        held = [r for o in self.store.orders.values() for r in o.returns if r.status == "requested"]
        if held:
            self._run(("authorise", held[which % len(held)].return_id))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), location_id=st.sampled_from(LOCATION_IDS), damaged=st.booleans())
    def receive_a_return(self, which, location_id, damaged, asked=None):
        coming = [r for o in self.store.orders.values() for r in o.returns if r.status == "authorised"]
        if coming:
            asked = asked or coming[which % len(coming)]
            received = tuple(ReceivedLine(line_no=line.line_no, quantity=line.quantity,
                                          condition="damaged" if damaged else "sellable") for line in asked.lines)
            self._run(("receive", asked.return_id, location_id, received))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99))
    def confirm_a_refund(self, which):
        due = [r for o in self.store.orders.values() for r in o.refunds if r.status == "requested"]
        if due:
            self._run(("confirm", due[which % len(due)].refund_id))

    def _deliver(self, shipment_id: str, at: datetime) -> None:
        """The carrier says it was delivered: the tracking domain applies it, as for any carrier event."""
        order = self.store.order(order_id_of(shipment_id))
        shipment = next(s for s in order.shipments if s.shipment_id == shipment_id)
        if shipment.status != "shipped":
            return
        delivered = TrackingUpdate(provider="generic", tracking_number=shipment.tracking_number, events=(
            TrackingEvent(provider="generic", tracking_number=shipment.tracking_number, at=at, status="delivered"),))
        change = apply(order, shipment, delivered, "carrier:generic", NOW)
        if change is not None:
            self.store.commit(change)

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), seconds=st.integers(1, 3600))
    def channel_cancels(self, which, seconds):
        """The channel sends a version of its order that is cancelled (versions may cross)."""
        order = self.store.order(self._order(which))
        self._run(("channel_version", order.order_id, ChannelOrder(
            submission=_as_sent(order), status=OrderStatus.CANCELLED, updated_at=NOW + timedelta(seconds=seconds))))

    @precondition(lambda self: self.order_ids)
    @rule(which=st.integers(0, 99), line=st.integers(0, 2), seconds=st.integers(1, 3600))
    def channel_wants_fewer(self, which, line, seconds):
        """The channel sends a version with one unit fewer on a line."""
        order = self.store.order(self._order(which))
        number = line % len(order.lines) + 1
        if order.lines[number - 1].quantity > 1:
            self._run(("channel_version", order.order_id, ChannelOrder(
                submission=_as_sent(order, fewer_on=number), updated_at=NOW + timedelta(seconds=seconds))))

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
                    cancel(args[0], "operations", None, self.store, None, NOW)
                case "cancel_units":
                    cancel(args[0], "operations", None, self.store, {args[1]: args[2]}, NOW)
                case "address":
                    change_address(args[0], ADDRESSES[args[1]], "operations", self.store, _sealed, NOW)
                case "deliver":
                    self._deliver(args[0], NOW - timedelta(days=args[1]))
                case "return":
                    returns.request(args[0], {args[1]: args[2]}, {args[1]: ReturnReason.TOO_SMALL}, "customer",
                                    ReturnRules(), self.store, NOW)
                case "authorise":
                    returns.authorise(args[0], "operations", self.store, NOW)
                case "receive":
                    returns.receive(args[0], list(args[2]), args[1], "location", self.store, NOW)
                case "confirm":
                    refunds.confirm(args[0], "channel", self.store, now=NOW)
                case "channel_version":
                    apply_version(args[0], "web", args[1], self.store, _sealed_personal, None, NOW)
                case "backorders":
                    resource_waiting_orders(args[0], args[1], self.store, self.store, NOW)
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
        returned = Counter()
        for movement in self.store.movements:
            if movement.kind == "write_off":
                written_off[(movement.sku, movement.location_id)] -= movement.on_hand
            if movement.kind == "return":
                returned[(movement.sku, movement.location_id)] += movement.on_hand
        for pair, level in self.store.levels.items():
            assert level.on_hand == (self.initial.get(pair, 0) + self.came_in[pair] + returned[pair] - left[pair]
                                     - written_off[pair])

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
                assert covered[number] <= line.live_quantity  # a cancelled unit is never carried, let alone shipped

    @invariant()
    def returned_never_exceeds_delivered(self):
        for order in self.store.orders.values():
            delivered, asked = Counter(), Counter()
            for shipment in order.shipments:
                if shipment.status == "delivered" and shipment.mode != "transfer":
                    for line in shipment.lines:
                        delivered[line.line_no] += line.quantity
            for asked_return in order.returns:
                if asked_return.status != "rejected":
                    for line in asked_return.lines:
                        asked[line.line_no] += line.quantity
            assert all(asked[n] <= delivered[n] for n in asked)

    @invariant()
    def refunds_never_exceed_what_was_paid(self):
        for order in self.store.orders.values():
            assert sum(refund.amount for refund in order.refunds) <= order.total


Fulfilment.TestCase.settings = settings(max_examples=250, stateful_step_count=60, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow])
TestFulfilmentProperties = Fulfilment.TestCase
