"""What a smoothing fit learns from: the series with its missing days filled, its promotions set
aside, and its profile over the season (the weekdays, for a season of 7).

Missing days are stock-outs (their units are censored) and promotion days (a lift that ends: a
baseline forecast should not carry it on). A fit skips their errors; the state-space filter still
needs an input for them, so they are filled with the local baseline: a running median of the
deseasonalised series, times the day's share. The days of a phase that sells next to nothing
(under `MIN_SHARE` of the average day) tell little of the level, and the baseline leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

BASELINE_DAYS = 29  # the running median's window: robust to a promotion of up to two weeks
PROMOTION_SPREADS = 4.0  # a day this many robust spreads above the baseline is a promotion
MIN_SHARE = 0.1  # a phase selling under a tenth of the average day is left out of a multiplicative fit
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Cleaned:
    """A series ready to fit; arrays of its days, `phase` their position in the season."""

    filled: np.ndarray  # the day's units, missing days filled with the baseline
    known: np.ndarray  # bool: the day's units are demand, not a stock-out or a promotion
    phase: np.ndarray
    shares: np.ndarray  # multiplicative profile: a phase's typical ratio to the local mean, averaging 1
    offsets: np.ndarray  # additive profile: a phase's mean difference from the local mean, summing to 0
    baseline: np.ndarray  # the deseasonalised running median


def clean(units: np.ndarray, season: int) -> Cleaned:
    """`units`: a day's demand, NaN on stock-out days."""
    phase = np.arange(len(units)) % season
    valid = ~np.isnan(units)
    shares, offsets = _profiles(units, valid, phase, season)
    share = shares[phase]
    telling = valid & (share >= MIN_SHARE)  # a phase that sells next to nothing says little of the level
    deseasonalised = np.where(telling, units / np.maximum(share, MIN_SHARE), np.nan)
    baseline = _running_median(deseasonalised)
    residual = deseasonalised - baseline
    deviations = residual[telling]
    spread = _MAD_TO_SD * float(np.median(np.abs(deviations - np.median(deviations)))) if telling.any() else 0.0
    # Counts spread at least as a Poisson's would (a running median lags a trend at the ends of
    # the series, and a series too regular for its MAD would lose those days).
    poisson = np.sqrt(np.maximum(baseline, 0.0) / np.maximum(share, MIN_SHARE))
    promoted = telling & (residual > PROMOTION_SPREADS * np.maximum(max(spread, 0.5), poisson))
    known = valid & ~promoted
    filled = np.where(known, units, baseline * share)
    return Cleaned(filled, known, phase, shares, offsets, baseline)


def _profiles(units: np.ndarray, valid: np.ndarray, phase: np.ndarray, season: int) -> tuple[np.ndarray, np.ndarray]:
    """Each phase's ratio to (and difference from) the mean of the four seasons around it, on the
    days that are demand. The median ratio: a promotion moves it less than the mean would."""
    window = 4 * season  # whole seasons: each phase counted as often
    values = np.where(valid, units, 0.0)
    total = np.convolve(values, np.ones(window), mode="same")
    counted = np.convolve(valid.astype(float), np.ones(window), mode="same")
    local = np.divide(total, counted, out=np.zeros_like(total), where=counted > 0)
    counts = valid & (local > 0)
    ratios = _by_phase(np.where(counts, units / np.where(counts, local, 1.0), np.nan), season)
    differences = _by_phase(np.where(counts, units - local, np.nan), season)
    known = np.count_nonzero(~np.isnan(ratios), axis=0)
    ordered = np.sort(ratios, axis=0)  # NaN last
    middle = np.maximum(known - 1, 0) / 2
    shares = (np.take_along_axis(ordered, np.floor(middle).astype(int)[None], 0)[0]
              + np.take_along_axis(ordered, np.ceil(middle).astype(int)[None], 0)[0]) / 2
    shares = np.where(known > 0, shares, 1.0)
    offsets = np.where(known > 0, np.nansum(differences, axis=0) / np.maximum(known, 1), 0.0)
    mean_share = shares.mean()
    return (shares / mean_share if mean_share > 0 else np.ones(season)), offsets - offsets.mean()


def _by_phase(values: np.ndarray, season: int) -> np.ndarray:
    """Seasons × phases, the last season filled out with NaN."""
    table = np.full(-(-len(values) // season) * season, np.nan)
    table[:len(values)] = values
    return table.reshape(-1, season)


def _running_median(values: np.ndarray) -> np.ndarray:
    """The median of the `BASELINE_DAYS` around each day, the missing ones carried from the day before."""
    carried = _carry_forward(values)
    half = BASELINE_DAYS // 2
    windows = sliding_window_view(np.pad(carried, half, mode="symmetric"), BASELINE_DAYS)
    return np.partition(windows, half, axis=1)[:, half]


def _carry_forward(values: np.ndarray) -> np.ndarray:
    known = ~np.isnan(values)
    if not known.any():
        return np.zeros_like(values)
    last = np.maximum.accumulate(np.where(known, np.arange(len(values)), -1))
    first = np.flatnonzero(known)[0]
    return values[np.where(last >= 0, last, first)]
