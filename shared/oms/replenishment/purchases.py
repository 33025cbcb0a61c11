"""Purchases: what transfers could not cover, bought from each SKU's supplier, one proposal per
supplier and destination with a line per SKU, each rounded up to the supplier's multiples and
minimum. What cannot be bought is handed back with the reason, never dropped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from oms.planning import CatalogueEntry, Proposal, ProposalKind, ProposalLine, Supplier
from oms.replenishment.proposal_ids import proposal_id
from oms.stock_orders import MAX_PURCHASE_LINES


@dataclass(frozen=True)
class Shortfall:
    """Units a location still needs of a SKU after the transfers proposed to it."""

    location_id: str
    units: int
    reorder_point: int = 0
    position: int = 0  # with the transfers proposed to it


@dataclass(frozen=True)
class Unbought:
    sku: str
    location_id: str
    units: int
    why: str


class PurchasePlan(NamedTuple):
    proposals: list[Proposal]
    unbought: list[Unbought]


def purchases(shortfalls_by_sku: Mapping[str, Sequence[Shortfall]], entries: Mapping[str, CatalogueEntry],
              suppliers: Mapping[str, Supplier], run_on: date, now: datetime) -> PurchasePlan:
    """Proposals in order of supplier then location, lines in SKU order: the same input, the same
    proposals and ids, however the mappings were filled."""
    orders: dict[tuple[str, str], dict[str, Shortfall]] = defaultdict(dict)
    unbought = []
    for sku in sorted(shortfalls_by_sku):
        entry = entries.get(sku)
        supplier = suppliers.get(entry.supplier_id) if entry is not None and entry.supplier_id else None
        for shortfall in _merged(shortfalls_by_sku[sku]):
            why = _unbuyable(entry, supplier, shortfall.location_id)
            if why:
                unbought.append(Unbought(sku, shortfall.location_id, shortfall.units, why))
            else:
                orders[supplier.supplier_id, shortfall.location_id][sku] = shortfall
    proposals = [_proposal(suppliers[supplier_id], location_id, dict(ordered[start:start + MAX_PURCHASE_LINES]),
                           entries, run_on, now, start // MAX_PURCHASE_LINES)
                 for (supplier_id, location_id), lines in sorted(orders.items())
                 for ordered in [sorted(lines.items())]
                 for start in range(0, len(ordered), MAX_PURCHASE_LINES)]
    return PurchasePlan(proposals, unbought)


def _merged(shortfalls: Sequence[Shortfall]) -> list[Shortfall]:
    """One shortfall per location, the units of repeats added, the first's reorder point and position kept."""
    merged: dict[str, Shortfall] = {}
    for shortfall in shortfalls:
        if shortfall.units <= 0:
            continue
        first = merged.get(shortfall.location_id)
        merged[shortfall.location_id] = shortfall if first is None else Shortfall(
            first.location_id, first.units + shortfall.units, first.reorder_point, first.position)
    return sorted(merged.values(), key=lambda shortfall: shortfall.location_id)


def _unbuyable(entry: CatalogueEntry | None, supplier: Supplier | None, location_id: str) -> str | None:
    if entry is None or not entry.supplier_id:
        return "no supplier in the catalogue"
    if supplier is None:
        return f"supplier {entry.supplier_id} unknown"
    if not supplier.delivers(location_id):
        return f"supplier {supplier.supplier_id} does not deliver to {location_id}"
    return None


def _proposal(supplier: Supplier, location_id: str, shortfalls: Mapping[str, Shortfall],
              entries: Mapping[str, CatalogueEntry], run_on: date, now: datetime, part: int = 0) -> Proposal:
    """`part`: a supplier's order for one location is cut into purchase orders of as many lines
    as one can hold (`MAX_PURCHASE_LINES`); the first keeps the plain id."""
    lines = tuple(ProposalLine(sku=sku, units=supplier.order_quantity(shortfall.units),
                               reorder_point=shortfall.reorder_point, position=shortfall.position)
                  for sku, shortfall in sorted(shortfalls.items()))
    costs = [entries[line.sku].unit_cost for line in lines]
    cost = sum((line.units * unit_cost for line, unit_cost in zip(lines, costs) if unit_cost is not None), Decimal(0))
    unpriced = sum(unit_cost is None for unit_cost in costs)
    short = sum(shortfall.units for shortfall in shortfalls.values())
    reason = (f"{location_id}: {len(lines)} SKU{'s' if len(lines) > 1 else ''} below reorder point, "
              f"{short} units short after transfers; buy {sum(line.units for line in lines)} in multiples of "
              f"{supplier.order_multiple} (minimum {supplier.minimum_order_quantity} per SKU), "
              f"{supplier.lead_time_days} days' lead time"
              + (f"; cost leaves out {unpriced} SKU{'s' if unpriced > 1 else ''} without a unit cost"
                 if unpriced else ""))
    return Proposal(
        proposal_id=proposal_id("pup", run_on, supplier.supplier_id, location_id, *([f"part-{part + 1}"] if part else [])),
        kind=ProposalKind.PURCHASE, run_on=run_on, to_location=location_id, supplier_id=supplier.supplier_id,
        lines=lines, reason=reason, cost=cost, arrives_by=run_on + timedelta(days=supplier.lead_time_days),
        created_at=now)
