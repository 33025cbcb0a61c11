"""Intermittent demand: Croston's method with the Syntetos–Boylan correction (SBA), and
Teunter–Syntetos–Babai (TSB).

Both forecast a rate: units per day. SBA smooths the sizes of the demands and the intervals
between them, each with its own α, and forecasts (1 - α_interval / 2) × size / interval: Croston's
size over interval is biased upwards, and the factor takes that out (Syntetos and Boylan, 2005).
TSB smooths the size on demand days and the probability of a demand every day, so that a SKU
that stops selling sees its forecast fall before it sells again (Teunter, Syntetos and Babai, 2011).

Stock-out days are dropped, not counted as days without demand: an interval is counted in the
days the SKU could have sold. Each method's parameters come from a grid, by in-sample one-step
squared error over every day (the rate forecast before the day against its units); of the two
methods, the lower error wins. Both start from the history's mean size, interval and
probability, which only the first few demands' forecasts depend on much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SIZE_ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
INTERVAL_ALPHAS = SIZE_ALPHAS  # SBA's interval; TSB's probability
_FFT_MIN = 64


@dataclass(frozen=True)
class IntermittentFit:
    method: str  # "croston_sba" or "tsb"
    rate: float  # units a day
    sigma: float  # of the in-sample one-step errors
    days: int  # days that were demand: not stock-outs
    size_alpha: float
    interval_alpha: float


def fit(units: np.ndarray) -> IntermittentFit:
    """`units`: a day's units, NaN on stock-out days; at least two demand days."""
    known = units[~np.isnan(units)]
    demand_days = np.flatnonzero(known > 0)
    sizes = known[demand_days]
    intervals = np.diff(demand_days).astype(float)
    # Size after 0..m demands, for each α (rows); and which of them stands before each day.
    size_levels = _smoothed(sizes, SIZE_ALPHAS, float(sizes.mean()))
    demands_before = np.searchsorted(demand_days, np.arange(len(known)), side="left")
    sizes_before = size_levels[:, demands_before]  # α × day

    # SBA: the first demand has no interval before it; its update repeats the mean interval.
    mean_interval = float(intervals.mean())
    interval_levels = _smoothed(np.concatenate([[mean_interval], intervals]), INTERVAL_ALPHAS, mean_interval)
    corrected = (1 - INTERVAL_ALPHAS / 2)[:, None] / interval_levels  # α_interval × demands
    sba = sizes_before[:, None, :] * corrected[None, :, demands_before]  # α_size × α_interval × day
    sba_errors = np.sum((known - sba) ** 2, axis=2)

    # TSB: the probability of a demand, updated every day; before day t, after t - 1 updates.
    happened = (known > 0).astype(float)
    probability = _smoothed(happened, INTERVAL_ALPHAS, float(happened.mean()))
    tsb = sizes_before[:, None, :] * probability[None, :, :-1]
    tsb_errors = np.sum((known - tsb) ** 2, axis=2)

    days = len(known)
    if sba_errors.min() <= tsb_errors.min():
        size, interval = np.unravel_index(np.argmin(sba_errors), sba_errors.shape)
        rate = size_levels[size, -1] * corrected[interval, -1]
        return IntermittentFit("croston_sba", float(rate), math.sqrt(sba_errors[size, interval] / days), days,
                               float(SIZE_ALPHAS[size]), float(INTERVAL_ALPHAS[interval]))
    size, interval = np.unravel_index(np.argmin(tsb_errors), tsb_errors.shape)
    rate = size_levels[size, -1] * probability[interval, -1]
    return IntermittentFit("tsb", float(rate), math.sqrt(tsb_errors[size, interval] / days), days,
                           float(SIZE_ALPHAS[size]), float(INTERVAL_ALPHAS[interval]))


def _smoothed(values: np.ndarray, alphas: np.ndarray, start: float) -> np.ndarray:
    """Simple exponential smoothing of `values` for each α: rows of the level after 0..n values,
    l_k = (1 - α) l_(k-1) + α x_k, as the convolution it is (α(1-α)^j against the values)."""
    count = len(values)
    size = max(_FFT_MIN, 1 << (2 * count).bit_length())
    steps = np.arange(count + 1)
    decay = (1 - alphas)[:, None] ** steps[None, :]  # (1-α)^k
    kernel = alphas[:, None] * decay[:, :count]
    convolved = np.fft.irfft(np.fft.rfft(kernel, size) * np.fft.rfft(values, size), size)[:, :count]
    levels = start * decay
    levels[:, 1:] += convolved
    return levels
