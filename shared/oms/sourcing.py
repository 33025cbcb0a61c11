"""Sourcing: which locations send which units of an order, at the least estimated cost.

Pure and deterministic: no I/O, and the same order and stock give the same plan whatever the
order the candidates come in. A plan's estimated cost is

    shipping   distance (haversine, km) × weight (kg) × `per_kg_km`, for every unit shipped
  + shipments  `shipment_cost` for every location that ships: what makes a split cost
  + handling   the location's handling cost for every unit it picks (warehouse cheaper than store)

and every unit that can be filled is: no plan backorders a unit to save money. A line's units
go to the cheapest location of the plan that holds them, and spill over to a second location
only when the first runs out.

The search, in three stages:
1. A first plan. Up to `GROUPED_LINES` lines, dynamic programming over the order's lines finds
   the cheapest grouping of whole lines onto single locations; longer orders (and orders whose
   lines compete for the same stock or capacity) start from a greedy cover: the location giving
   the most units first, the cheaper on a tie. Locations are added while units that could be
   filled are not.
2. A branch and bound over sets of locations, which proves the first plan optimal or finds
   the optimum, within `node_budget` evaluated sets (see `source` for why a budget).
3. A local search (drop, add or swap one location) that improves a plan the budget cut short,
   and that prices every location left out, for the trace.

Store pickups take what the pickup store holds; the rest is sourced as transfers to that store,
with the same cost model and search, and the lines wait for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from oms.geocoding import Destination, locate
from oms.models import CHANNELS, DeliveryMethod, Location, LocationKind, Order, ShipmentLine, Stock

# Sets of locations the branch and bound may price. On the benchmark (tests/bench/sourcing_quality.py)
# it proves 199 of 200 orders optimal at about 1.1 ms an order; a budget of 100 proves 193.
NODE_BUDGET = 400
# Whole lines are grouped onto locations by dynamic programming up to this many lines (3^8 steps).
GROUPED_LINES = 8
_EARTH_RADIUS_KM = 6371.0088
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
_EPSILON = 1e-9  # costs closer than this are a tie, broken by location id


# ---------------------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class CostModel:
    """What a plan is estimated to cost, in the order's currency. Estimates rank plans and are
    charged to no one, so they are floats.

    Defaults, for a parcel network like a US ground carrier's:
    - `shipment_cost` 6.00 per shipment: label, box and packing, whatever its weight. It is
      what makes two parcels dearer than one.
    - `per_kg_km` 0.002: a 1 kg unit carried 1,000 km costs 2.00 more than one sent next door.
    - `default_unit_weight_kg` 0.5, for a line that gives no weight.
    - handling per unit picked, for a location that states none: warehouse 0.50 (pickers and
      conveyors), dropship 1.00 (the vendor's fee), store 2.00 (sales staff off the floor).
    """

    shipment_cost: float = 6.00
    per_kg_km: float = 0.002
    default_unit_weight_kg: float = 0.5
    warehouse_handling: float = 0.50
    dropship_handling: float = 1.00
    store_handling: float = 2.00

    def handling(self, candidate: Candidate) -> float:
        if candidate.handling_cost is not None:
            return candidate.handling_cost
        if candidate.kind == LocationKind.WAREHOUSE:
            return self.warehouse_handling
        return self.store_handling if candidate.kind == LocationKind.STORE else self.dropship_handling

    def unit_cost(self, candidate: Candidate, distance_km: float, unit_weight_kg: float | None) -> float:
        """Shipping and handling of one unit; its shipment's own cost comes on top, once."""
        weight = self.default_unit_weight_kg if unit_weight_kg is None else unit_weight_kg
        return distance_km * weight * self.per_kg_km + self.handling(candidate)


def haversine_km(latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float) -> float:
    phi_a, phi_b = math.radians(latitude_a), math.radians(latitude_b)
    half_chord = (math.sin((phi_b - phi_a) / 2) ** 2
                  + math.cos(phi_a) * math.cos(phi_b) * math.sin(math.radians(longitude_b - longitude_a) / 2) ** 2)
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))


@dataclass(frozen=True)
class Demand:
    """One order line to source; `line_no` counts from 1, as on shipments."""

    line_no: int
    sku: str
    quantity: int
    unit_weight_kg: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A location as sourcing sees it: where it is, what it may do and what it can still promise."""

    location_id: str
    kind: LocationKind
    latitude: float
    longitude: float
    available: Mapping[str, int]  # units per SKU that may still be promised; below zero is none
    can_ship: bool = True
    can_pickup: bool = False
    remaining_capacity: int = 1000  # units it can still pick today
    channels: frozenset[str] = frozenset(CHANNELS)
    handling_cost: float | None = None  # per unit picked; None: the cost model's figure for its kind

    @classmethod
    def of(cls, location: Location, stock: Iterable[Stock], picked_today: int = 0) -> Candidate:
        """A location and its stock records. A handling cost of zero is what a location that never
        stated one holds, so it stands for the cost model's figure for its kind."""
        return cls(
            location_id=location.location_id, kind=LocationKind(location.kind),
            latitude=float(location.latitude), longitude=float(location.longitude),
            available={record.sku: record.available for record in stock if record.location_id == location.location_id},
            can_ship=location.can_ship, can_pickup=location.can_pickup,
            remaining_capacity=max(0, location.daily_capacity - picked_today), channels=frozenset(location.channels),
            handling_cost=float(location.handling_cost) if location.handling_cost else None,
        )


@dataclass(frozen=True)
class SourcingRequest:
    """What to source: the lines, for which channel, to where or for pickup at which store."""

    lines: tuple[Demand, ...]
    channel: str
    destination: Destination | None = None  # None: distance is not priced (and unused for a pickup)
    pickup_location_id: str | None = None
    excluded: frozenset[str] = field(default_factory=frozenset)  # e.g. a store that rejected the pick

    @classmethod
    def for_order(cls, order: Order, unit_weights_kg: Mapping[str, float] | None = None,
                  excluded: Iterable[str] = ()) -> SourcingRequest:
        weights = unit_weights_kg or {}
        pickup = order.delivery.method == DeliveryMethod.STORE_PICKUP
        return cls(
            lines=tuple(Demand(number, line.sku, line.quantity, weights.get(line.sku))
                        for number, line in enumerate(order.lines, start=1)),
            channel=order.channel,
            destination=None if pickup or order.shipping_address is None else locate(order.shipping_address),
            pickup_location_id=order.delivery.pickup_location_id,
            excluded=frozenset(excluded),
        )


# ---------------------------------------------------------------------------- what comes out


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedShipment(_Frozen):
    """Units one location sends to the customer (ship), hands over at its counter (pickup) or
    sends to the pickup store (transfer), with its share of the plan's cost."""

    location_id: str
    mode: Literal["ship", "pickup", "transfer"]
    lines: tuple[ShipmentLine, ...]
    distance_km: Decimal | None
    shipping: Decimal
    handling: Decimal
    shipment_cost: Decimal


Decision = Literal["chosen", "costlier", "not_needed", "no_stock", "no_capacity", "cannot_ship",
                   "cannot_pickup", "excluded", "channel_not_served"]


class Verdict(_Frozen):
    """Why a location does or does not take part in the plan."""

    location_id: str
    decision: Decision
    reason: str
    distance_km: Decimal | None = None
    costlier_by: Decimal | None = None  # the best plan found that uses it, over the chosen plan


class CostTerms(_Frozen):
    shipping: Decimal
    shipments: int
    shipment_cost: Decimal  # shipments × the cost model's shipment cost
    handling: Decimal
    total: Decimal


class SourcingTrace(_Frozen):
    """The decision, for staff and the chatbot: where the destination is and how it was found,
    every location looked at and why it was or was not used, and what the plan costs."""

    destination: Destination | None  # None for a pickup (transfers go to the store)
    search: Literal["exact", "heuristic", "none"]  # exact: proven optimal; none: nothing to choose
    evaluated: int  # sets of locations priced
    considered: tuple[Verdict, ...]
    cost: CostTerms


class SourcingPlan(_Frozen):
    shipments: tuple[PlannedShipment, ...]  # to the customer, or handed over at the pickup store
    transfers: tuple[PlannedShipment, ...]  # to the pickup store
    waiting: tuple[ShipmentLine, ...]  # units of a pickup that wait for the transfers: not to be handed over yet
    backorders: tuple[ShipmentLine, ...]  # units no eligible location can give now
    trace: SourcingTrace


# ---------------------------------------------------------------------------- the decision


def source(request: SourcingRequest, candidates: Iterable[Candidate], cost_model: CostModel = CostModel(),
           *, node_budget: int = NODE_BUDGET) -> SourcingPlan:
    """The plan of least estimated cost among those that fill every unit that can be filled.

    Exact or heuristic: the branch and bound runs on every order and stops after `node_budget`
    evaluated sets of locations. Whether it finishes depends on how thinly the stock is spread,
    not on the order's size: six lines all held by one nearby warehouse are proven in a handful
    of sets, three lines scattered over thirty stores may need thousands. A budget bounds the
    latency whatever the stock looks like; an order with at most 8 candidate locations always
    finishes (2^8 sets fit in it). `node_budget=0` leaves the first plan and the local search.
    """
    ordered = sorted({candidate.location_id: candidate for candidate in candidates}.values(),
                     key=lambda candidate: candidate.location_id)
    if request.pickup_location_id is not None:
        return _pickup(request, ordered, cost_model, node_budget)
    position = request.destination and (float(request.destination.latitude), float(request.destination.longitude))
    sourced = _Sourcing(request.lines, ordered, request, position, cost_model, node_budget, "ship")
    return SourcingPlan(shipments=sourced.shipments, transfers=(), waiting=(), backorders=sourced.backorders,
                        trace=sourced.trace(request.destination))


def _pickup(request: SourcingRequest, candidates: list[Candidate], cost_model: CostModel,
            node_budget: int) -> SourcingPlan:
    store = next((c for c in candidates if c.location_id == request.pickup_location_id), None)
    refusal = (_refusal(store, request, lambda c: c.can_pickup, "cannot_pickup") if store
               else ("cannot_pickup", "is not among the candidate locations: its place and stock are unknown"))
    if refusal and refusal[0] in ("cannot_pickup", "channel_not_served"):
        # Nowhere to hand the units over: nothing is allocated until the order is changed.
        verdict = Verdict(location_id=request.pickup_location_id, decision=refusal[0],
                          reason=f"pickup store {refusal[1]}")
        return SourcingPlan(shipments=(), transfers=(), waiting=(),
                            backorders=tuple(_line(d, d.quantity) for d in request.lines),
                            trace=SourcingTrace(destination=None, search="none", evaluated=0, considered=(verdict,),
                                                cost=_terms(())))
    # A store excluded from this sourcing (it rejected the pick) gives nothing from its shelves.
    held = [0] * len(request.lines) if refusal else _held_at_counter(request.lines, store)
    counter = PlannedShipment(
        location_id=store.location_id, mode="pickup", distance_km=Decimal(0), shipping=Decimal(0),
        shipment_cost=Decimal(0), handling=_money(sum(held) * cost_model.handling(store)),
        lines=tuple(_line(d, units) for d, units in zip(request.lines, held, strict=True) if units))
    handed_over = (counter,) if counter.lines else ()
    missing = tuple(Demand(d.line_no, d.sku, d.quantity - units, d.unit_weight_kg)
                    for d, units in zip(request.lines, held, strict=True) if d.quantity > units)
    verdict = _counter_verdict(store, held, missing, refusal)
    if not missing:
        return SourcingPlan(shipments=handed_over, transfers=(), waiting=(), backorders=(),
                            trace=SourcingTrace(destination=None, search="none", evaluated=0, considered=(verdict,),
                                                cost=_terms(handed_over)))
    others = [c for c in candidates if c.location_id != store.location_id]
    transfers = _Sourcing(missing, others, request, (store.latitude, store.longitude), cost_model, node_budget,
                          "transfer")
    short = {line.line_no: line.quantity for line in transfers.backorders}
    coming = [(d, d.quantity - short.get(d.line_no, 0)) for d in missing]
    waiting = tuple(_line(d, units) for d, units in coming if units)
    return SourcingPlan(shipments=handed_over, transfers=transfers.shipments, waiting=waiting,
                        backorders=transfers.backorders,
                        trace=transfers.trace(None, counted=handed_over, first=verdict))


def _counter_verdict(store: Candidate, held: list[int], missing: tuple[Demand, ...],
                     refusal: tuple[Decision, str] | None) -> Verdict:
    if not sum(held):
        decision, why = refusal or ("no_stock", "holds none of the order's units")
        return Verdict(location_id=store.location_id, decision=decision,
                       reason=f"pickup store {why}: every unit comes by transfer")
    reason = (f"pickup store: hands over {sum(held)} units, the rest come by transfer" if missing
              else "pickup store: hands over every unit")
    return Verdict(location_id=store.location_id, decision="chosen", reason=reason)


def _held_at_counter(lines: Sequence[Demand], store: Candidate) -> list[int]:
    """Units of each line the pickup store gives from its own stock, in line order, within its capacity."""
    stock, capacity, held = dict(store.available), store.remaining_capacity, []
    for demand in lines:
        units = max(0, min(demand.quantity, stock.get(demand.sku, 0), capacity))
        stock[demand.sku] = stock.get(demand.sku, 0) - units
        capacity -= units
        held.append(units)
    return held


def _refusal(candidate: Candidate, request: SourcingRequest, can: Callable[[Candidate], bool],
             cannot: Decision) -> tuple[Decision, str] | None:
    """Why a location takes no part, before any cost is looked at."""
    if candidate.location_id in request.excluded:
        return "excluded", "is excluded from this sourcing"
    if request.channel not in candidate.channels:
        return "channel_not_served", f"does not serve the {request.channel} channel"
    if not can(candidate):
        return cannot, "cannot ship" if cannot == "cannot_ship" else "does not do store pickup"
    if candidate.remaining_capacity <= 0:
        return "no_capacity", "has no picking capacity left today"
    if not any(candidate.available.get(demand.sku, 0) > 0 for demand in request.lines):
        return "no_stock", "holds none of the order's SKUs"
    return None


class _Sourcing:
    """Lines sourced to one point (the customer, or the pickup store for transfers): the search,
    and the shipments, backorders and verdicts it leaves."""

    def __init__(self, lines: Sequence[Demand], candidates: Sequence[Candidate], request: SourcingRequest,
                 position: tuple[float, float] | None, cost_model: CostModel, node_budget: int,
                 mode: Literal["ship", "transfer"]):
        self.lines, self.cost_model, self.mode = lines, cost_model, mode
        self.refused: list[Verdict] = []
        self.eligible: list[Candidate] = []
        self.distances: list[float | None] = []
        for candidate in candidates:
            distance = position and haversine_km(*position, candidate.latitude, candidate.longitude)
            refusal = _refusal(candidate, request, lambda c: c.can_ship, "cannot_ship")
            if refusal:
                self.refused.append(Verdict(location_id=candidate.location_id, decision=refusal[0],
                                            reason=refusal[1], distance_km=_km(distance)))
            else:
                self.eligible.append(candidate)
                self.distances.append(distance)
        self.instance = _Instance(lines, self.eligible, [d or 0.0 for d in self.distances], cost_model)
        self.search = _Search(self.instance, node_budget)
        self.units = self.instance.assignment(self.search.chosen)
        self.shipments = self._shipments()
        self.backorders = self._backorders()

    def _shipments(self) -> tuple[PlannedShipment, ...]:
        shipments = []
        for j in self.search.chosen:
            candidate, distance = self.eligible[j], self.distances[j]
            taken = [(demand, self.units.get((i, j), 0)) for i, demand in enumerate(self.lines)]
            taken = [(demand, units) for demand, units in taken if units]
            weight = sum(units * self._weight(demand) for demand, units in taken)
            shipments.append(PlannedShipment(
                location_id=candidate.location_id, mode=self.mode, distance_km=_km(distance),
                lines=tuple(_line(demand, units) for demand, units in taken),
                shipping=_money((distance or 0.0) * weight * self.cost_model.per_kg_km),
                handling=_money(sum(units for _, units in taken) * self.cost_model.handling(candidate)),
                shipment_cost=_money(self.cost_model.shipment_cost)))
        return tuple(shipments)

    def _backorders(self) -> tuple[ShipmentLine, ...]:
        short = []
        for i, demand in enumerate(self.lines):
            filled = sum(units for (line, _), units in self.units.items() if line == i)
            if filled < demand.quantity:
                short.append(_line(demand, demand.quantity - filled))
        return tuple(short)

    def trace(self, destination: Destination | None, counted: tuple[PlannedShipment, ...] = (),
              first: Verdict | None = None) -> SourcingTrace:
        verdicts = [*self.refused, *(self._verdict(j) for j in range(len(self.eligible)))]
        verdicts.sort(key=lambda verdict: verdict.location_id)
        return SourcingTrace(
            destination=destination, search=self.search.outcome, evaluated=self.search.evaluated,
            considered=(first, *verdicts) if first else tuple(verdicts), cost=_terms((*counted, *self.shipments)))

    def _verdict(self, j: int) -> Verdict:
        candidate, distance = self.eligible[j], _km(self.distances[j])
        if j in self.search.chosen:
            units = [(self.lines[i].line_no, n) for (i, at), n in sorted(self.units.items()) if at == j]
            total = sum(n for _, n in units)
            return Verdict(location_id=candidate.location_id, decision="chosen", distance_km=distance,
                           reason=f"sends {total} unit{'s' * (total > 1)} of line"
                                  f"{'s' * (len(units) > 1)} {', '.join(str(line_no) for line_no, _ in units)}")
        rival = self.search.rivals.get(j)
        if rival is None:
            return Verdict(location_id=candidate.location_id, decision="not_needed", distance_km=distance,
                           reason="is not needed: the chosen locations send what it holds for less")
        extra, instead = rival
        where = (f"in place of {', '.join(self.eligible[s].location_id for s in instead)}" if instead
                 else "beside the chosen locations")
        return Verdict(location_id=candidate.location_id, decision="costlier", distance_km=distance,
                       costlier_by=_money(extra), reason=f"would cost {_money(extra)} more, {where}")

    def _weight(self, demand: Demand) -> float:
        return self.cost_model.default_unit_weight_kg if demand.unit_weight_kg is None else demand.unit_weight_kg


def _line(demand: Demand, units: int) -> ShipmentLine:
    return ShipmentLine(line_no=demand.line_no, sku=demand.sku, quantity=units)


def _money(amount: float) -> Decimal:
    return Decimal(repr(amount)).quantize(_CENT)


def _km(distance: float | None) -> Decimal | None:
    return None if distance is None else Decimal(repr(distance)).quantize(_TENTH)


def _terms(shipments: Iterable[PlannedShipment]) -> CostTerms:
    shipments = tuple(shipments)
    shipping = sum((s.shipping for s in shipments), Decimal(0))
    handling = sum((s.handling for s in shipments), Decimal(0))
    fixed = sum((s.shipment_cost for s in shipments), Decimal(0))
    return CostTerms(shipping=shipping, handling=handling, shipment_cost=fixed, total=shipping + handling + fixed,
                     shipments=sum(1 for s in shipments if s.mode != "pickup"))


# ---------------------------------------------------------------------------- the numbers


class _Instance:
    """Lines × eligible candidates as numbers, and the best filling of lines from a set of them.

    With lines of distinct SKUs and no candidate short of capacity for what it could be asked,
    lines do not compete: each fills greedily from its cheapest offers (exact, and fast). Else
    lines compete for stock or capacity and a small min-cost flow fills them.
    """

    def __init__(self, lines: Sequence[Demand], candidates: Sequence[Candidate], distances: Sequence[float],
                 cost_model: CostModel):
        self.size = len(candidates)
        self.quantity = [demand.quantity for demand in lines]
        self.sku = [demand.sku for demand in lines]
        self.capacity = [candidate.remaining_capacity for candidate in candidates]
        self.shipment_cost = cost_model.shipment_cost
        self.cost = [[cost_model.unit_cost(candidate, distance, demand.unit_weight_kg)
                      for candidate, distance in zip(candidates, distances, strict=True)] for demand in lines]
        self.pool = [{demand.sku: max(0, candidate.available.get(demand.sku, 0)) for demand in lines}
                     for candidate in candidates]
        self.stock = [[min(demand.quantity, pool[demand.sku], capacity)
                       for pool, capacity in zip(self.pool, self.capacity, strict=True)] for demand in lines]
        self.competing = len(set(self.sku)) < len(lines) or any(
            capacity < sum(row[j] for row in self.stock) for j, capacity in enumerate(self.capacity))
        self.memo: dict[tuple[int, ...], tuple[int, float, tuple[int, ...]]] = {}
        everyone = tuple(range(self.size))
        self.least_short = self.price(everyone)[0] if self.size else sum(self.quantity)
        # What the order needs filled, line by line, when lines do not compete.
        self.target = [min(q, sum(row)) for q, row in zip(self.quantity, self.stock, strict=True)]

    def price(self, members: tuple[int, ...]) -> tuple[int, float, tuple[int, ...]]:
        """(units short, cost, members that ship) of the best filling from these candidates."""
        known = self.memo.get(members)
        if known is None:
            short, cost, units = self._fill(members)
            shipping = tuple(sorted({j for _, j in units}))
            known = self.memo[members] = (short, cost + self.shipment_cost * len(shipping), shipping)
        return known

    def key(self, members: tuple[int, ...]) -> tuple[int, float, tuple[int, ...]]:
        """Plans compare by units short, then cost, then the ids of the locations that ship
        (candidates are numbered in id order)."""
        short, cost, shipping = self.price(members)
        return short, round(cost, 6), shipping

    def assignment(self, members: tuple[int, ...]) -> dict[tuple[int, int], int]:
        return self._fill(members)[2]

    def _fill(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        filled = self._greedy(members)
        if self.competing and not self._within_limits(filled[2]):
            return self._flow(members)
        return filled

    def _greedy(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        """Each line from its cheapest offers, as if lines did not compete: exact when they do not,
        and when they do, exact still if no SKU's stock or location's capacity is overdrawn."""
        short, total, units = 0, 0.0, {}
        for i, need in enumerate(self.quantity):
            row_cost, row_stock = self.cost[i], self.stock[i]
            for unit_cost, j in sorted([(row_cost[j], j) for j in members if row_stock[j]]):
                take = min(need, row_stock[j])
                total += take * unit_cost
                units[(i, j)] = take
                need -= take
                if not need:
                    break
            short += need
        return short, total, units

    def _within_limits(self, units: dict[tuple[int, int], int]) -> bool:
        drawn: dict[tuple[str, int], int] = {}
        picked: dict[int, int] = {}
        for (i, j), n in units.items():
            drawn[(self.sku[i], j)] = drawn.get((self.sku[i], j), 0) + n
            picked[j] = picked.get(j, 0) + n
        return (all(n <= self.pool[j][sku] for (sku, j), n in drawn.items())
                and all(n <= self.capacity[j] for j, n in picked.items()))

    def _flow(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        """Successive shortest paths: source -> line -> (SKU at candidate) -> candidate -> sink,
        beside a costly line -> sink arc for units left short, so every unit finds a way."""
        lines = len(self.quantity)
        # Dearer than all units at their dearest offers: one more unit filled always wins.
        short_cost = 1.0 + sum(max((row[j] for j in members), default=0.0) * q
                               for row, q in zip(self.cost, self.quantity, strict=True))
        graph = _Graph()
        source, sink = graph.node(), graph.node()
        line_nodes = [graph.node() for _ in range(lines)]
        arcs = {}
        for i, node in enumerate(line_nodes):
            graph.arc(source, node, self.quantity[i], 0.0)
        for j in members:
            at = graph.node()
            graph.arc(at, sink, self.capacity[j], 0.0)
            pools = {}
            for i, node in enumerate(line_nodes):
                if self.stock[i][j]:
                    if self.sku[i] not in pools:
                        pools[self.sku[i]] = graph.node()
                        graph.arc(pools[self.sku[i]], at, self.pool[j][self.sku[i]], 0.0)
                    arcs[(i, j)] = graph.arc(node, pools[self.sku[i]], self.quantity[i], self.cost[i][j])
        for i, node in enumerate(line_nodes):
            graph.arc(node, sink, self.quantity[i], short_cost)
        graph.flow(source, sink)
        units = {key: graph.carried(arc) for key, arc in arcs.items() if graph.carried(arc)}
        filled = [0] * lines
        total = 0.0
        for (i, j), n in units.items():
            filled[i] += n
            total += n * self.cost[i][j]
        return sum(self.quantity) - sum(filled), total, units


class _Graph:
    """A residual graph small enough for Bellman-Ford at every augmentation."""

    def __init__(self) -> None:
        self.heads: list[list[int]] = []
        self.to: list[int] = []
        self.room: list[int] = []
        self.cost: list[float] = []

    def node(self) -> int:
        self.heads.append([])
        return len(self.heads) - 1

    def arc(self, tail: int, head: int, capacity: int, cost: float) -> int:
        for a, b, room, price in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.heads[a].append(len(self.to))
            self.to.append(b)
            self.room.append(room)
            self.cost.append(price)
        return len(self.to) - 2

    def carried(self, arc: int) -> int:
        return self.room[arc + 1]

    def flow(self, source: int, sink: int) -> None:
        while True:
            distance = [math.inf] * len(self.heads)
            via = [-1] * len(self.heads)
            distance[source] = 0.0
            for _ in range(len(self.heads)):
                changed = False
                for node, arcs in enumerate(self.heads):
                    if distance[node] == math.inf:
                        continue
                    for arc in arcs:
                        if self.room[arc] and distance[node] + self.cost[arc] < distance[self.to[arc]] - _EPSILON:
                            distance[self.to[arc]] = distance[node] + self.cost[arc]
                            via[self.to[arc]] = arc
                            changed = True
                if not changed:
                    break
            if distance[sink] == math.inf:
                return
            path, node = [], sink
            while node != source:
                path.append(via[node])
                node = self.to[via[node] ^ 1]
            push = min(self.room[arc] for arc in path)
            for arc in path:
                self.room[arc] -= push
                self.room[arc ^ 1] += push


# ---------------------------------------------------------------------------- the search


class _Search:
    """The chosen candidates, whether they are proven best, and for every other candidate the
    best plan found that uses it (for the trace)."""

    def __init__(self, instance: _Instance, node_budget: int):
        self.instance = instance
        self.outcome: Literal["exact", "heuristic", "none"] = "none"
        self.rivals: dict[int, tuple[float, tuple[int, ...]]] = {}
        self.chosen: tuple[int, ...] = ()
        if not instance.size or instance.least_short == sum(instance.quantity):
            self.evaluated = len(instance.memo)
            return
        first = self._topped_up(self._grouped() if self._groupable() else self._greedy_cover())
        best, proven = _BranchAndBound(instance, first, node_budget).run()
        self.chosen = self._local_search(best)
        self.outcome = "exact" if proven else "heuristic"
        self.evaluated = len(instance.memo)

    def _groupable(self) -> bool:
        return not self.instance.competing and len(self.instance.quantity) <= GROUPED_LINES

    def _grouped(self) -> tuple[int, ...]:
        """The cheapest grouping of whole lines onto single locations, by dynamic programming over
        subsets of lines; lines no single location can fill are left to the top-up."""
        inst = self.instance
        whole = [i for i, target in enumerate(inst.target)
                 if target and any(stock >= target for stock in inst.stock[i])]
        count = len(whole)
        block: list[tuple[float, int]] = [(math.inf, -1)] * (1 << count)
        for j in range(inst.size):
            fills = [bit for bit, i in enumerate(whole) if inst.stock[i][j] >= inst.target[i]]
            # Every group of the lines it fills, grown one line at a time from a smaller group.
            cost, group = [inst.shipment_cost], [0]
            for index in range(1, 1 << len(fills)):
                low = index & -index
                bit = fills[low.bit_length() - 1]
                cost.append(cost[index ^ low] + inst.target[whole[bit]] * inst.cost[whole[bit]][j])
                group.append(group[index ^ low] | 1 << bit)
                if cost[index] < block[group[index]][0] - _EPSILON:
                    block[group[index]] = (cost[index], j)
        best: list[tuple[float, tuple[int, ...]]] = [(0.0, ())] + [(math.inf, ())] * ((1 << count) - 1)
        for mask in range(1, 1 << count):
            low = mask & -mask
            rest = mask ^ low
            sub = rest
            while True:
                group = sub | low
                cost, j = block[group]
                if j >= 0 and cost + best[mask ^ group][0] < best[mask][0] - _EPSILON:
                    best[mask] = (cost + best[mask ^ group][0], (*best[mask ^ group][1], j))
                if not sub:
                    break
                sub = (sub - 1) & rest
        return tuple(sorted(set(best[(1 << count) - 1][1])))

    def _greedy_cover(self) -> tuple[int, ...]:
        """Fewest locations for most units: the one giving most of what is still missing first,
        the cheaper per unit on a tie."""
        inst = self.instance
        need = list(inst.quantity)
        chosen: list[int] = []
        while True:
            best = None
            for j in range(inst.size):
                if j in chosen:
                    continue
                room, units, cost = inst.capacity[j], 0, inst.shipment_cost
                for i, missing in enumerate(need):
                    take = min(missing, inst.stock[i][j], room)
                    room -= take
                    units += take
                    cost += take * inst.cost[i][j]
                if units and (best is None or (-units, cost / units, j) < best[0]):
                    best = ((-units, cost / units, j), j)
            if best is None:
                return tuple(sorted(chosen))
            j = best[1]
            chosen.append(j)
            room = inst.capacity[j]
            for i in range(len(need)):
                take = min(need[i], inst.stock[i][j], room)
                need[i] -= take
                room -= take

    def _topped_up(self, members: tuple[int, ...]) -> tuple[int, ...]:
        """Adds the location that fills most of what can still be filled until nothing can."""
        inst = self.instance
        while inst.price(members)[0] > inst.least_short:
            members = min((tuple(sorted((*members, j))) for j in range(inst.size) if j not in members),
                          key=self.instance.key)
        return inst.price(members)[2]

    def _local_search(self, members: tuple[int, ...]) -> tuple[int, ...]:
        """Moves to the best plan one drop, add or swap away until none is better. The last
        round's plans are, for every candidate left out, the best plan found that uses it."""
        inst = self.instance
        while True:
            current = self.instance.key(members)
            moves = [tuple(m for m in members if m != s) for s in members]
            rivals: dict[int, tuple[int, float, tuple[int, ...]]] = {}  # filling as much, using j
            for j in range(inst.size):
                if j in members:
                    continue
                for s in (None, *members):
                    move = tuple(sorted((*(m for m in members if m != s), j)))
                    moves.append(move)
                    key = self.instance.key(move)
                    if j in key[2] and key[0] == current[0] and (j not in rivals or key < rivals[j]):
                        rivals[j] = key
            better = min(moves, key=self.instance.key)
            if self.instance.key(better) >= current:
                self.rivals = {j: (key[1] - current[1], tuple(s for s in members if s not in key[2]))
                               for j, key in rivals.items()}
                return members
            members = inst.price(better)[2]


class _BranchAndBound:
    """Sets of one candidate, then of two, then three (iterative deepening): the optimum mostly
    ships from few locations, so it is met early and its cost cuts the deeper levels short.
    Within a level, depth first with the most promising candidates first; a set is left out with
    everything above it when the cheapest plan it could hold cannot beat the best found: every
    member ships (a plan where one does not is a smaller set's), and the units every plan fills
    go at the cheapest prices its members, or the candidates still to come, offer.

    When lines do not compete, a member that ships nothing, or stops shipping when another joins,
    never ships in a larger set either (more offers only push a line to cheaper ones), so such a
    set and all above it are left out too.
    """

    def __init__(self, instance: _Instance, first: tuple[int, ...], node_budget: int):
        self.inst = instance
        self.budget = node_budget
        self.best, self.best_key = first, instance.key(first)
        self.fill = sum(instance.quantity) - instance.least_short
        self.floors: dict[tuple[tuple[int, ...], int], float] = {}  # each deepening meets the last one's sets
        alone = []
        for j in range(instance.size):
            units = sum(row[j] for row in instance.stock)
            cost = instance.shipment_cost + sum(
                row[j] * prices[j] for row, prices in zip(instance.stock, instance.cost, strict=True))
            alone.append((cost / units if units else math.inf, j))
        self.order = [j for _, j in sorted(alone)]
        # For each line, the cheapest price and the stock among the candidates from position p on.
        lines = range(len(instance.quantity))
        self.cheapest_after = [[math.inf] * (instance.size + 1) for _ in lines]
        self.stock_after = [[0] * (instance.size + 1) for _ in lines]
        for i in lines:
            for p in range(instance.size - 1, -1, -1):
                j = self.order[p]
                offered = instance.cost[i][j] if instance.stock[i][j] else math.inf
                self.cheapest_after[i][p] = min(self.cheapest_after[i][p + 1], offered)
                self.stock_after[i][p] = self.stock_after[i][p + 1] + instance.stock[i][j]

    def run(self) -> tuple[tuple[int, ...], bool]:
        """The best set found, and whether it is proven best."""
        depth = 1
        try:
            while self._visit(0, (), depth):
                depth += 1
        except _BudgetSpent:
            return self.best, False
        return self.best, True

    def _visit(self, start: int, members: tuple[int, ...], depth: int) -> bool:
        """Looks at sets of up to `depth` more candidates; whether larger ones remain worth a look."""
        inst, deeper = self.inst, False
        for p in range(start, inst.size):
            # Any set above `members` drawing from position p on ships once more and buys no cheaper
            # than what those positions offer together; past the first p where that cannot win, no
            # later p can either (fewer offers remain).
            if self._floor(members, p) + inst.shipment_cost > self.best_key[1] + _EPSILON:
                break
            grown = tuple(sorted((*members, self.order[p])))
            floor = self._floor(grown, p + 1)
            if floor > self.best_key[1] + _EPSILON:
                continue
            if grown not in inst.memo:
                if self.budget <= 0:
                    raise _BudgetSpent
                self.budget -= 1
            key = inst.key(grown)
            if key < self.best_key:
                self.best, self.best_key = key[2], key
            if not inst.competing and key[2] != grown:
                continue
            if p + 1 < inst.size and floor + inst.shipment_cost <= self.best_key[1] + _EPSILON:
                deeper = (self._visit(p + 1, grown, depth - 1) if depth > 1 else True) or deeper
        return deeper

    def _floor(self, members: tuple[int, ...], start: int) -> float:
        """The least a plan can cost in which these members all ship and the others come from
        position `start` on; infinite when those cannot fill what must be filled."""
        floor = self.floors.get((members, start))
        if floor is None:
            floor = self.floors[(members, start)] = self._least(members, start)
        return floor

    def _least(self, members: tuple[int, ...], start: int) -> float:
        inst = self.inst
        offers = []
        for i, target in enumerate(inst.target):
            if target:
                prices, stock = inst.cost[i], inst.stock[i]
                offers.extend((prices[j], stock[j], i) for j in members if stock[j])
                if self.stock_after[i][start]:
                    offers.append((self.cheapest_after[i][start], self.stock_after[i][start], i))
        offers.sort()
        floor, need, room = inst.shipment_cost * len(members), self.fill, list(inst.target)
        for unit_cost, stock, i in offers:
            take = min(stock, room[i], need)
            floor += take * unit_cost
            room[i] -= take
            need -= take
            if not need:
                return floor
        return math.inf


class _BudgetSpent(Exception):
    pass
