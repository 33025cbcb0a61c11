"""Store pickups: the pickup store hands over what it holds, and the rest comes to it by transfer,
sourced with the same cost model and search; the lines wait for the transfers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from oms.sourcing.assignment import Sourced, why_left_out
from oms.sourcing.costs import CostModel
from oms.sourcing.plans import (
    Candidate,
    Decision,
    Demand,
    PlannedShipment,
    SourcingPlan,
    SourcingRequest,
    SourcingTrace,
    Verdict,
    cost_terms,
    line_of,
    money,
)


def pickup(request: SourcingRequest, candidates: list[Candidate], cost_model: CostModel,
            node_budget: int) -> SourcingPlan:
    store = next((c for c in candidates if c.location_id == request.pickup_location_id), None)
    refusal = (why_left_out(store, request, lambda c: c.can_pickup, "cannot_pickup") if store
               else ("cannot_pickup", "is not among the candidate locations: its place and stock are unknown"))
    if refusal and refusal[0] in ("cannot_pickup", "channel_not_served"):
        # Nowhere to hand the units over: nothing is allocated until the order is changed.
        verdict = Verdict(location_id=request.pickup_location_id, decision=refusal[0],
                          reason=f"pickup store {refusal[1]}")
        return SourcingPlan(shipments=(), transfers=(), waiting=(),
                            backorders=tuple(line_of(d, d.quantity) for d in request.lines),
                            trace=SourcingTrace(destination=None, search="none", evaluated=0, considered=(verdict,),
                                                cost=cost_terms(())))
    # A store excluded from this sourcing (it rejected the pick) gives nothing from its shelves.
    held = [0] * len(request.lines) if refusal else _held_at_counter(request.lines, store)
    counter = PlannedShipment(
        location_id=store.location_id, mode="pickup", distance_km=Decimal(0), shipping=Decimal(0),
        shipment_cost=Decimal(0), handling=money(sum(held) * cost_model.handling(store)),
        lines=tuple(line_of(d, units) for d, units in zip(request.lines, held, strict=True) if units))
    handed_over = (counter,) if counter.lines else ()
    missing = tuple(Demand(d.line_no, d.sku, d.quantity - units, d.unit_weight_kg)
                    for d, units in zip(request.lines, held, strict=True) if d.quantity > units)
    verdict = _counter_verdict(store, held, missing, refusal)
    if not missing:
        return SourcingPlan(shipments=handed_over, transfers=(), waiting=(), backorders=(),
                            trace=SourcingTrace(destination=None, search="none", evaluated=0, considered=(verdict,),
                                                cost=cost_terms(handed_over)))
    others = [c for c in candidates if c.location_id != store.location_id]
    transfers = Sourced(missing, others, request, (store.latitude, store.longitude), cost_model, node_budget,
                          "transfer")
    short = {line.line_no: line.quantity for line in transfers.backorders}
    coming = [(d, d.quantity - short.get(d.line_no, 0)) for d in missing]
    waiting = tuple(line_of(d, units) for d, units in coming if units)
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
