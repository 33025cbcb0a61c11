"""Demand forecasting: a SKU's daily demand at a location (or on a channel), from its history.

Pure: numpy only. `forecast` picks the method by the demand's pattern (`classify`) and returns a
`Forecast`, which answers what the planner asks of it: units over a lead time, their spread and
quantiles for a service level, and the days a stock covers.
"""

from oms.forecast.choice import forecast
from oms.forecast.forecasts import Forecast
from oms.forecast.gamma import gamma_quantile
from oms.forecast.history import DemandDay
from oms.forecast.patterns import Pattern, classify

__all__ = ["DemandDay", "Forecast", "Pattern", "classify", "forecast", "gamma_quantile"]
