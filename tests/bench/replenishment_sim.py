"""Replenishment: the fill rate and units transferred over 90 simulated days, beside the same days
with transfers switched off.

A seeded world of 20 SKUs × 6 locations: warehouses in Reno and Columbus, stores in New York,
Chicago, Los Angeles and Dallas, each selling every SKU. A SKU's demand over all locations is
one of five patterns, four SKUs each: steady; weekly (weekends 60 % busier); trending (up or down
by about half over the 90 days); shifting (its demand moves from one set of locations to
another); intermittent (an order on about one day in five, of several units). Counts are
Poisson around the day's mean; intermittent sizes are too. Each location's share of a SKU is
drawn apart from where its opening stock is put, so the stock starts in the wrong places: 30
days of the SKU's demand in all, spread as unevenly. Two suppliers, 7 and 10 days' lead time,
cases of 6 and 12 and minimums of 12 and 24, deliver to every location.

Each day, what is due arrives; each location serves its demand from its own stock (a unit it
lacks is lost, not backordered); then the planner runs. Every series is forecast with
`oms.forecast.forecast` on its sales so far (a day that lost sales is a stock-out day: its
units are censored), falling back on the location's share of the SKU's total as the planner
does; the SKUs are classed by forecast value, each is planned with `plan_sku` and the shortfalls
bought with `purchases`; every proposal is accepted at once. A transfer leaves its source that
evening and lands `transfer_days` later; a purchase lands after its supplier's lead time. The
same demand is replayed with transfers switched off (purchases only). The 28 days of demand
before the first are the planner's first history. Nothing is reserved: every unit on hand may be
sold or moved.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np

from oms.forecast import DemandDay, Forecast, forecast
from oms.models import Location, LocationKind
from oms.planning import CatalogueEntry, Proposal, Supplier
from oms.replenishment import PlanningRules, StockPosition, demand_values, plan_sku, purchases, sku_classes
from oms.sourcing import CostModel
from tests.bench.figures import Figure

SEED = 20260302
DAYS = 90
HISTORY_DAYS = 28  # demand before the first day: what the planner starts from
HORIZON_DAYS = 28
SKUS = 20
FIRST_DAY = date(2026, 3, 2)  # a Monday: the first simulated day
OPENING_DAYS = 30  # opening stock: this many days of a SKU's demand, over all locations
PATTERNS = ("steady", "weekly", "trending", "shifting", "intermittent")
PLACES = (  # real US coordinates
    ("wh-reno", LocationKind.WAREHOUSE, "39.5296", "-119.8138"),
    ("wh-columbus", LocationKind.WAREHOUSE, "39.9612", "-82.9988"),
    ("store-nyc", LocationKind.STORE, "40.7128", "-74.0060"),
    ("store-chicago", LocationKind.STORE, "41.8781", "-87.6298"),
    ("store-la", LocationKind.STORE, "34.0522", "-118.2437"),
    ("store-dallas", LocationKind.STORE, "32.7767", "-96.7970"),
)
SUPPLIERS = (
    Supplier(supplier_id="acme", name="Acme", lead_time_days=7, order_multiple=6, minimum_order_quantity=12),
    Supplier(supplier_id="zenith", name="Zenith", lead_time_days=10, order_multiple=12, minimum_order_quantity=24),
)


@dataclass(frozen=True)
class World:
    locations: tuple[Location, ...]
    entries: dict[str, CatalogueEntry]
    suppliers: dict[str, Supplier]
    demand: np.ndarray  # units [sku, location, day]: the history days first, then the simulated ones
    opening: np.ndarray  # units on hand [sku, location] on the first simulated day

    @property
    def skus(self) -> list[str]:
        return list(self.entries)


@dataclass(frozen=True)
class Outcome:
    demanded: int
    served: int
    transfers: int
    units_transferred: int
    transfer_cost: Decimal
    purchase_lines: int
    units_purchased: int
    mean_on_hand: float  # units held over all SKUs and locations at the end of a day, on average

    @property
    def fill_rate_pct(self) -> float:
        return 100 * self.served / self.demanded


def generate(seed: int = SEED) -> World:
    rng = np.random.default_rng(seed)
    locations = tuple(Location(location_id=location_id, name=location_id, kind=kind, latitude=latitude,
                               longitude=longitude, country="US") for location_id, kind, latitude, longitude in PLACES)
    entries, demand, opening = {}, [], []
    for number in range(SKUS):
        sku = f"SKU-{number:02d}"
        price = round(float(rng.uniform(8, 60)), 2)
        entries[sku] = CatalogueEntry(
            sku=sku, supplier_id=SUPPLIERS[number % 2].supplier_id, unit_price=Decimal(f"{price:.2f}"),
            unit_cost=Decimal(f"{price * rng.uniform(0.45, 0.65):.2f}"),
            unit_weight_kg=Decimal(f"{rng.uniform(0.2, 2.5):.2f}"))
        per_day = float(rng.lognormal(np.log(6), 0.6))  # over all locations
        means = per_day * _shares(rng, PATTERNS[number % len(PATTERNS)])
        demand.append(_draws(rng, means, PATTERNS[number % len(PATTERNS)]))
        opening.append(np.round(per_day * OPENING_DAYS * rng.dirichlet([0.7] * len(PLACES))))
    return World(locations, entries, {supplier.supplier_id: supplier for supplier in SUPPLIERS},
                 np.array(demand, dtype=int), np.array(opening, dtype=int))


def _shares(rng: np.random.Generator, pattern: str) -> np.ndarray:
    """Mean share of the SKU's demand [location, day]: hot and cold locations, and the pattern's shape."""
    days = np.arange(HISTORY_DAYS + DAYS)
    share = np.outer(rng.dirichlet([0.8] * len(PLACES)), np.ones(len(days)))
    if pattern == "weekly":
        weekday = (FIRST_DAY.weekday() + days - HISTORY_DAYS) % 7
        share = share * np.where(weekday >= 5, 1.6, 1.0)
    elif pattern == "trending":
        share = share * np.linspace(1.0, rng.choice([0.5, 1.5]), len(days))
    elif pattern == "shifting":
        later = rng.dirichlet([0.8] * len(PLACES))
        share = share + np.outer(later - share[:, 0], np.clip((days - HISTORY_DAYS) / DAYS, 0, 1))
    return share


def _draws(rng: np.random.Generator, means: np.ndarray, pattern: str) -> np.ndarray:
    if pattern != "intermittent":
        return rng.poisson(means)
    ordering = rng.random(means.shape) < 0.2
    return np.where(ordering, rng.poisson(means / 0.2), 0)


class Ledger:
    """Units on hand and on their way, per [sku, location], and what lands on which day."""

    def __init__(self, opening: np.ndarray) -> None:
        self.on_hand = opening.copy()
        self.inbound = np.zeros_like(opening)
        self._landing: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # day -> (sku, location, units)

    def land(self, day: int) -> None:
        for sku, location, units in self._landing.pop(day, []):
            self.on_hand[sku, location] += units
            self.inbound[sku, location] -= units

    def send(self, sku: int, location: int, units: int, lands: int) -> None:
        self.inbound[sku, location] += units
        self._landing[lands].append((sku, location, units))


def simulate(world: World, rules: PlanningRules, forecasts: Forecasts,
             cost_model: CostModel = CostModel()) -> Outcome:
    skus, locations = world.skus, world.locations
    number = {location.location_id: index for index, location in enumerate(locations)}
    stock = Ledger(world.opening)
    history = [[[DemandDay(FIRST_DAY + timedelta(days=day - HISTORY_DAYS), float(world.demand[s, loc, day]))
                 for day in range(HISTORY_DAYS)] for loc in range(len(locations))] for s in range(len(skus))]
    demanded = served = held = 0
    moves: list[Proposal] = []
    bought: list[Proposal] = []
    for day in range(DAYS):
        today = FIRST_DAY + timedelta(days=day)
        stock.land(day)
        wanted = world.demand[:, :, HISTORY_DAYS + day]
        sold = np.minimum(wanted, stock.on_hand)
        stock.on_hand -= sold
        demanded, served = demanded + int(wanted.sum()), served + int(sold.sum())
        held += int(stock.on_hand.sum())
        for s, series in enumerate(history):
            for loc, days in enumerate(series):
                days.append(DemandDay(today, float(sold[s, loc]), bool(wanted[s, loc] > sold[s, loc])))

        made = [forecasts.at_locations(series) for series in history]
        classes = sku_classes(demand_values({sku: sum(f.over(HORIZON_DAYS) for f in made[s])
                                             for s, sku in enumerate(skus)}, world.entries), rules)
        now = datetime(today.year, today.month, today.day, 23, tzinfo=UTC)
        shortfalls = {}
        for s, sku in enumerate(skus):
            entry = world.entries[sku]
            positions = [StockPosition(location, int(stock.on_hand[s, loc]), 0, int(stock.inbound[s, loc]),
                                       made[s][loc]) for loc, location in enumerate(locations)]
            plan = plan_sku(sku, entry, world.suppliers[entry.supplier_id], positions, classes[sku], rules,
                            cost_model, today, now)
            for move in plan.transfers:  # accepted: it leaves tonight
                stock.on_hand[s, number[move.from_location]] -= move.lines[0].units
                stock.send(s, number[move.to_location], move.lines[0].units, day + rules.transfer_days)
            moves += plan.transfers
            if plan.shortfalls:
                shortfalls[sku] = plan.shortfalls
        purchased, unbought = purchases(shortfalls, world.entries, world.suppliers, today, now)
        assert not unbought, unbought  # every supplier delivers everywhere
        for order in purchased:
            for line in order.lines:
                stock.send(skus.index(line.sku), number[order.to_location], line.units,
                           day + world.suppliers[order.supplier_id].lead_time_days)
        bought += purchased
    return Outcome(demanded, served, transfers=len(moves), units_transferred=_units(moves),
                   transfer_cost=sum((move.cost for move in moves), Decimal(0)),
                   purchase_lines=sum(len(order.lines) for order in bought), units_purchased=_units(bought),
                   mean_on_hand=held / DAYS)


def _units(proposals: list[Proposal]) -> int:
    return sum(line.units for proposal in proposals for line in proposal.lines)


class Forecasts:
    """`forecast` of each history once: the two runs share every series their stock did not tell
    apart (the same sales and stock-out days), which is most of them."""

    def __init__(self) -> None:
        self._made: dict[tuple, Forecast] = {}

    def of(self, days: list[DemandDay], fallback: Forecast | None = None) -> Forecast:
        key = (tuple(days), fallback)
        if key not in self._made:
            self._made[key] = forecast(days, HORIZON_DAYS, fallback=fallback)
        return self._made[key]

    def at_locations(self, series: list[list[DemandDay]]) -> list[Forecast]:
        """Each location's forecast, falling back on its share of the SKU's total where its own
        history is too thin (as the planner does); the total is censored on a day every location was out."""
        total = self.of([DemandDay(days[0].day, sum(d.units for d in days), all(d.stock_out for d in days))
                         for days in zip(*series)])
        grand = sum(d.units for days in series for d in days)
        return [self.of(days, total.scaled(sum(d.units for d in days) / grand if grand else 1 / len(series)))
                for days in series]


def figures() -> list[Figure]:
    world, rules, forecasts = generate(), PlanningRules(), Forecasts()
    started = time.perf_counter()
    moved = simulate(world, rules, forecasts)
    bought_only = simulate(world, rules.model_copy(update={"transfers_enabled": False}), forecasts)
    seconds = time.perf_counter() - started
    setting = f"{SKUS} SKUs × {len(PLACES)} locations, {DAYS} days, seed {SEED}, every proposal accepted"
    return [
        Figure("fill_rate_pct", round(moved.fill_rate_pct, 2), "%", "",
               f"units served / units demanded (unfilled units are lost); {setting}; {seconds:.0f} s for both runs"),
        Figure("fill_rate_pct_no_transfers", round(bought_only.fill_rate_pct, 2), "%", "",
               "the same demand with transfers switched off: purchases only"),
        Figure("units_transferred", moved.units_transferred, "units", "",
               f"{moved.transfers} transfers costing {moved.transfer_cost:.2f} by the sourcing cost model; "
               f"{moved.demanded} units demanded in all"),
        Figure("units_purchased", moved.units_purchased, "units", "",
               f"{moved.purchase_lines} purchase lines; {moved.mean_on_hand:.0f} units on hand on an average day"),
        Figure("units_purchased_no_transfers", bought_only.units_purchased, "units", "",
               f"{bought_only.purchase_lines} purchase lines; {bought_only.mean_on_hand:.0f} units on hand on an "
               f"average day"),
    ]


if __name__ == "__main__":
    for figure in figures():
        print(f"{figure.name:<30} {figure.value:>10g} {figure.unit}  — {figure.note}")
