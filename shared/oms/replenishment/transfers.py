"""Transfers: stock a location can spare, moved to one below its reorder point when the move costs
less than what waiting for a purchase would.

Destinations are served most urgent first (fewest days of cover), each from the source that
costs least per unit first, priced like sourcing prices a shipment: carriage per kg and km,
handling at the source, and one shipment. A source offers `min(its free units, what the
destination still needs)`, and when that does not pay, what brings the destination to its reorder
point; a move is proposed when its cost is below either saving:

- the margin at risk: the units the destination is expected to be short between the transfer
  landing and its own purchase arriving (its lead time), less those it would still be short
  with the transfer, × the SKU's unit margin (expected shortfalls: `expected_short`);
- the purchase line it replaces: when the transfer covers the whole remaining need no purchase
  line is raised for it (`purchase_line_cost`). A part transfer replaces none: the rest is bought.

A destination no supplier delivers to can only be stocked by transfer: with no margin to weigh
the move against, it is proposed whatever it costs. Each proposal is one SKU on one lane and
pays its own shipment: two SKUs moved together the same day cost less than priced here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from oms.models import LocationKind
from oms.planning import CatalogueEntry, Proposal, ProposalKind, ProposalLine, Supplier
from oms.replenishment.proposal_ids import proposal_id
from oms.replenishment.rules import PlanningRules
from oms.replenishment.targets import Kept, StockPosition, Target, expected_short, kept
from oms.sourcing import Candidate, CostModel, haversine_km


@dataclass(frozen=True)
class _Lane:
    source: StockPosition
    kept: Kept
    distance_km: float
    unit_cost: float  # carriage and handling of one unit; the shipment's own cost comes on top


@dataclass(frozen=True)
class _Verdict:
    saves: Decimal
    why: str


def transfers(sku: str, entry: CatalogueEntry | None, supplier: Supplier | None, stocks: Sequence[StockPosition],
              targets: Mapping[str, Target], rules: PlanningRules, cost_model: CostModel, run_on: date,
              now: datetime) -> tuple[Proposal, ...]:
    """Every transfer worth making for the SKU; each source's free units are given at most once."""
    if not rules.transfers_enabled:
        return ()
    holds = {stock.location_id: kept(stock, targets[stock.location_id], rules) for stock in stocks}
    free = {location_id: held.free for location_id, held in holds.items()}
    weight = float(entry.unit_weight_kg) if entry is not None and entry.unit_weight_kg is not None else None
    destinations = sorted((stock for stock in stocks if targets[stock.location_id].below_reorder_point
                           and stock.location.kind != LocationKind.DROPSHIP),
                          key=lambda stock: (_cover(targets[stock.location_id]), stock.location_id))
    proposals = []
    for destination in destinations:
        goal = targets[destination.location_id]
        position, need = goal.position, goal.need
        for lane in _lanes(destination, stocks, holds, cost_model, weight):
            spare = free[lane.source.location_id]
            for give in _sizes(spare, need, goal.reorder_point - position):
                cost = _money(cost_model.shipment_cost + give * lane.unit_cost)
                verdict = _worth(destination, goal, position, give, give == need, cost, entry, supplier, rules)
                if verdict is not None:
                    proposals.append(_proposal(sku, lane, spare, destination, goal, position, give, cost, verdict,
                                               rules, run_on, now))
                    free[lane.source.location_id] -= give
                    position, need = position + give, need - give
                    break
            if need == 0:
                break
    return tuple(proposals)


def _cover(goal: Target) -> float:
    return math.inf if goal.days_of_cover is None else goal.days_of_cover


def _sizes(spare: int, need: int, to_reorder_point: int) -> list[int]:
    """What to offer: the whole need (up to the order-up-to level) if it pays, else what brings the
    destination to its reorder point: the units above it protect no day before a purchase lands,
    and a far source may pay for the near-term units only."""
    return [size for size in dict.fromkeys((min(spare, need), min(spare, to_reorder_point))) if size > 0]


def _lanes(destination: StockPosition, stocks: Sequence[StockPosition], holds: Mapping[str, Kept],
           cost_model: CostModel, weight: float | None) -> list[_Lane]:
    """The sources with units to spare, cheapest per unit first (then by id: the same every run)."""
    lanes = []
    for source in stocks:
        if source.location_id == destination.location_id or holds[source.location_id].free <= 0:
            continue
        distance = haversine_km(float(source.location.latitude), float(source.location.longitude),
                                float(destination.location.latitude), float(destination.location.longitude))
        unit_cost = cost_model.unit_cost(Candidate.of(source.location, ()), distance, weight)
        lanes.append(_Lane(source, holds[source.location_id], distance, unit_cost))
    return sorted(lanes, key=lambda lane: (lane.unit_cost, lane.source.location_id))


def _worth(destination: StockPosition, goal: Target, position: int, give: int, covers_need: bool, cost: Decimal,
           entry: CatalogueEntry | None, supplier: Supplier | None, rules: PlanningRules) -> _Verdict | None:
    """Why the move pays, or None when it does not."""
    margin = entry.unit_margin if entry is not None else None
    can_buy = supplier is not None and supplier.delivers(destination.location_id)
    if margin is not None:
        short = _averted(destination, goal.lead_time_days, rules.transfer_days, position, give)
        at_risk = _money(short * float(margin))
        if cost < at_risk:
            return _Verdict(at_risk, f"{at_risk} margin at risk ({short:.1f} units short from day "
                                     f"{rules.transfer_days} to {goal.lead_time_days}, when a purchase could arrive)")
    if can_buy and covers_need and cost < rules.purchase_line_cost:
        return _Verdict(rules.purchase_line_cost, f"{rules.purchase_line_cost} for the purchase line it replaces")
    if margin is None and not can_buy:
        return _Verdict(Decimal(0), f"no supplier delivers to {destination.location_id}: only a transfer stocks it")
    return None


def _averted(destination: StockPosition, lead_time: int, transfer_days: int, position: int, give: int) -> float:
    """Units the transfer keeps the destination from being short of before a purchase could land:
    what it averts over the lead time, less what it would avert over the days before it lands
    itself (demand then is lost with or without it). Nothing when a purchase lands as soon."""
    def averted(days: int) -> float:
        forecast = destination.forecast
        return expected_short(forecast, days, position) - expected_short(forecast, days, position + give)
    return max(0.0, averted(lead_time) - averted(transfer_days)) if lead_time > transfer_days else 0.0


def _proposal(sku: str, lane: _Lane, spare: int, destination: StockPosition, goal: Target, position: int,
              give: int, cost: Decimal, verdict: _Verdict, rules: PlanningRules, run_on: date,
              now: datetime) -> Proposal:
    source = lane.source.location_id
    reason = (f"{destination.location_id} below reorder point {goal.reorder_point} (position {position}); "
              f"{source} holds {spare} free beyond the {lane.kept.units} it keeps for "
              f"{lane.kept.days} days; transfer {give} units over {lane.distance_km:.0f} km, "
              f"cost {cost} vs {verdict.why}")
    return Proposal(
        proposal_id=proposal_id("trp", run_on, sku, source, destination.location_id),
        kind=ProposalKind.TRANSFER, run_on=run_on, to_location=destination.location_id, from_location=source,
        lines=(ProposalLine(sku=sku, units=give, reorder_point=goal.reorder_point, position=position),),
        reason=reason, cost=cost, saves=verdict.saves,
        arrives_by=run_on + timedelta(days=rules.transfer_days), created_at=now)


def _money(amount: float) -> Decimal:
    return Decimal(f"{amount:.2f}")
