"""A seeded world of daily demand: 600 SKU × location series of two years, in five kinds.

- smooth: a level that wanders (a slow random walk in log), no trend, no weekly pattern;
- trending: the same with a growth or decline of -45 % to +120 % a year, and for half of them a
  change of slope somewhere in the second year;
- seasonal: a wandering level, a mild trend, and a weekly profile drawn per series (a weekend
  peak for shops, a weekend trough for trade counters);
- intermittent: a demand day in two to twelve, of 1 + Poisson units (sizes that vary little:
  CV² under 0.49);
- lumpy: a demand day in 2.5 to 15, of log-normal units rounded up (CV² from 0.9 to 4).

The odds of a demand day drift slowly too. The steady kinds' counts are negative binomial around
the day's mean. Every series has promotions (unannounced: the forecaster is not told) lifting its
mean, or its odds of a demand day, 1.5-3 times for 3-10 days about every 100 days; and
stock-outs in runs of 2-7 days (3-14 for slow movers), when the day's units are recorded as 0
with `stock_out` set: what sold, not what was wanted. `true_mean` keeps the mean demand the draws
came from, stock-out or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from oms.forecast import DemandDay

SEED = 20260514
DAYS = 730
HELD_OUT = 28
FIRST_DAY = date(2024, 5, 6)  # a Monday
KINDS = ("smooth", "trending", "seasonal", "intermittent", "lumpy")
PER_KIND = 120


@dataclass(frozen=True)
class DemandSeries:
    name: str
    kind: str
    units: np.ndarray  # recorded units a day: 0 on stock-out days
    stock_out: np.ndarray  # bool a day
    true_mean: np.ndarray  # the mean the day's demand was drawn from

    def days(self, start: int = 0, stop: int = DAYS) -> list[DemandDay]:
        return [DemandDay(FIRST_DAY + timedelta(days=index), float(self.units[index]), bool(self.stock_out[index]))
                for index in range(start, stop)]

    def history(self) -> list[DemandDay]:
        """What the forecaster sees: all but the held-out days."""
        return self.days(0, DAYS - HELD_OUT)


def generate(per_kind: int = PER_KIND, seed: int = SEED) -> list[DemandSeries]:
    series = []
    for kind_index, kind in enumerate(KINDS):
        for number in range(per_kind):
            rng = np.random.default_rng([seed, kind_index, number])
            lift = _promotions(rng)
            if kind in ("intermittent", "lumpy"):
                odds = np.clip(_odds(rng, kind) * lift, 0.0, 0.95)  # a promotion makes demand days likelier
                sizes, size_mean = _sizes(rng, kind)
                units = np.where(rng.random(DAYS) < odds, sizes, 0.0)
                mean = odds * size_mean
            else:
                mean = _LEVELS[kind](rng) * lift
                dispersion = rng.uniform(4, 40)  # variance = mean + mean² / dispersion
                units = rng.negative_binomial(dispersion, dispersion / (dispersion + mean)).astype(float)
            stock_out = _stock_outs(rng, kind)
            series.append(DemandSeries(f"{kind}-{number:03d}", kind, np.where(stock_out, 0.0, units), stock_out,
                                       mean))
    return series


def _wandering(rng: np.random.Generator, low: float, high: float) -> np.ndarray:
    """A level between `low` and `high` that drifts as a slow random walk in log."""
    start = np.exp(rng.uniform(np.log(low), np.log(high)))
    walk = np.cumsum(rng.normal(0.0, rng.uniform(0.003, 0.012), DAYS))
    return start * np.exp(walk - walk.mean())


def _smooth(rng: np.random.Generator) -> np.ndarray:
    return _wandering(rng, 3, 80)


def _trending(rng: np.random.Generator) -> np.ndarray:
    years = np.arange(DAYS) / 365
    growth = rng.uniform(np.log(0.55), np.log(2.2)) * years
    if rng.random() < 0.5:  # the trend changes in the second year
        growth += rng.uniform(-0.6, 0.6) * np.clip(years - rng.uniform(1.0, 1.8), 0, None)
    return _wandering(rng, 3, 80) * np.exp(growth - growth[DAYS // 2])


def _seasonal(rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.7:  # a shop: busy at the weekend
        profile = np.array([0.8, 0.75, 0.85, 0.95, 1.2, rng.uniform(1.4, 2.2), rng.uniform(1.1, 1.8)])
    else:  # a trade counter: quiet at the weekend
        profile = np.array([1.2, 1.1, 1.1, 1.1, 1.0, rng.uniform(0.2, 0.5), rng.uniform(0.05, 0.3)])
    profile *= rng.uniform(0.85, 1.15, 7)
    growth = rng.uniform(-0.25, 0.35) * np.arange(DAYS) / 365
    return _wandering(rng, 3, 80) * np.exp(growth) * (profile / profile.mean())[np.arange(DAYS) % 7]


_LEVELS = {"smooth": _smooth, "trending": _trending, "seasonal": _seasonal}


def _odds(rng: np.random.Generator, kind: str) -> np.ndarray:
    """The odds of a demand day: one in 2-12 (lumpy: 2.5-15), drifting slowly."""
    low, high = (1 / 12, 1 / 2) if kind == "intermittent" else (1 / 15, 1 / 2.5)
    return rng.uniform(low, high) * _wandering(rng, 1, 1) ** 2


def _sizes(rng: np.random.Generator, kind: str) -> tuple[np.ndarray, float]:
    """A demand day's units, and their mean: 1 + Poisson, or log-normal rounded up."""
    if kind == "intermittent":
        extra = rng.uniform(0, 3)
        return 1 + rng.poisson(extra, DAYS).astype(float), 1 + extra
    size_mean, spread = rng.uniform(3, 25), rng.uniform(0.8, 1.3)
    sizes = np.ceil(rng.lognormal(np.log(size_mean) - spread ** 2 / 2, spread, DAYS))
    return sizes, float(size_mean + 0.5)  # rounding up adds half a unit on average


def _promotions(rng: np.random.Generator) -> np.ndarray:
    """A multiplier a day: 1, and 1.5-3 on the days of a promotion (about one every 100 days)."""
    lift = np.ones(DAYS)
    day = int(rng.integers(0, 100))
    while day < DAYS:
        length = int(rng.integers(3, 11))
        lift[day:day + length] = rng.uniform(1.5, 3.0)
        day += length + int(rng.exponential(100))
    return lift


def _stock_outs(rng: np.random.Generator, kind: str) -> np.ndarray:
    """Runs of stock-out days: one every 30-150 days, of 2-7 days (3-14 for slow movers)."""
    out = np.zeros(DAYS, dtype=bool)
    slow = kind in ("intermittent", "lumpy")
    every = rng.uniform(30, 150)
    day = int(rng.exponential(every))
    while day < DAYS:
        length = int(rng.integers(3, 15) if slow else rng.integers(2, 8))
        out[day:day + length] = True
        day += length + int(rng.exponential(every))
    return out
