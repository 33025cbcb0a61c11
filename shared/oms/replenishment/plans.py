"""One SKU's plan: targets at every location, the transfers worth making, and what is left to buy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from oms.models import LocationKind
from oms.planning import CatalogueEntry, Proposal, Supplier
from oms.replenishment.purchases import Shortfall
from oms.replenishment.rules import PlanningRules
from oms.replenishment.targets import StockPosition, Target, lead_time_days, target
from oms.replenishment.transfers import transfers
from oms.sourcing import CostModel


@dataclass(frozen=True)
class SkuPlan:
    sku: str
    targets: tuple[Target, ...]  # in the order of the positions given
    transfers: tuple[Proposal, ...]  # one line each; the reason says why in words
    shortfalls: tuple[Shortfall, ...]  # left for purchase after transfers


def plan_sku(sku: str, entry: CatalogueEntry | None, supplier: Supplier | None,
             positions: Sequence[StockPosition], sku_class: str, rules: PlanningRules, cost_model: CostModel,
             run_on: date, now: datetime) -> SkuPlan:
    """Targets first, then transfers into the locations below their reorder point, then the rest
    of their need (up to their order-up-to level) as shortfalls. A dropship vendor's stock is its
    own: it gets targets, for the record, but is neither transferred to nor bought for."""
    service_level = rules.service_level(sku_class)
    goals = {stock.location_id: target(stock, lead_time_days(stock.location, supplier, rules), service_level,
                                       rules.review_days)
             for stock in positions}
    moves = transfers(sku, entry, supplier, positions, goals, rules, cost_model, run_on, now)
    arriving = Counter()
    for move in moves:
        arriving[move.to_location] += move.lines[0].units
    shortfalls = []
    for stock in positions:
        goal, coming = goals[stock.location_id], arriving[stock.location_id]
        if stock.location.kind != LocationKind.DROPSHIP and goal.need > coming:
            shortfalls.append(Shortfall(stock.location_id, goal.need - coming, goal.reorder_point,
                                        goal.position + coming))
    return SkuPlan(sku=sku, targets=tuple(goals[stock.location_id] for stock in positions), transfers=moves,
                   shortfalls=tuple(shortfalls))
