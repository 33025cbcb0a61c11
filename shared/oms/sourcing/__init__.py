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

from collections.abc import Iterable

from oms.sourcing.assignment import Sourced
from oms.sourcing.costs import CostModel, haversine_km
from oms.sourcing.pickups import pickup
from oms.sourcing.plans import (
    Candidate,
    CostTerms,
    Demand,
    PlannedShipment,
    SourcingPlan,
    SourcingRequest,
    SourcingTrace,
    Verdict,
)
from oms.sourcing.search import GROUPED_LINES, NODE_BUDGET

__all__ = ["GROUPED_LINES", "NODE_BUDGET", "Candidate", "CostModel", "CostTerms", "Demand", "PlannedShipment",
           "SourcingPlan", "SourcingRequest", "SourcingTrace", "Verdict", "haversine_km", "source"]


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
        return pickup(request, ordered, cost_model, node_budget)
    position = request.destination and (float(request.destination.latitude), float(request.destination.longitude))
    sourced = Sourced(request.lines, ordered, request, position, cost_model, node_budget, "ship")
    return SourcingPlan(shipments=sourced.shipments, transfers=(), waiting=(), backorders=sourced.backorders,
                        trace=sourced.trace(request.destination))
