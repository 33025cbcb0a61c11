"""Demand patterns (Syntetos, Boylan and Croston, 2005): how often a SKU sells and how much its
orders vary decide which forecasting method suits it.

ADI is the average number of days per demand day; CV² the squared coefficient of variation of
the units on the days that sold. Their cut-offs, 1.32 and 0.49, are where in theory Croston's
method with the Syntetos–Boylan correction starts to beat Croston's own and simple exponential
smoothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np

ADI_CUT_OFF = 1.32
CV2_CUT_OFF = 0.49
MIN_DAYS = 28  # fewer days of history than four weeks: too little to classify or to fit
MIN_DEMAND_DAYS = 2  # an interval between demands needs two of them


class Pattern(StrEnum):
    SMOOTH = "smooth"  # sells most days, in steady amounts
    ERRATIC = "erratic"  # sells most days, in amounts that vary a lot
    INTERMITTENT = "intermittent"  # many days without a sale, steady amounts when it sells
    LUMPY = "lumpy"  # many days without a sale, and amounts that vary a lot
    SPARSE = "sparse"  # too little history to tell


def classify(units: Sequence[float]) -> Pattern:
    """The pattern of a SKU's daily units (days that were demand: leave stock-out days out)."""
    values = np.asarray(units, dtype=float)
    sold = values[values > 0]
    if len(values) < MIN_DAYS or len(sold) < MIN_DEMAND_DAYS:
        return Pattern.SPARSE
    adi = len(values) / len(sold)
    cv2 = float(np.var(sold) / np.mean(sold) ** 2)
    if adi < ADI_CUT_OFF:
        return Pattern.SMOOTH if cv2 < CV2_CUT_OFF else Pattern.ERRATIC
    return Pattern.INTERMITTENT if cv2 < CV2_CUT_OFF else Pattern.LUMPY
