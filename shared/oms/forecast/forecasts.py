"""A demand forecast for one SKU at one place: the expected units of each coming day, and how
far demand may stray from them, which is what reorder points and cover are planned with."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist

from oms.forecast.gamma import gamma_quantile
from oms.forecast.patterns import Pattern

_SKEWED = frozenset({Pattern.INTERMITTENT, Pattern.LUMPY, Pattern.SPARSE})


@dataclass(frozen=True)
class Forecast:
    method: str  # "holt_winters", "damped_trend", "ses", "croston_sba", "tsb", "mean", "fallback:<method>", ...
    pattern: Pattern
    daily: tuple[float, ...]  # point forecast for each of the next `horizon` days, >= 0
    sigma: float  # std dev of the one-day forecast error (in-sample residuals)
    history_days: int  # usable days the fit saw
    season: int = 7  # beyond the horizon, the last season of `daily` repeats
    # How much a day's forecast error moves the forecast k = 1, 2, ... days later (the model's ψ
    # weights); beyond them the last season's repeat. Empty: errors of different days are independent.
    error_weights: tuple[float, ...] = ()

    @property
    def per_day(self) -> float:
        return sum(self.daily) / len(self.daily) if self.daily else 0.0

    def ahead(self, days: int) -> tuple[float, ...]:
        """The expected units of each of the next `days`: `daily`, then its last season repeating."""
        return tuple(_extended(self.daily, days, self.season))

    def over(self, days: int) -> float:
        """Expected units over the next `days`."""
        return sum(self.ahead(days))

    def spread(self, days: int) -> float:
        """Std dev of demand over the next `days`. A day's error ε also moves the level the
        forecast of the later days stands on, so the sum's error is Σ_j ε_j (1 + Σ_(k<=days-j) ψ_k):
        wider than σ√days unless ψ is 0."""
        if days <= 0:
            return 0.0
        if not self.error_weights:
            return self.sigma * math.sqrt(days)
        total, moved = 1.0, 0.0  # j = days: the last day's error moves nothing after it
        for weight in _extended(self.error_weights, days - 1, self.season):
            moved += weight
            total += (1 + moved) ** 2
        return self.sigma * math.sqrt(total)

    def quantile(self, days: int, service_level: float) -> float:
        """Units over the next `days` not exceeded with probability `service_level`.

        Smooth and erratic demand: normal, the sum of many days. Intermittent, lumpy and sparse
        demand: gamma with the same mean and spread. Its sum is skewed (most days nothing, some a
        big order): a normal would put too little above the mean and some of its mass below 0,
        and the gamma, never negative and skewed as much as its spread says, is the inventory
        literature's usual model of a slow mover's lead-time demand."""
        if not 0 < service_level < 1:
            raise ValueError(f"a service level is a probability between 0 and 1, not {service_level}")
        mean, spread = self.over(days), self.spread(days)
        if mean <= 0 or spread <= 0:
            return max(mean, 0.0)
        if self.pattern in _SKEWED:
            shape = (mean / spread) ** 2
            return gamma_quantile(shape, service_level) * spread ** 2 / mean
        return max(0.0, mean + NormalDist().inv_cdf(service_level) * spread)

    def days_of_cover(self, units: float) -> float | None:
        """Days until `units` run out at this forecast; None when nothing sells."""
        if self.per_day <= 0:
            return None
        if units <= 0:
            return 0.0
        cycle = self.daily[-self.season:]
        cycle_units = sum(cycle)
        covered = 0.0
        for day, expected in enumerate(self.daily):
            if expected >= units:
                return covered + units / expected
            units -= expected
            covered = day + 1
        if cycle_units <= 0:  # what sells, sells before the horizon's last season
            return None
        whole, units = divmod(units, cycle_units)
        covered += whole * len(cycle)
        for expected in cycle:
            if expected >= units:
                return covered + (units / expected if expected else 0.0)
            units -= expected
            covered += 1
        return covered

    def scaled(self, factor: float) -> Forecast:
        """The same forecast for `factor` of the demand: a location's share of the SKU's total, or a
        category's per-SKU forecast as a fallback. The spread scales with it: a share of the
        demand is as uncertain, relatively, as the whole."""
        if factor < 0:
            raise ValueError(f"a forecast scales by a factor >= 0, not {factor}")
        return replace(self, daily=tuple(value * factor for value in self.daily), sigma=self.sigma * factor)


def _extended(values: tuple[float, ...], days: int, season: int) -> list[float]:
    """The first `days` of `values`, the last season repeating beyond them."""
    if days <= len(values):
        return list(values[:max(days, 0)])
    cycle = values[-season:]
    beyond = days - len(values)
    return [*values, *(cycle * (beyond // len(cycle) + 1))[:beyond]]
