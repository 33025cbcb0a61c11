"""A day of demand history, and the days a fit may learn from.

A stock-out day's units are what sold while there was stock, not what customers wanted: the fit
treats it as missing, never as zero demand. Days before the first sale are not history either
(the SKU was not listed yet), so they are dropped too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True)
class DemandDay:
    """One day of history: oldest first, consecutive days."""

    day: date
    units: float  # units demanded that day (ordered)
    stock_out: bool = False  # no stock was available: the day's units are censored, not zero demand


def usable(history: Sequence[DemandDay]) -> np.ndarray:
    """A day's units from the first sale on, NaN on stock-out days. Raises ValueError on days out
    of order or missing: a gap would shift every weekday after it."""
    count = len(history)
    ordinals = np.fromiter((day.day.toordinal() for day in history), np.int64, count)
    steps = np.flatnonzero(np.diff(ordinals) != 1)
    if len(steps):
        before, after = history[steps[0]].day, history[steps[0] + 1].day
        raise ValueError(f"history must be consecutive days, oldest first: {before} then {after}")
    units = np.fromiter((day.units for day in history), float, count)
    stock_out = np.fromiter((day.stock_out for day in history), bool, count)
    units = np.where(stock_out, np.nan, np.maximum(units, 0.0))
    selling = np.flatnonzero(units > 0)  # NaN > 0 is False
    return units[selling[0]:] if len(selling) else units[:0]
