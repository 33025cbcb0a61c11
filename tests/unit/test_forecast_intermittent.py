"""Intermittent demand: SBA's rate is size over interval less its bias correction, TSB's falls
when sales stop, and stock-out days are not days without demand."""

import numpy as np
import pytest

from oms.forecast import Pattern, forecast
from oms.forecast.intermittent import fit
from tests.unit.test_forecast_smoothing import history


def test_sba_forecasts_size_over_interval_less_its_correction():
    # GIVEN 4 units every 4th day: 1 a day
    model = fit(np.array([4.0, 0, 0, 0] * 50))
    # THEN SBA's rate is 1 times (1 - α/2), the correction of Croston's bias
    assert model.method == "croston_sba"
    assert model.rate == pytest.approx(1 - model.interval_alpha / 2)
    assert model.rate == pytest.approx(1, rel=0.05)


def test_the_rate_of_random_sizes_and_intervals_is_their_ratio():
    # GIVEN sizes of mean 3 at intervals of mean 4: 0.75 a day
    rng = np.random.default_rng(5)
    days = np.cumsum(rng.integers(2, 7, 200))  # intervals 2..6: mean 4
    units = np.zeros(days[-1] + 1)
    units[days] = rng.integers(2, 5, 200)  # 2..4: mean 3
    result = forecast(history(units[days[0]:]))
    assert result.pattern == Pattern.INTERMITTENT
    assert result.method in ("croston_sba", "tsb")
    assert result.per_day == pytest.approx(0.75, rel=0.1)


def test_stock_out_days_are_not_days_without_demand():
    # GIVEN 4 units every 4th day, then a month out of stock
    units = [4.0, 0, 0, 0] * 50 + [0] * 30
    out = set(range(200, 230))
    # THEN the rate is that of the days it could sell; the zeros taken as demand lower it
    assert forecast(history(units, out)).per_day == pytest.approx(1, rel=0.05)
    assert forecast(history(units)).per_day < 0.9


def test_tsb_lowers_the_rate_of_a_sku_that_stopped_selling():
    # GIVEN a SKU that sold 3 units a day in three for 300 days, and nothing for the last 90
    units = np.array([3.0, 0, 0] * 100 + [0] * 90)
    result = forecast(history(units))
    # THEN TSB wins: SBA would wait for the next sale to change its mind
    assert result.method == "tsb"
    assert result.per_day < 0.5
