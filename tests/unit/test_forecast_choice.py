"""`forecast`: the method the pattern calls for, a fallback for too little history, and a
forecast that is finite and never negative whatever the history."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from oms.forecast import DemandDay, Forecast, Pattern, forecast
from tests.unit.test_forecast_smoothing import history

CATEGORY = Forecast("holt_winters", Pattern.SMOOTH, (1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 1.0), 0.8, 700)


def test_too_little_history_takes_the_fallback():
    # GIVEN three weeks of sales, and a category's forecast of one week
    result = forecast(history([5] * 21), 10, fallback=CATEGORY)
    # THEN the forecast is the category's, its week repeating over the horizon
    assert (result.method, result.pattern, result.history_days) == ("fallback:holt_winters", Pattern.SPARSE, 21)
    assert result.daily == CATEGORY.daily + CATEGORY.daily[:3]
    assert result.sigma == CATEGORY.sigma


def test_too_little_history_without_a_fallback_is_its_mean():
    result = forecast(history([4, 6] * 10))
    assert (result.method, result.per_day, result.sigma) == ("mean", 5, 1)


def test_stock_out_days_do_not_count_as_history():
    # GIVEN 40 days, 15 of them out of stock: 25 days that were demand
    result = forecast(history([5] * 40, stock_out=set(range(15))), fallback=CATEGORY)
    assert (result.method, result.history_days) == ("fallback:holt_winters", 25)


def test_a_sku_that_never_sold_forecasts_nothing():
    result = forecast(history([0] * 400))
    assert (result.method, result.per_day) == ("mean", 0)
    assert result.days_of_cover(10) is None


def test_the_days_before_the_first_sale_are_not_history():
    # GIVEN a SKU listed a year before it first sold 7 a day for 60 days
    result = forecast(history([0] * 365 + [7] * 60))
    assert result.per_day == pytest.approx(7)
    assert result.history_days == 60


@pytest.mark.parametrize(("units", "methods"), [
    (np.random.default_rng(1).poisson(30, 300), {"ses", "damped_trend"}),
    (np.where(np.arange(300) % 3 == 0, 5, 0), {"croston_sba", "tsb"}),
])
def test_the_method_follows_the_pattern(units, methods):
    assert forecast(history(units)).method in methods


def test_history_must_be_consecutive_days():
    days = history([5] * 40)
    with pytest.raises(ValueError, match="consecutive"):
        forecast(days[:20] + days[21:])
    with pytest.raises(ValueError, match="consecutive"):
        forecast(list(reversed(days)))


def test_the_horizon_is_at_least_a_day():
    with pytest.raises(ValueError, match="horizon"):
        forecast(history([5] * 40), 0)


series = st.lists(st.tuples(st.one_of(st.just(0.0), st.floats(0, 1e6), st.integers(0, 30).map(float)),
                            st.booleans()), max_size=160)


@settings(max_examples=150, deadline=None)
@given(series, st.integers(1, 60), st.sampled_from([1, 7]))
def test_a_forecast_is_finite_and_never_negative(days, horizon, season):
    start = date(2026, 1, 1)
    result = forecast([DemandDay(start + timedelta(days=n), units, out) for n, (units, out) in enumerate(days)],
                      horizon, season=season)
    assert len(result.daily) == horizon
    assert all(np.isfinite(result.daily)) and min(result.daily) >= 0
    assert np.isfinite(result.sigma) and result.sigma >= 0
    assert np.isfinite(result.quantile(14, 0.95)) and result.quantile(14, 0.95) >= 0
