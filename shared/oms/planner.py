"""The daily replenishment run: every stocked SKU's demand forecast at each location, the targets
(safety stock, reorder point) kept beside its stock, and the transfers and purchases that bring
each location back to its targets.

In two passes over the catalogue, so that no more than forecasts are held for all of it:
1. per SKU: its stock, what is on the way, each location's demand history; forecasts per location,
   and of the SKU's total, which is what a location with too little history of its own falls back
   on (its share of the total). The category's demand per SKU is summed on the way.
2. SKUs with no history anywhere fall back on their category's demand per SKU; the SKUs are put
   in classes by forecast value (the class sets the service level); then each SKU is planned and
   the purchases grouped per supplier.

A day a location had nothing to promise is a stock-out day: the forecast reads its demand as
missing, not as zero. The stream marks the days stock ran out on; the run marks today for stock
that is still out, so a location that stays out for a week is marked every day of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from oms.demand import DailyDemand, Series
from oms.forecast import DemandDay, Forecast, forecast
from oms.models import Location, Stock, StockPlan
from oms.planning import CatalogueEntry, Proposal, ProposalKind, Supplier
from oms.replenishment import (
    PlanningRules,
    Shortfall,
    SkuPlan,
    StockPosition,
    demand_values,
    plan_sku,
    purchases,
    sku_classes,
)
from oms.sourcing import CostModel

HISTORY_DAYS = 364  # 52 whole weeks: a weekly pattern is seen 52 times, a yearly one not at all
HORIZON_DAYS = 28


class PlanningSources(Protocol):
    def locations(self) -> list[Location]: ...

    def catalogue(self) -> list[str]: ...

    def stock(self, sku: str) -> list[Stock]: ...

    def entries(self, skus: Iterable[str]) -> dict[str, CatalogueEntry]: ...

    def suppliers(self) -> list[Supplier]: ...

    def history(self, series: Series, start: date, end: date) -> list[DailyDemand]:
        """Every day from start to end, oldest first; a day with no item is a day with no demand."""

    def inbound(self, sku: str) -> dict[str, int]:
        """Units on their way to each location: transfers accepted, purchases not yet received."""

    def mark_stock_out(self, sku: str, location_id: str, day: date) -> None: ...

    def record_plan(self, sku: str, location_id: str, plan: StockPlan) -> bool: ...

    def replace_open(self, run_on: date, proposals: Sequence[Proposal]) -> None:
        """The run's proposals become the open ones; those of earlier runs still open are superseded."""


@dataclass(frozen=True)
class RunSummary:
    run_on: date
    skus: int
    series: int
    below_reorder_point: int  # (SKU, location) pairs whose position is under their reorder point
    transfers: tuple[Proposal, ...]
    purchases: tuple[Proposal, ...]
    unsupplied: tuple[str, ...]  # SKUs short somewhere that no supplier can deliver there

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        return self.transfers + self.purchases


@dataclass
class _Sku:
    """What pass 1 keeps of a SKU for pass 2."""

    sku: str
    entry: CatalogueEntry | None
    stock: list[Stock]
    inbound: Mapping[str, int]
    forecasts: dict[str, Forecast]
    total: Forecast
    has_history: bool


@dataclass
class _Categories:
    """Each category's daily demand summed over its SKUs that have any, to fall back on per SKU."""

    days: dict[str, list[float]] = field(default_factory=dict)
    skus: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, category: str, units: Sequence[float]) -> None:
        summed = self.days.setdefault(category, [0.0] * len(units))
        for place, value in enumerate(units):
            summed[place] += value
        self.skus[category] += 1

    def per_sku(self, start: date) -> dict[str, Forecast]:
        return {category: forecast([DemandDay(start + timedelta(days=place), value / self.skus[category])
                                    for place, value in enumerate(summed)], HORIZON_DAYS)
                for category, summed in self.days.items()}


def run(sources: PlanningSources, rules: PlanningRules, now: datetime,
        cost_model: CostModel = CostModel()) -> RunSummary:
    run_on = now.date()
    start, end = run_on - timedelta(days=HISTORY_DAYS), run_on - timedelta(days=1)
    locations = {location.location_id: location for location in sources.locations()}
    skus = sources.catalogue()
    entries = sources.entries(skus)
    suppliers = {supplier.supplier_id: supplier for supplier in sources.suppliers()}

    categories = _Categories()
    read = []
    for sku in skus:
        stocked = [row for row in sources.stock(sku) if row.location_id in locations]
        if not stocked:
            continue
        for row in stocked:
            if row.available <= 0:
                sources.mark_stock_out(sku, row.location_id, run_on)
        histories = {row.location_id: sources.history(Series.at_location(sku, row.location_id), start, end)
                     for row in stocked}
        planned = _forecasts(sku, entries.get(sku), stocked, sources.inbound(sku), histories)
        if planned.has_history and planned.entry and planned.entry.category:
            categories.add(planned.entry.category, _total_units(histories.values()))
        read.append(planned)

    by_category = categories.per_sku(start)
    for planned in read:
        category = planned.entry and planned.entry.category
        if not planned.has_history and category in by_category:
            share = 1 / len(planned.stock)
            planned.forecasts = {row.location_id: by_category[category].scaled(share) for row in planned.stock}
            planned.total = by_category[category]

    classes = sku_classes(demand_values({planned.sku: planned.total.per_day for planned in read}, entries), rules)
    transfers: list[Proposal] = []
    shortfalls: dict[str, list[Shortfall]] = {}
    below = 0
    for planned in read:
        entry = planned.entry
        supplier = suppliers.get(entry.supplier_id) if entry and entry.supplier_id else None
        plan = plan_sku(planned.sku, entry, supplier, _positions(planned, locations), classes[planned.sku], rules,
                        cost_model, run_on, now)
        below += _record(sources, planned, plan, rules.service_level(classes[planned.sku]), run_on)
        transfers += plan.transfers
        if plan.shortfalls:
            shortfalls[planned.sku] = list(plan.shortfalls)

    bought, unsupplied = purchases(shortfalls, entries, suppliers, run_on, now)
    sources.replace_open(run_on, [*transfers, *bought])
    return RunSummary(run_on=run_on, skus=len(read), series=sum(len(p.stock) for p in read), below_reorder_point=below,
                      transfers=tuple(transfers), purchases=tuple(p for p in bought if p.kind == ProposalKind.PURCHASE),
                      unsupplied=tuple(sorted({shortfall.sku for shortfall in unsupplied})))


def _forecasts(sku: str, entry: CatalogueEntry | None, stocked: list[Stock], inbound: Mapping[str, int],
               histories: Mapping[str, list[DailyDemand]]) -> _Sku:
    forecasts, total = location_forecasts(histories)
    return _Sku(sku, entry, stocked, inbound, forecasts, total,
                has_history=any(day.ordered for history in histories.values() for day in history))


def location_forecasts(histories: Mapping[str, list[DailyDemand]]) -> tuple[dict[str, Forecast], Forecast]:
    """Each location's forecast from its history (same days at every location), and the total's.
    A location with too little history of its own falls back on its share of the total."""
    total_units = _total_units(histories.values())
    days = next(iter(histories.values()))
    # The total is censored on a day every location was out: elsewhere someone could still sell.
    total = forecast([DemandDay(day.day, units, all(h[place].stock_out for h in histories.values()))
                      for place, (day, units) in enumerate(zip(days, total_units, strict=True))], HORIZON_DAYS)
    grand = sum(total_units)
    forecasts = {}
    for location_id, history in histories.items():
        share = (sum(day.ordered for day in history) / grand) if grand else 1 / len(histories)
        forecasts[location_id] = forecast([DemandDay(day.day, day.ordered, day.stock_out) for day in history],
                                          HORIZON_DAYS, fallback=total.scaled(share))
    return forecasts, total


def _total_units(histories: Iterable[list[DailyDemand]]) -> list[float]:
    return [float(sum(day.ordered for day in same_day)) for same_day in zip(*histories, strict=True)]


def _positions(planned: _Sku, locations: Mapping[str, Location]) -> list[StockPosition]:
    return [StockPosition(location=locations[row.location_id], on_hand=row.on_hand, reserved=row.reserved,
                          inbound=planned.inbound.get(row.location_id, 0), forecast=planned.forecasts[row.location_id],
                          safety_stock=row.safety_stock)
            for row in planned.stock]


def _record(sources: PlanningSources, planned: _Sku, plan: SkuPlan, service_level: float, run_on: date) -> int:
    """Keeps each location's targets beside its stock; the number of locations below their reorder point."""
    below = 0
    for target in plan.targets:
        made = planned.forecasts[target.location_id]
        sources.record_plan(planned.sku, target.location_id, StockPlan(
            as_of=run_on, per_day=Decimal(str(round(made.per_day, 3))), method=made.method, pattern=str(made.pattern),
            service_level=Decimal(str(service_level)), lead_time_days=target.lead_time_days,
            safety_stock=target.safety_stock, reorder_point=target.reorder_point, order_up_to=target.order_up_to))
        below += target.position < target.reorder_point
    return below
