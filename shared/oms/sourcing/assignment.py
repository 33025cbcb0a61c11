"""Lines sourced to one point (the customer, or the pickup store for transfers): which candidates
may take part, the search among them, and the shipments, backorders and verdicts it leaves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from oms.geocoding import Destination
from oms.sourcing.costs import CostModel, haversine_km
from oms.sourcing.plans import (
    Candidate,
    Decision,
    Demand,
    PlannedShipment,
    ShipmentLine,
    SourcingRequest,
    SourcingTrace,
    Verdict,
    cost_terms,
    km,
    line_of,
    money,
)
from oms.sourcing.pricing import Instance
from oms.sourcing.search import Search


def why_left_out(candidate: Candidate, request: SourcingRequest, can: Callable[[Candidate], bool],
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


class Sourced:
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
            refusal = why_left_out(candidate, request, lambda c: c.can_ship, "cannot_ship")
            if refusal:
                self.refused.append(Verdict(location_id=candidate.location_id, decision=refusal[0],
                                            reason=refusal[1], distance_km=km(distance)))
            else:
                self.eligible.append(candidate)
                self.distances.append(distance)
        self.instance = Instance(lines, self.eligible, [d or 0.0 for d in self.distances], cost_model)
        self.search = Search(self.instance, node_budget)
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
                location_id=candidate.location_id, mode=self.mode, distance_km=km(distance),
                lines=tuple(line_of(demand, units) for demand, units in taken),
                shipping=money((distance or 0.0) * weight * self.cost_model.per_kg_km),
                handling=money(sum(units for _, units in taken) * self.cost_model.handling(candidate)),
                shipment_cost=money(self.cost_model.shipment_cost)))
        return tuple(shipments)

    def _backorders(self) -> tuple[ShipmentLine, ...]:
        short = []
        for i, demand in enumerate(self.lines):
            filled = sum(units for (line, _), units in self.units.items() if line == i)
            if filled < demand.quantity:
                short.append(line_of(demand, demand.quantity - filled))
        return tuple(short)

    def trace(self, destination: Destination | None, counted: tuple[PlannedShipment, ...] = (),
              first: Verdict | None = None) -> SourcingTrace:
        verdicts = [*self.refused, *(self._verdict(j) for j in range(len(self.eligible)))]
        verdicts.sort(key=lambda verdict: verdict.location_id)
        return SourcingTrace(
            destination=destination, search=self.search.outcome, evaluated=self.search.evaluated,
            considered=(first, *verdicts) if first else tuple(verdicts), cost=cost_terms((*counted, *self.shipments)))

    def _verdict(self, j: int) -> Verdict:
        candidate, distance = self.eligible[j], km(self.distances[j])
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
                       costlier_by=money(extra), reason=f"would cost {money(extra)} more, {where}")

    def _weight(self, demand: Demand) -> float:
        return self.cost_model.default_unit_weight_kg if demand.unit_weight_kg is None else demand.unit_weight_kg
