"""Sourcing quality: the cost gap to the optimum, split rates, and time per order.

A seeded benchmark of 200 orders of 1-6 lines over 50 locations spread across the continental
US: 6 warehouses holding about three SKUs in four (some sold out), 40 stores with a few units of
about one SKU in eight (some out of capacity, some not shipping, some not serving every
channel), 4 dropship vendors with deep stock of their own ranges. The optimum of each order
comes from a MILP over the same cost model (scipy's `milp`, HiGHS): integer units per
(line, location), a binary per location paying the shipment cost when it ships, availability
and capacity constraints, and backordered units priced above any plan so that, like sourcing,
it fills every unit it can first. A greedy baseline takes each line from the nearest location
holding it. Every unit weighs the cost model's default, as in production, where no unit weights
are passed to sourcing yet.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

from oms.geocoding import Destination
from oms.models import LocationKind
from oms.sourcing import Candidate, CostModel, Demand, SourcingPlan, SourcingRequest, haversine_km, source
from tests.bench.figures import Figure

SEED = 20261124
ORDERS = 200
SKUS = 400
CHANNEL_MIX = ("web",) * 5 + ("shopify",) * 3 + ("amazon",) * 2 + ("tiktok",)
# The continental US, roughly: where locations and customers are drawn.
LATITUDES, LONGITUDES = (26.0, 48.0), (-123.0, -70.0)
TIMING_PASSES = 3

Units = Mapping[tuple[int, str], int]  # (line_no, location_id) -> units


@dataclass(frozen=True)
class Instance:
    request: SourcingRequest
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Outcome:
    """A solution priced by `price`, whoever found it."""

    cost: float
    short: int
    locations: frozenset[str]


def generate(orders: int = ORDERS, seed: int = SEED) -> list[Instance]:
    rng = random.Random(seed)
    skus = [f"SKU-{number:04d}" for number in range(SKUS)]
    candidates = tuple(_locations(rng, skus))
    instances = []
    for number in range(orders):
        count = rng.randint(1, 6)
        picked = rng.sample(range(SKUS), count)
        if rng.random() < 0.03:  # the same SKU twice: lines compete for its stock
            picked[-1] = picked[0]
        # No unit weights: allocation passes none (no channel or catalogue gives them yet), so every
        # unit weighs the cost model's default here too.
        lines = tuple(Demand(line_no, skus[sku], _quantity(rng)) for line_no, sku in enumerate(picked, start=1))
        excluded = frozenset({f"store-{rng.randrange(40):02d}"}) if rng.random() < 0.05 else frozenset()
        destination = Destination(latitude=f"{rng.uniform(*LATITUDES):.5f}",
                                  longitude=f"{rng.uniform(*LONGITUDES):.5f}",
                                  method="channel", basis=f"benchmark order {number}")
        instances.append(Instance(SourcingRequest(lines=lines, channel=rng.choice(CHANNEL_MIX),
                                                  destination=destination, excluded=excluded), candidates))
    return instances


def _quantity(rng: random.Random) -> int:
    draw = rng.random()
    return 1 if draw < 0.7 else 2 if draw < 0.88 else rng.randint(3, 6)


def _locations(rng: random.Random, skus: list[str]) -> list[Candidate]:
    def place() -> tuple[float, float]:
        return rng.uniform(*LATITUDES), rng.uniform(*LONGITUDES)

    locations = []
    for number in range(6):
        stock = {sku: rng.choice((0, 1, 2, 3, 5, 8, 20, 60)) for sku in skus if rng.random() < 0.75}
        locations.append(Candidate(f"wh-{number}", LocationKind.WAREHOUSE, *place(), stock, remaining_capacity=5000,
                                   handling_cost=round(rng.uniform(0.3, 1.0), 2) if rng.random() < 0.3 else None))
    for number in range(40):
        stock = {sku: rng.randint(1, 6) for sku in skus if rng.random() < 0.12}
        channels = frozenset({"web", "shopify", "pos"} | ({"amazon"} if rng.random() < 0.6 else set())
                             | ({"tiktok"} if rng.random() < 0.5 else set()))
        capacity = rng.choice((0, 2, 5, 20, 80, 150, 150, 150, 150, 150))
        locations.append(Candidate(f"store-{number:02d}", LocationKind.STORE, *place(), stock,
                                   can_ship=rng.random() < 0.85, can_pickup=True, remaining_capacity=capacity,
                                   channels=channels,
                                   handling_cost=round(rng.uniform(1.5, 3.5), 2) if rng.random() < 0.2 else None))
    for number in range(4):
        first = rng.randrange(SKUS - 50)
        stock = {sku: rng.randint(30, 200) for sku in skus[first:first + 50]}
        locations.append(Candidate(f"drop-{number}", LocationKind.DROPSHIP, *place(), stock, remaining_capacity=300,
                                   channels=frozenset({"web", "shopify"})))
    return locations


def eligible(instance: Instance) -> list[Candidate]:
    """Who may ship this order, decided here independently of `oms.sourcing`."""
    request = instance.request
    return [c for c in instance.candidates
            if c.can_ship and c.remaining_capacity > 0 and request.channel in c.channels
            and c.location_id not in request.excluded
            and any(c.available.get(line.sku, 0) > 0 for line in request.lines)]


def price(instance: Instance, units: Units, cost_model: CostModel) -> Outcome:
    """The cost model applied to a solution: the one yardstick for sourcing, MILP and greedy."""
    by_id = {c.location_id: c for c in instance.candidates}
    destination = instance.request.destination
    lines = {line.line_no: line for line in instance.request.lines}
    cost, filled, shipping = 0.0, 0, set()
    for (line_no, location_id), count in units.items():
        if not count:
            continue
        candidate = by_id[location_id]
        distance = haversine_km(float(destination.latitude), float(destination.longitude),
                                candidate.latitude, candidate.longitude)
        cost += count * cost_model.unit_cost(candidate, distance, lines[line_no].unit_weight_kg)
        filled += count
        shipping.add(location_id)
    cost += cost_model.shipment_cost * len(shipping)
    return Outcome(cost, sum(line.quantity for line in lines.values()) - filled, frozenset(shipping))


def plan_units(plan: SourcingPlan) -> Units:
    return {(line.line_no, shipment.location_id): line.quantity
            for shipment in plan.shipments for line in shipment.lines}


def greedy_nearest(instance: Instance) -> Units:
    """Each line in turn from the nearest location that holds it, then the next nearest."""
    destination = instance.request.destination
    nearest = sorted(eligible(instance), key=lambda c: (haversine_km(
        float(destination.latitude), float(destination.longitude), c.latitude, c.longitude), c.location_id))
    stock = {c.location_id: dict(c.available) for c in nearest}
    room = {c.location_id: c.remaining_capacity for c in nearest}
    units: dict[tuple[int, str], int] = {}
    for line in instance.request.lines:
        need = line.quantity
        for candidate in nearest:
            take = max(0, min(need, stock[candidate.location_id].get(line.sku, 0), room[candidate.location_id]))
            if take:
                units[(line.line_no, candidate.location_id)] = take
                stock[candidate.location_id][line.sku] -= take
                room[candidate.location_id] -= take
                need -= take
    return units


def optimum(instance: Instance, cost_model: CostModel) -> Units:
    """The MILP: minimise unit costs + shipment cost per location used + penalty per unit short."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    request, candidates = instance.request, eligible(instance)
    destination = request.destination
    lines = list(request.lines)
    distance = [haversine_km(float(destination.latitude), float(destination.longitude), c.latitude, c.longitude)
                for c in candidates]
    pairs = [(i, j) for i, line in enumerate(lines) for j, c in enumerate(candidates)
             if c.available.get(line.sku, 0) > 0]
    unit_cost = [cost_model.unit_cost(candidates[j], distance[j], lines[i].unit_weight_kg) for i, j in pairs]
    # Above what any plan can cost, so one more unit filled always wins.
    penalty = 1.0 + sum(line.quantity for line in lines) * (cost_model.shipment_cost + max(unit_cost, default=0.0))
    x, y, b = 0, len(pairs), len(pairs) + len(candidates)
    size = b + len(lines)
    objective = np.array([*unit_cost, *[cost_model.shipment_cost] * len(candidates), *[penalty] * len(lines)])
    rows, lower, upper = [], [], []

    def row(entries: dict[int, float], low: float, high: float) -> None:
        vector = np.zeros(size)
        for index, value in entries.items():
            vector[index] = value
        rows.append(vector)
        lower.append(low)
        upper.append(high)

    for i, line in enumerate(lines):  # every unit is either sent or short
        row({**{x + k: 1.0 for k, (li, _) in enumerate(pairs) if li == i}, b + i: 1.0}, line.quantity, line.quantity)
    for j, candidate in enumerate(candidates):
        row({**{x + k: 1.0 for k, (_, lj) in enumerate(pairs) if lj == j}, y + j: -candidate.remaining_capacity},
            -np.inf, 0.0)
        for sku in {lines[i].sku for i, lj in pairs if lj == j}:  # lines of one SKU share its stock
            row({**{x + k: 1.0 for k, (li, lj) in enumerate(pairs) if lj == j and lines[li].sku == sku},
                 y + j: -candidate.available[sku]}, -np.inf, 0.0)
    for k, (i, j) in enumerate(pairs):  # no unit from a location that does not ship (tightens the LP)
        row({x + k: 1.0, y + j: -min(lines[i].quantity, candidates[j].available[lines[i].sku])}, -np.inf, 0.0)
    high = [*(lines[i].quantity for i, _ in pairs), *[1] * len(candidates), *(line.quantity for line in lines)]
    result = milp(objective, integrality=np.ones(size), bounds=Bounds(np.zeros(size), np.array(high, dtype=float)),
                  constraints=LinearConstraint(np.array(rows), lower, upper) if rows else None,
                  options={"mip_rel_gap": 1e-9})
    if not result.success:
        raise RuntimeError(f"MILP failed: {result.message}")
    return {(lines[i].line_no, candidates[j].location_id): round(result.x[x + k])
            for k, (i, j) in enumerate(pairs) if round(result.x[x + k])}


def figures() -> list[Figure]:
    cost_model = CostModel()
    instances = generate()
    plans = [source(instance.request, instance.candidates, cost_model) for instance in instances]
    ours = [price(instance, plan_units(plan), cost_model) for instance, plan in zip(instances, plans, strict=True)]
    started = time.perf_counter()
    best = [price(instance, optimum(instance, cost_model), cost_model) for instance in instances]
    milp_ms = (time.perf_counter() - started) / len(instances) * 1000
    greedy = [price(instance, greedy_nearest(instance), cost_model) for instance in instances]
    if any(mine.short != opt.short for mine, opt in zip(ours, best, strict=True)):
        raise AssertionError("sourcing left short units the optimum fills")
    gaps = [_gap(mine, opt) for mine, opt in zip(ours, best, strict=True)]
    greedy_gaps = [_gap(theirs, opt) for theirs, opt in zip(greedy, best, strict=True)]
    exact = sum(plan.trace.search == "exact" for plan in plans)
    ms = min(_timed(instances, cost_model) for _ in range(TIMING_PASSES))
    about = f"{len(instances)} orders, 1-6 lines, 50 locations, seed {SEED}"
    return [
        Figure("sourcing_gap_mean_pct", round(statistics.mean(gaps), 3), "%", "≤ 0.5",
               f"{about}; cost over the MILP optimum; {exact} of {len(plans)} proven optimal by the search"),
        Figure("sourcing_gap_worst_pct", round(max(gaps), 2), "%", "", f"{about}; worst order"),
        Figure("split_rate_pct", _split_rate(ours), "%", "", "orders shipped from more than one location"),
        Figure("split_rate_opt_pct", _split_rate(best), "%", "", f"the MILP optimum's; {milp_ms:.1f} ms per order"),
        Figure("split_rate_greedy_pct", _split_rate(greedy), "%", "",
               f"greedy nearest location per line; {statistics.mean(greedy_gaps):.1f} % over the optimum on average"),
        Figure("sourcing_ms_per_order", round(ms, 3), "ms", "≤ 2",
               f"oms.sourcing.source, plan and trace, best of {TIMING_PASSES} passes over the {about}"),
    ]


def _gap(outcome: Outcome, optimal: Outcome) -> float:
    return (outcome.cost - optimal.cost) / optimal.cost * 100 if optimal.cost else 0.0


def _split_rate(outcomes: list[Outcome]) -> float:
    shipped = [outcome for outcome in outcomes if outcome.locations]
    return round(sum(len(outcome.locations) > 1 for outcome in shipped) / len(shipped) * 100, 1)


def _timed(instances: list[Instance], cost_model: CostModel) -> float:
    started = time.perf_counter()
    for instance in instances:
        source(instance.request, instance.candidates, cost_model)
    return (time.perf_counter() - started) / len(instances) * 1000
