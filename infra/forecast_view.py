"""`oms forecast SKU`: a SKU's daily demand at each location and its forecast, as a chart in the
terminal, with the method its pattern chose and the plan the last run kept beside the stock."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import asciichartpy

from oms.demand import DailyDemand
from oms.forecast import Forecast
from oms.models import Stock

CHART_HEIGHT = 10
_GAP = math.nan  # where a series has no point: asciichartpy leaves it blank


@dataclass(frozen=True)
class LocationForecast:
    stock: Stock
    history: Sequence[DailyDemand]  # oldest first
    forecast: Forecast


def chart(history: Sequence[DailyDemand], forecast: Forecast, coloured: bool = False) -> str:
    """History, then the forecast carrying on from its last day; stock-out days are left blank,
    since what sold then says nothing of demand."""
    past = [_GAP if day.stock_out else float(day.ordered) for day in history]
    ahead = [*([_GAP] * (len(past) - 1)), past[-1] if past else 0.0, *forecast.daily]
    if not any(not math.isnan(value) for value in past):
        past = [0.0] * len(past)  # asciichartpy needs one real point to scale by
    options = {"height": CHART_HEIGHT, "format": "{:8.1f} "}
    if coloured:
        options["colors"] = [asciichartpy.default, asciichartpy.blue]
    return asciichartpy.plot([past + [_GAP] * len(forecast.daily), ahead], options)


def report_lines(sku: str, locations: Sequence[LocationForecast], coloured: bool = False) -> list[str]:
    if not locations:
        return [f"{sku}: no location stocks it"]
    lines = []
    for where in locations:
        forecast, stock = where.forecast, where.stock
        ordered = sum(day.ordered for day in where.history)
        outs = sum(day.stock_out for day in where.history)
        lines += [
            f"{sku} at {stock.location_id}: {ordered} ordered over the last {len(where.history)} days"
            f" ({outs} stock-out day(s)); {forecast.pattern} demand, {forecast.method}:"
            f" {forecast.per_day:.2f} a day, {forecast.over(len(forecast.daily)):.0f} over the next"
            f" {len(forecast.daily)} days",
            _plan_line(stock),
            chart(where.history, forecast, coloured),
            "",
        ]
    return lines


def _plan_line(stock: Stock) -> str:
    free = stock.on_hand - stock.reserved
    if stock.planned is None:
        return f"  {free} on hand not promised; no replenishment run has planned it yet"
    plan = stock.planned
    cover = f"{stock.days_of_cover} days of cover" if stock.days_of_cover is not None else "no demand to cover"
    return (f"  {free} on hand not promised, {cover}; as of {plan.as_of}: reorder point {plan.reorder_point}"
            f" (safety {plan.safety_stock}, {plan.lead_time_days} days' lead time at {plan.service_level:.0%}),"
            f" order up to {plan.order_up_to}")
