"""`forecast`: a SKU's daily demand forecast, by the method its demand pattern calls for.

- smooth or erratic: exponential smoothing (`oms.forecast.smoothing`), the structure (level, damped
  trend, a weekly profile additive or multiplicative) chosen by AICc;
- intermittent or lumpy: Croston with the SBA correction, or TSB (`oms.forecast.intermittent`);
- too little history (under four weeks of days that were demand, or fewer than two sales): the
  `fallback` given, a category's or the SKU's total scaled to a location, else the plain mean.

Stock-out days are missing, not zero demand, throughout.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from oms.forecast import intermittent, smoothing
from oms.forecast.cleaning import clean
from oms.forecast.forecasts import Forecast
from oms.forecast.history import DemandDay, usable
from oms.forecast.patterns import Pattern, classify


def forecast(history: Sequence[DemandDay], horizon: int = 28, *, season: int = 7,
             fallback: Forecast | None = None) -> Forecast:
    """The next `horizon` days' demand from `history` (consecutive days, oldest first)."""
    if horizon < 1 or season < 1:
        raise ValueError(f"a forecast needs a horizon and a season of at least a day, not {horizon} and {season}")
    units = usable(history)
    known = units[~np.isnan(units)]
    pattern = classify(known)
    if pattern == Pattern.SPARSE:
        return _too_little(known, horizon, season, fallback)
    if pattern in (Pattern.INTERMITTENT, Pattern.LUMPY):
        fitted = intermittent.fit(units)
        return Forecast(fitted.method, pattern, (fitted.rate,) * horizon, fitted.sigma, fitted.days, season)
    model = smoothing.fit(clean(units, season), season)
    return Forecast(model.structure.method, pattern, tuple(float(value) for value in model.daily(horizon)),
                    model.sigma, model.days, season, tuple(float(value) for value in model.error_weights(horizon)))


def _too_little(known: np.ndarray, horizon: int, season: int, fallback: Forecast | None) -> Forecast:
    if fallback is not None:
        return Forecast(f"fallback:{fallback.method}", Pattern.SPARSE, fallback.ahead(horizon), fallback.sigma,
                        len(known), fallback.season, fallback.error_weights)
    mean = float(known.mean()) if len(known) else 0.0
    sigma = float(known.std()) if len(known) > 1 else 0.0
    return Forecast("mean", Pattern.SPARSE, (mean,) * horizon, sigma, len(known), season)
