"""Carriers' events applied to shipments: in any order, any number of times, the shipment ends
where the carrier's own clock says, never going back on the way; delays are raised once;
events for a number no shipment has yet wait for it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hypothesis import given, settings, strategies as st

from oms.allocation import allocate
from oms.carrier_updates import Outcome, Tracked, apply_parked, record, sweep_silent
from oms.carriers import TrackingUpdate, aftership, easypost, shippo
from oms.fulfilment import ship
from oms.ids import new_order_id
from oms.models import CHANNEL_DATA, Location, Order, OrderStatus, TrackingEvent, TrackingStatus
from oms.transit import LaneCounts
from tests.memory import Level, MemoryStore

FIXTURES = Path(__file__).parents[1] / "fixtures" / "carriers"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
RENO = Location(location_id="wh-reno", name="Reno", kind="warehouse", latitude="39.53", longitude="-119.81",
                country="US", region="NV")


def _documented(provider, name: str) -> TrackingUpdate:
    [update] = provider.to_tracking_updates(json.loads((FIXTURES / name).read_text()))
    return update


DELIVERED_SEQUENCES = {
    "easypost": _documented(easypost, "easypost/tracker_updated_delivered.json"),
    "aftership": _documented(aftership, "aftership/tracking_update.json"),
    "shippo": _documented(shippo, "shippo/track_updated.json"),
}


class MemoryIndex:
    """The tracking index over the memory store: shipments by number, and parked pushes."""

    def __init__(self, store: MemoryStore):
        self.store, self.waiting = store, []

    def shipments_numbered(self, tracking_number: str) -> list[Tracked]:
        return [Tracked(order.order_id, s.shipment_id, s.carrier) for order in self.store.orders.values()
                for s in order.shipments if s.tracking_number == tracking_number]

    def park(self, update: TrackingUpdate, at: datetime) -> None:
        self.waiting.append(update)

    def parked(self, tracking_number: str, now: datetime) -> list[TrackingUpdate]:
        return [update for update in self.waiting if update.tracking_number == tracking_number]


def _order(store: MemoryStore) -> Order:
    order_id = new_order_id()
    order = Order.model_validate({
        "order_id": order_id, "channel": "web", "channel_order_id": order_id, "channel_order_number": "#1001",
        "placed_at": NOW, "currency": "USD", "delivery": {"method": "standard"},
        "payment": {"method": "card", "status": "paid"},
        "shipping_address": {"line1": "1 Main St", "city": "Denver", "region": "CO", "postal_code": "80202",
                             "country": "US"},
        "lines": [{"sku": "MUG", "quantity": 2, "unit_price": "10.00"}], "total": "20.00",
        "status": OrderStatus.APPROVED, "created_at": NOW, "updated_at": NOW,
    }, context=CHANNEL_DATA)
    store.orders[order_id] = order
    return order


def _shipped(update: TrackingUpdate, shipped_at: datetime | None = None) -> tuple[MemoryStore, str]:
    store = MemoryStore([RENO], levels={("MUG", "wh-reno"): Level(on_hand=10)})
    order = _order(store)
    allocate(order.order_id, store, NOW - timedelta(days=10))
    [shipment] = store.order(order.order_id).shipments
    first = min(event.at for event in update.events)
    ship(shipment.shipment_id, "wh-reno", update.carrier or "UPS", update.tracking_number, store,
         now=shipped_at or first - timedelta(hours=1))
    return store, order.order_id


def _pushes(update: TrackingUpdate) -> list[TrackingUpdate]:
    """How providers send a history: each push carries the events so far (EasyPost, AfterShip and
    17TRACK send the whole list), or just the latest (UPS)."""
    events = sorted(update.events, key=lambda event: event.at)
    cumulative = [update.model_copy(update={"events": tuple(events[:n])}) for n in range(1, len(events) + 1)]
    return cumulative + [update.model_copy(update={"events": (event,)}) for event in events]


@settings(max_examples=220, deadline=None)
@given(provider=st.sampled_from(sorted(DELIVERED_SEQUENCES)), data=st.data())
def test_a_delivered_history_in_any_order_and_repeated_ends_delivered_without_going_back(provider, data):
    update = DELIVERED_SEQUENCES[provider]
    pushes = _pushes(update)
    order_of_arrival = data.draw(st.permutations(pushes))
    repeats = data.draw(st.lists(st.sampled_from(pushes), max_size=8))
    arrival = list(order_of_arrival)
    for repeat in repeats:
        arrival.insert(data.draw(st.integers(0, len(arrival))), repeat)
    store, order_id = _shipped(update)
    index = MemoryIndex(store)
    seen_at = []
    for push in arrival:
        record(push, store, index, NOW)
        [shipment] = store.order(order_id).shipments
        seen_at.append(shipment.tracking.at)
    assert seen_at == sorted(seen_at), "the shipment followed an older event after a newer one"
    order = store.order(order_id)
    [shipment] = order.shipments
    assert shipment.status == "delivered" and order.status == OrderStatus.DELIVERED
    delivered = max(event.at for event in update.events if event.status == "delivered")
    assert delivered <= shipment.delivered_at <= max(event.at for event in update.events)
    assert len(shipment.tracking.events) == len({event.key for event in update.events})
    learned = [LaneCounts.from_item_attributes(buckets).count for buckets in store.transit.values()]
    assert learned and set(learned) == {1}, "the delivery was learned from more than once"


def test_every_event_repeated_changes_nothing_more():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update)
    index = MemoryIndex(store)
    assert record(update, store, index, NOW) == Outcome.APPLIED
    before = store.order(order_id)
    assert record(update, store, index, NOW) == Outcome.ALREADY_KNOWN
    assert store.order(order_id) == before


def _event(update: TrackingUpdate, status: str, at: datetime, description: str = "") -> TrackingUpdate:
    return update.model_copy(update={"events": (TrackingEvent(
        provider=update.provider, tracking_number=update.tracking_number, at=at, status=status,
        description=description or None),)})


def test_a_late_in_transit_after_delivered_is_recorded_and_changes_nothing():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update)
    index = MemoryIndex(store)
    record(update, store, index, NOW)
    delivered_at = store.order(order_id).shipments[0].delivered_at
    record(_event(update, TrackingStatus.IN_TRANSIT, delivered_at + timedelta(hours=3), "Arrived at facility"),
           store, index, NOW)
    order = store.order(order_id)
    shipment = order.shipments[0]
    assert shipment.status == "delivered" and order.status == OrderStatus.DELIVERED
    assert any(event.description == "Arrived at facility" for event in shipment.tracking.events)
    assert order.history[-1].refused and "in_transit refused" in order.history[-1].reason


def test_an_exception_raises_one_delay_however_often_it_is_reported():
    update = DELIVERED_SEQUENCES["easypost"]
    first = min(event.at for event in update.events)
    store, order_id = _shipped(update)
    index = MemoryIndex(store)
    exception = _event(update, TrackingStatus.EXCEPTION, first + timedelta(days=1), "Address problem")
    for _ in range(3):
        record(exception, store, index, NOW)
    order = store.order(order_id)
    delays = [event for event in order.history if event.delay]
    assert len(delays) == 1 and delays[0].alert == "shipment_delayed"
    assert delays[0].delay.reason == "exception" and delays[0].delay.detail == "Address problem"
    assert order.shipments[0].status == "exception" and order.shipments[0].tracking.delays_raised == 1
    # A failed attempt later is another delay.
    record(_event(update, TrackingStatus.ATTEMPT_FAILED, first + timedelta(days=2)), store, index, NOW)
    assert [event.delay.reason for event in store.order(order_id).history if event.delay] == [
        "exception", "attempt_failed"]


def test_a_carrier_estimate_past_the_promised_day_is_a_delay_with_the_new_eta():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update)
    promised = store.order(order_id).shipments[0].promised_by
    assert promised is not None and store.order(order_id).promised_delivery == promised
    late = promised + timedelta(days=3)
    first = min(event.at for event in update.events)
    slipped = _event(update, TrackingStatus.IN_TRANSIT, first).model_copy(update={"estimated_delivery": late})
    index = MemoryIndex(store)
    record(slipped, store, index, NOW)
    record(slipped, store, index, NOW)
    shipment = store.order(order_id).shipments[0]
    assert shipment.tracking.eta == late and shipment.tracking.eta_source == "carrier"
    assert shipment.tracking.delay.reason == "late" and shipment.tracking.delay.eta == late
    assert shipment.tracking.delays_raised == 1


def test_the_shipment_gets_an_eta_when_it_leaves():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update)
    shipment = store.order(order_id).shipments[0]
    assert shipment.origin == "US-NV"
    assert shipment.tracking.eta_source == "table" and shipment.tracking.eta <= shipment.tracking.eta_latest


def test_events_that_come_before_the_number_is_recorded_wait_for_it():
    update = DELIVERED_SEQUENCES["aftership"]
    store = MemoryStore([RENO], levels={("MUG", "wh-reno"): Level(on_hand=10)})
    order = _order(store)
    allocate(order.order_id, store, NOW - timedelta(days=10))
    index = MemoryIndex(store)
    assert record(update, store, index, NOW) == Outcome.PARKED
    [shipment] = store.order(order.order_id).shipments
    ship(shipment.shipment_id, "wh-reno", "FedEx", update.tracking_number.lower(), store,
         now=min(event.at for event in update.events))
    assert apply_parked(update.tracking_number, store, index, NOW) == 1
    assert store.order(order.order_id).shipments[0].status == "delivered"
    assert apply_parked(update.tracking_number, store, index, NOW) == 0  # applied once


def test_a_shipment_no_carrier_reports_on_is_fetched_again_then_called_delayed_once():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update, shipped_at=NOW - timedelta(days=5))
    asked = []

    def refetch(shipment):
        asked.append(shipment.tracking_number)
        return []

    assert sweep_silent([order_id], store, refetch, timedelta(days=3), NOW) == 1
    assert sweep_silent([order_id], store, refetch, timedelta(days=3), NOW + timedelta(hours=1)) == 0
    assert asked == [update.tracking_number]
    assert store.order(order_id).shipments[0].tracking.delay.reason == "silent"
    # What the aggregator gives back is applied: the shipment is no longer silent.
    store, order_id = _shipped(update, shipped_at=NOW - timedelta(days=5))
    assert sweep_silent([order_id], store, lambda shipment: [update], timedelta(days=3), NOW) == 0
    assert store.order(order_id).shipments[0].status == "delivered"


def test_a_shipment_that_leaves_after_its_promise_allows_is_delayed_from_the_start():
    update = DELIVERED_SEQUENCES["easypost"]
    store, order_id = _shipped(update, shipped_at=NOW + timedelta(days=12))  # long after its ship-by day
    shipment = store.order(order_id).shipments[0]
    assert shipment.tracking.eta > shipment.promised_by
    assert shipment.tracking.delay.reason == "late" and shipment.tracking.delays_raised == 1
    assert [event.alert for event in store.order(order_id).history if event.delay] == ["shipment_delayed"]


def test_after_the_locations_cut_off_the_promise_counts_from_the_next_working_day():
    tuesday_morning, tuesday_evening = datetime(2026, 11, 24, 9, tzinfo=UTC), datetime(2026, 11, 24, 17, tzinfo=UTC)
    promised = []
    for placed in (tuesday_morning, tuesday_evening):
        store = MemoryStore([RENO.model_copy(update={"ship_cutoff": time(15)})],
                            levels={("MUG", "wh-reno"): Level(on_hand=10)})
        order = _order(store)
        allocate(order.order_id, store, placed)
        [shipment] = store.order(order.order_id).shipments
        promised.append((shipment.ship_by, shipment.promised_by))
    (early_ship_by, early_promise), (late_ship_by, late_promise) = promised
    assert early_ship_by == date(2026, 11, 26) and late_ship_by == date(2026, 11, 27)
    assert late_promise > early_promise
