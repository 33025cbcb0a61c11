"""Sourcing: the cheapest plan that fills what can be filled, and why, for orders shipped or picked up."""

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.geocoding import Destination
from oms.models import Location, LocationKind, Order, Stock
from oms.sourcing import Candidate, CostModel, Demand, SourcingPlan, SourcingRequest, source
from tests.bench.sourcing_quality import generate, greedy_nearest, optimum, plan_units, price
from tests.factories import order_payload

BOSTON = Destination(latitude=Decimal("42.36"), longitude=Decimal("-71.06"), method="postal_code", basis="ZIP 02108")
# Distances from Boston: store-boston 1 km, store-nyc 300 km, wh-columbus 1,030 km, wh-reno 4,050 km.
PLACES = {
    "store-boston": (LocationKind.STORE, 42.35, -71.07),
    "store-nyc": (LocationKind.STORE, 40.72, -74.00),
    "wh-columbus": (LocationKind.WAREHOUSE, 39.96, -82.99),
    "wh-reno": (LocationKind.WAREHOUSE, 39.53, -119.81),
}


def at(location_id: str, stock: dict[str, int], **details) -> Candidate:
    kind, latitude, longitude = PLACES[location_id]
    return Candidate(location_id, kind, latitude, longitude, stock, **details)


def ask(*lines: tuple[str, int], **request) -> SourcingRequest:
    return SourcingRequest(lines=tuple(Demand(number, sku, units) for number, (sku, units) in enumerate(lines, 1)),
                           channel=request.pop("channel", "web"), destination=request.pop("destination", BOSTON),
                           **request)


def sent(plan: SourcingPlan) -> dict[str, dict[int, int]]:
    return {s.location_id: {line.line_no: line.quantity for line in s.lines} for s in plan.shipments}


def short(plan: SourcingPlan) -> dict[int, int]:
    return {line.line_no: line.quantity for line in plan.backorders}


def verdict(plan: SourcingPlan, location_id: str):
    return next(v for v in plan.trace.considered if v.location_id == location_id)


@pytest.mark.parametrize(("case", "request_", "candidates", "cost_model", "shipped", "backordered"), [
    ("one location holds it",
     ask(("MUG", 2)), [at("wh-columbus", {"MUG": 5})], CostModel(),
     {"wh-columbus": {1: 2}}, {}),
    ("one far warehouse beats two nearby stores: a second shipment costs more than the distance",
     ask(("MUG", 1), ("CAP", 1)),
     [at("store-boston", {"MUG": 3}), at("store-nyc", {"CAP": 3}), at("wh-reno", {"MUG": 9, "CAP": 9})], CostModel(),
     {"wh-reno": {1: 1, 2: 1}}, {}),
    ("the same stock splits when shipments are cheap",
     ask(("MUG", 1), ("CAP", 1)),
     [at("store-boston", {"MUG": 3}), at("store-nyc", {"CAP": 3}), at("wh-reno", {"MUG": 9, "CAP": 9})],
     CostModel(shipment_cost=3.0),
     {"store-boston": {1: 1}, "store-nyc": {2: 1}}, {}),
    ("a line stays whole at one location when one can fill it",
     ask(("MUG", 4)), [at("store-boston", {"MUG": 2}), at("wh-columbus", {"MUG": 4})], CostModel(),
     {"wh-columbus": {1: 4}}, {}),
    ("a store out of capacity is passed over",
     ask(("MUG", 1)), [at("store-boston", {"MUG": 3}, remaining_capacity=0), at("wh-columbus", {"MUG": 3})],
     CostModel(), {"wh-columbus": {1: 1}}, {}),
    ("lines competing for one unit of capacity",
     ask(("MUG", 1), ("CAP", 1)),
     [at("store-boston", {"MUG": 3, "CAP": 3}, remaining_capacity=1), at("wh-reno", {"MUG": 3})], CostModel(),
     {"store-boston": {2: 1}, "wh-reno": {1: 1}}, {}),
    ("a store not serving the channel is passed over",
     ask(("MUG", 1), channel="amazon"),
     [at("store-boston", {"MUG": 3}, channels=frozenset({"web"})), at("wh-columbus", {"MUG": 3})], CostModel(),
     {"wh-columbus": {1: 1}}, {}),
    ("an excluded store is passed over",
     ask(("MUG", 1), excluded=frozenset({"store-boston"})),
     [at("store-boston", {"MUG": 3}), at("wh-columbus", {"MUG": 3})], CostModel(),
     {"wh-columbus": {1: 1}}, {}),
    ("a store that cannot ship is passed over",
     ask(("MUG", 1)), [at("store-boston", {"MUG": 3}, can_ship=False), at("wh-columbus", {"MUG": 3})], CostModel(),
     {"wh-columbus": {1: 1}}, {}),
    ("nothing available anywhere",
     ask(("MUG", 2), ("CAP", 1)), [at("store-boston", {"MUG": 0, "CAP": -2}), at("wh-columbus", {})], CostModel(),
     {}, {1: 2, 2: 1}),
    ("what can be filled is, split as needed, and the rest is backordered",
     ask(("MUG", 5), ("CAP", 1)), [at("store-boston", {"MUG": 2}), at("wh-columbus", {"MUG": 2})], CostModel(),
     {"store-boston": {1: 2}, "wh-columbus": {1: 2}}, {1: 1, 2: 1}),
])
def test_sourcing_cases(case, request_, candidates, cost_model, shipped, backordered):
    # GIVEN an order and the stock of the candidate locations
    # WHEN it is sourced
    plan = source(request_, candidates, cost_model)

    # THEN the units go where the cost model says, and only what no one holds is backordered
    assert sent(plan) == shipped, case
    assert short(plan) == backordered, case
    assert plan.trace.search in ("exact", "none")


def test_two_lines_of_one_sku_share_its_stock():
    # GIVEN two lines of 2 mugs, 3 mugs in Boston and 1 in Columbus
    candidates = [at("store-boston", {"MUG": 3}), at("wh-columbus", {"MUG": 1})]

    # WHEN the order is sourced
    plan = source(ask(("MUG", 2), ("MUG", 2)), candidates)

    # THEN Boston gives its 3 between the lines and Columbus the last one
    assert {s.location_id: sum(line.quantity for line in s.lines) for s in plan.shipments} == {
        "store-boston": 3, "wh-columbus": 1}
    assert sorted(sum(units.get(line_no, 0) for units in sent(plan).values()) for line_no in (1, 2)) == [2, 2]


@pytest.mark.parametrize(("refused", "details", "decision", "reason"), [
    ("store-boston", {"remaining_capacity": 0}, "no_capacity", "has no picking capacity left today"),
    ("store-boston", {"channels": frozenset({"pos"})}, "channel_not_served", "does not serve the web channel"),
    ("store-boston", {"can_ship": False}, "cannot_ship", "cannot ship"),
])
def test_the_trace_says_why_a_location_takes_no_part(refused, details, decision, reason):
    # GIVEN a nearby store that may not take part, a warehouse with the stock and a store without it
    candidates = [at(refused, {"MUG": 3}, **details), at("wh-columbus", {"MUG": 3}), at("store-nyc", {"CAP": 1})]

    # WHEN an order for a mug is sourced
    plan = source(ask(("MUG", 1)), candidates)

    # THEN each location has its reason
    assert (verdict(plan, refused).decision, verdict(plan, refused).reason) == (decision, reason)
    assert verdict(plan, "store-nyc").decision == "no_stock"
    assert verdict(plan, "wh-columbus").decision == "chosen"


def test_the_trace_prices_what_was_not_chosen_and_the_plan():
    # GIVEN two warehouses and two stores that all hold the mug
    candidates = [at("wh-columbus", {"MUG": 3}), at("wh-reno", {"MUG": 3}), at("store-nyc", {"MUG": 3}),
                  at("store-boston", {"MUG": 3})]

    # WHEN a mug for Boston is sourced without the Boston store
    plan = source(ask(("MUG", 1), excluded=frozenset({"store-boston"})), candidates)

    # THEN the trace names how the destination was found, the proof, every location and the cost terms
    trace = plan.trace
    assert (trace.destination.method, trace.search) == ("postal_code", "exact")
    assert [(v.location_id, v.decision) for v in trace.considered] == [
        ("store-boston", "excluded"), ("store-nyc", "costlier"), ("wh-columbus", "chosen"), ("wh-reno", "costlier")]
    # Columbus: 6.00 a shipment + 0.50 warehouse handling + 0.5 kg × 1,032.8 km × 0.002 shipping
    chosen = verdict(plan, "wh-columbus")
    assert (chosen.reason, chosen.distance_km) == ("sends 1 unit of line 1", Decimal("1032.8"))
    assert (trace.cost.shipments, trace.cost.shipment_cost, trace.cost.handling, trace.cost.shipping) == (
        1, Decimal("6.00"), Decimal("0.50"), Decimal("1.03"))
    assert trace.cost.total == Decimal("7.53")
    # New York is 728 km nearer, but a store's handling (2.00) outweighs that
    nearer = verdict(plan, "store-nyc")
    assert (nearer.costlier_by, nearer.reason) == (Decimal("0.77"), "would cost 0.77 more, in place of wh-columbus")
    assert verdict(plan, "wh-reno").costlier_by == Decimal("3.02")


def test_a_location_whose_stock_comes_cheaper_from_the_chosen_one_is_not_needed():
    # GIVEN a warehouse holding both lines and a farther one holding one of them
    candidates = [at("wh-columbus", {"MUG": 3, "CAP": 3}), at("wh-reno", {"MUG": 3})]

    # WHEN the order is sourced
    plan = source(ask(("MUG", 1), ("CAP", 1)), candidates)

    # THEN the farther one is not needed at all
    assert sent(plan) == {"wh-columbus": {1: 1, 2: 1}}
    assert verdict(plan, "wh-reno").decision == "not_needed"


def test_the_plan_and_its_trace_survive_json():
    # GIVEN a plan with shipments, a backorder and a trace
    plan = source(ask(("MUG", 5), ("CAP", 1)), [at("store-boston", {"MUG": 2}), at("wh-columbus", {"MUG": 2})])

    # WHEN it is stored as JSON (on shipments, for staff and the chatbot) and read back
    stored = plan.model_dump_json()

    # THEN nothing is lost, and money stays exact (strings, not floats)
    assert SourcingPlan.model_validate_json(stored) == plan
    assert json.loads(stored)["trace"]["cost"]["total"] == str(plan.trace.cost.total)


def test_a_pickup_with_enough_stock_is_handed_over_at_the_store():
    # GIVEN a pickup at the New York store, which holds both lines
    candidates = [at("store-nyc", {"MUG": 2, "CAP": 1}, can_pickup=True), at("wh-columbus", {"MUG": 9, "CAP": 9})]

    # WHEN it is sourced
    plan = source(ask(("MUG", 2), ("CAP", 1), destination=None, pickup_location_id="store-nyc"), candidates)

    # THEN the store hands everything over and nothing moves
    assert [(s.location_id, s.mode) for s in plan.shipments] == [("store-nyc", "pickup")]
    assert sent(plan) == {"store-nyc": {1: 2, 2: 1}}
    assert (plan.transfers, plan.waiting, plan.backorders) == ((), (), ())
    assert plan.trace.considered[0].decision == "chosen"
    assert plan.trace.cost.shipments == 0


def test_a_pickup_short_of_stock_waits_for_a_transfer_from_the_cheapest_source():
    # GIVEN a pickup at the New York store, which holds 1 of 3 mugs and no caps
    candidates = [at("store-nyc", {"MUG": 1}, can_pickup=True), at("wh-columbus", {"MUG": 9, "CAP": 9}),
                  at("wh-reno", {"MUG": 9, "CAP": 9})]

    # WHEN it is sourced
    plan = source(ask(("MUG", 3), ("CAP", 1), destination=None, pickup_location_id="store-nyc"), candidates)

    # THEN the store keeps its mug for the customer, Columbus (nearer New York) sends the rest to the store
    assert sent(plan) == {"store-nyc": {1: 1}}
    assert [(t.location_id, t.mode, {line.line_no: line.quantity for line in t.lines}) for t in plan.transfers] == [
        ("wh-columbus", "transfer", {1: 2, 2: 1})]
    assert {line.line_no: line.quantity for line in plan.waiting} == {1: 2, 2: 1}
    assert plan.backorders == ()
    assert plan.trace.considered[0].reason == "pickup store: hands over 1 units, the rest come by transfer"
    assert verdict(plan, "wh-reno").decision == "costlier"


def test_a_pickup_at_a_store_that_rejected_the_pick_comes_wholly_by_transfer():
    # GIVEN the pickup store rejected the pick (it is excluded), though its records show stock
    candidates = [at("store-nyc", {"MUG": 5}, can_pickup=True), at("wh-columbus", {"MUG": 9})]

    # WHEN the order is sourced again
    plan = source(ask(("MUG", 2), destination=None, pickup_location_id="store-nyc",
                      excluded=frozenset({"store-nyc"})), candidates)

    # THEN every unit comes by transfer and waits for it
    assert plan.shipments == ()
    assert sent(plan.model_copy(update={"shipments": plan.transfers})) == {"wh-columbus": {1: 2}}
    assert {line.line_no: line.quantity for line in plan.waiting} == {1: 2}
    assert plan.trace.considered[0].decision == "excluded"


def test_a_pickup_with_nothing_anywhere_is_backordered():
    # GIVEN a pickup store without the SKU, and no other stock
    candidates = [at("store-nyc", {}, can_pickup=True), at("wh-columbus", {})]

    # WHEN it is sourced
    plan = source(ask(("MUG", 2), destination=None, pickup_location_id="store-nyc"), candidates)

    # THEN nothing moves and the line waits for stock
    assert (plan.shipments, plan.transfers, plan.waiting) == ((), (), ())
    assert short(plan) == {1: 2}


def test_a_pickup_at_a_store_that_does_no_pickups_allocates_nothing():
    # GIVEN the named store does not do pickups
    plan = source(ask(("MUG", 1), destination=None, pickup_location_id="store-nyc"), [at("store-nyc", {"MUG": 5})])

    # THEN nothing is handed over or moved, and the trace says why
    assert (plan.shipments, plan.transfers) == ((), ())
    assert short(plan) == {1: 1}
    assert plan.trace.considered[0].decision == "cannot_pickup"


def test_the_same_input_gives_the_same_plan_whatever_the_candidates_order():
    # GIVEN the benchmark's first orders, with their candidates shuffled
    instances = generate(orders=10, seed=7)
    shuffled = random.Random(1)

    for instance in instances:
        candidates = list(instance.candidates)
        shuffled.shuffle(candidates)

        # WHEN each is sourced twice
        # THEN the plans are equal, trace and all
        assert source(instance.request, candidates) == source(instance.request, instance.candidates)


def test_a_tie_goes_to_the_lower_location_id():
    # GIVEN two identical warehouses in the same place
    twins = [Candidate(name, LocationKind.WAREHOUSE, 39.96, -82.99, {"MUG": 5}) for name in ("wh-b", "wh-a")]

    # WHEN a mug is sourced, with the candidates in either order
    # THEN wh-a ships it, and wh-b is reported as costing nothing more
    for candidates in (twins, twins[::-1]):
        plan = source(ask(("MUG", 1)), candidates)
        assert sent(plan) == {"wh-a": {1: 1}}
        assert verdict(plan, "wh-b").costlier_by == Decimal("0.00")


def test_the_heuristic_alone_is_never_worse_than_greedy_nearest_location():
    # GIVEN a seeded random set of orders over the benchmark's 50 locations
    for instance in generate(orders=60, seed=11):
        # WHEN each is sourced without the branch and bound
        ours = price(instance, plan_units(source(instance.request, instance.candidates, node_budget=0)), CostModel())
        greedy = price(instance, greedy_nearest(instance), CostModel())

        # THEN it fills at least as many units, at no greater cost when it fills as many
        assert ours.short <= greedy.short
        assert ours.short < greedy.short or ours.cost <= greedy.cost + 1e-9


def test_a_plan_proven_exact_costs_what_the_milp_optimum_costs():
    pytest.importorskip("scipy")
    # GIVEN a seeded random set of orders
    for instance in generate(orders=25, seed=3):
        # WHEN each is sourced, and solved as a MILP
        plan = source(instance.request, instance.candidates)
        ours = price(instance, plan_units(plan), CostModel())
        best = price(instance, optimum(instance, CostModel()), CostModel())

        # THEN a plan the search calls exact fills as much and costs the same
        assert plan.trace.search == "exact"
        assert ours.short == best.short
        assert ours.cost == pytest.approx(best.cost, abs=1e-6)


def test_a_candidate_comes_from_a_location_and_its_stock_records():
    # GIVEN a store as the Inventory table holds it, with no handling cost of its own
    location = Location(location_id="store-sf", name="SF", kind="store", latitude=Decimal("37.788"),
                        longitude=Decimal("-122.4075"), country="US", can_pickup=True, daily_capacity=150,
                        channels=("web", "pos"))
    stock = [Stock(sku="MUG", location_id="store-sf", on_hand=12, reserved=3, safety_stock=2),
             Stock(sku="CAP", location_id="store-nyc", on_hand=5)]

    # WHEN it becomes a candidate after 40 picks today
    candidate = Candidate.of(location, stock, picked_today=40)

    # THEN it offers what may be promised, what capacity is left, and its kind's handling cost
    assert candidate.available == {"MUG": 7}
    assert candidate.remaining_capacity == 110
    assert candidate.channels == frozenset({"web", "pos"})
    assert CostModel().handling(candidate) == CostModel().store_handling


def test_a_request_comes_from_an_order():
    # GIVEN an order shipped to a ZIP, and the same order picked up at a store
    fields = {"order_id": "ord_" + "0" * 26, "channel": "shopify", "status": "approved",
              "created_at": datetime(2026, 11, 20, tzinfo=UTC), "updated_at": datetime(2026, 11, 20, tzinfo=UTC)}
    shipped = Order.model_validate({**order_payload(), **fields})
    picked_up = Order.model_validate({**order_payload(delivery={"method": "store_pickup",
                                                                "pickup_location_id": "store-sf"}), **fields})

    # WHEN each becomes a sourcing request, with the SKU's weight known
    to_ship = SourcingRequest.for_order(shipped, unit_weights_kg={"TSHIRT-RED-M": 0.2}, excluded=["store-nyc"])
    to_pick_up = SourcingRequest.for_order(picked_up)

    # THEN lines are numbered from 1 and the destination is geocoded, or the store is named
    assert to_ship.lines == (Demand(1, "TSHIRT-RED-M", 2, 0.2),)
    assert (to_ship.channel, to_ship.excluded) == ("shopify", frozenset({"store-nyc"}))
    assert (to_ship.destination.method, to_ship.destination.basis) == ("postal_code", "ZIP 94107")
    assert (to_pick_up.destination, to_pick_up.pickup_location_id) == (None, "store-sf")
