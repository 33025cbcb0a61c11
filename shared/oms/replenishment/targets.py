"""What each location should hold of a SKU: its safety stock, reorder point and order-up-to level,
from the forecast over the lead time and its error; and what a location keeps before it can give.

For a lead time of L days and the SKU class's service level s:

    need over L     forecast.over(L), rounded up to whole units
    safety stock    forecast.quantile(L, s) − need over L, never below zero: the error buffer
    reorder point   need over L + safety stock
    order-up-to     forecast.quantile(L + review_days, s): a reorder lasts until the next review
                    could reorder again, at the same service level

Forecasts are floats; targets are whole units, rounded up (a quantile of 13.2 units is met by 14).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

from oms.models import Location, LocationKind
from oms.planning import Supplier
from oms.replenishment.rules import PlanningRules

if TYPE_CHECKING:
    from oms.forecast import Forecast

_ROUNDING = 6  # decimals kept before rounding up: 10.000000001 units of float noise is 10, not 11


@dataclass(frozen=True)
class StockPosition:
    """A SKU at a location, as the planner reads it."""

    location: Location
    on_hand: int
    reserved: int  # units promised to its own orders: never transferable
    inbound: int  # units already on the way (open transfers in and open purchases)
    forecast: Forecast
    safety_stock: int = 0  # ops' availability buffer already on the stock record

    @property
    def position(self) -> int:
        return self.on_hand - self.reserved + self.inbound

    @property
    def location_id(self) -> str:
        return self.location.location_id


@dataclass(frozen=True)
class Target:
    """Per location: what the planner writes back beside the stock."""

    location_id: str
    lead_time_days: int
    safety_stock: int
    reorder_point: int
    order_up_to: int
    position: int
    days_of_cover: float | None  # at the forecast, from its position; None when nothing sells

    @property
    def below_reorder_point(self) -> bool:
        return self.position < self.reorder_point

    @property
    def need(self) -> int:
        """Units to bring it back to its order-up-to level once below its reorder point."""
        return self.order_up_to - self.position if self.below_reorder_point else 0


def units(value: float) -> int:
    return max(0, math.ceil(round(value, _ROUNDING)))


def lead_time_days(location: Location, supplier: Supplier | None, rules: PlanningRules) -> int:
    """How long more of the SKU takes to reach the location: its supplier's lead time; where the
    supplier does not deliver, that plus a transfer from a location it does deliver to; with no
    supplier, the rules' default."""
    if supplier is None:
        return rules.default_lead_time_days
    if supplier.delivers(location.location_id):
        return supplier.lead_time_days
    return supplier.lead_time_days + rules.transfer_days


def target(stock: StockPosition, lead_time: int, service_level: float, review_days: int) -> Target:
    """The location's targets for a lead time and service level, as the module's table says."""
    need = units(stock.forecast.over(lead_time))
    safety = max(0, units(stock.forecast.quantile(lead_time, service_level)) - need)
    order_up_to = max(need + safety, units(stock.forecast.quantile(lead_time + review_days, service_level)))
    return Target(location_id=stock.location_id, lead_time_days=lead_time, safety_stock=safety,
                  reorder_point=need + safety, order_up_to=order_up_to, position=stock.position,
                  days_of_cover=stock.forecast.days_of_cover(stock.position))


@dataclass(frozen=True)
class Kept:
    """What a source holds back before it gives any away, and so what it can give."""

    units: int  # reserved + ops' buffer + its need over `days` + its own safety stock
    days: int  # the transfer days and its own lead time, plus the rules' margin
    free: int  # on hand beyond what it keeps; never below zero


def kept(stock: StockPosition, own: Target, rules: PlanningRules) -> Kept:
    """A source keeps its reserved units, ops' buffer, its own safety stock, and its demand until
    a purchase of its own could arrive were it to give too much (transfer days + its lead time)
    plus the margin days. Inbound units are not counted as its own until they land: a late
    purchase must not have been given away already. Dropship stock is the vendor's, and a
    location that cannot ship cannot send a transfer: both keep everything."""
    days = rules.transfer_days + own.lead_time_days + rules.transfer_margin_days
    demand = units(stock.forecast.over(rules.transfer_days + own.lead_time_days)
                   + rules.transfer_margin_days * stock.forecast.per_day)
    keeps = stock.reserved + stock.safety_stock + demand + own.safety_stock
    givable = stock.location.can_ship and stock.location.kind != LocationKind.DROPSHIP
    return Kept(units=keeps, days=days, free=max(0, stock.on_hand - keeps) if givable else 0)


def expected_short(forecast: Forecast, days: int, position: int) -> float:
    """Units the location is expected to be short over `days` holding `position`: E[(D − position)+]
    for demand D normal with the forecast's mean and spread over those days (the normal loss
    function). A smooth figure of the risk: it is not zero just because the mean is covered.
    Normal even where the forecast's quantiles are a gamma (slow movers): it weighs transfers, it
    sets no target, and the two agree on the mean and spread it is read from."""
    mean, spread = forecast.over(days), forecast.spread(days)
    z = (position - mean) / spread if spread > 0 else math.copysign(math.inf, position - mean)
    # Eight spreads out the loss is the plain difference to within 1e-15: no inf × 0 on the way.
    if z > 8:
        return 0.0
    if z < -8:
        return mean - position
    normal = NormalDist()
    return spread * (normal.pdf(z) - z * (1 - normal.cdf(z)))
