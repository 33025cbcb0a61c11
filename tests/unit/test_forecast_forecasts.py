"""The Forecast the planner reads: units over a period, their spread and quantiles, cover."""

import math

import pytest
from hypothesis import given, strategies as st
from scipy import stats

from oms.forecast import Forecast, Pattern, gamma_quantile

WEEK = (1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 1.0)


def steady(per_day=10.0, sigma=3.0, pattern=Pattern.SMOOTH, weights=()) -> Forecast:
    return Forecast("ses", pattern, (per_day,) * 28, sigma, 365, error_weights=weights)


def test_units_over_days_beyond_the_horizon_repeat_its_last_week():
    weekly = Forecast("holt_winters", Pattern.SMOOTH, WEEK * 2, 1.0, 365)  # a 14-day horizon
    assert weekly.over(3) == 3
    assert weekly.over(14) == 20
    assert weekly.over(21 + 5) == 30 + 6  # three weeks and Monday to Friday
    assert weekly.ahead(16) == WEEK * 2 + WEEK[:2]
    assert weekly.per_day == pytest.approx(10 / 7)
    assert weekly.over(0) == 0


def test_the_spread_of_independent_days_grows_with_their_root():
    assert steady().spread(9) == pytest.approx(9.0)  # 3 × √9


def test_the_spread_widens_when_a_days_error_moves_the_level():
    # GIVEN simple smoothing's error weights: α = 0.2 on every later day
    # THEN the sum of 3 days errs by ε3 + ε2 (1 + α) + ε1 (1 + 2α)
    assert steady(weights=(0.2,) * 28).spread(3) == pytest.approx(3 * math.sqrt(1 + 1.2 ** 2 + 1.4 ** 2))
    assert steady(weights=(0.2,) * 28).spread(60) > steady().spread(60)


def test_smooth_demand_has_normal_quantiles():
    assert steady().quantile(9, 0.95) == pytest.approx(90 + 1.6448536 * 9)
    assert steady().quantile(9, 0.5) == pytest.approx(90)


def test_intermittent_demand_has_gamma_quantiles_of_the_same_mean_and_spread():
    # GIVEN 0.5 a day of spread 2 a day: over 10 days a mean of 5 and a variance of 40
    lumpy = steady(0.5, 2.0, Pattern.LUMPY)
    shape, scale = 5 ** 2 / 40, 40 / 5
    assert lumpy.quantile(10, 0.95) == pytest.approx(stats.gamma.ppf(0.95, shape, scale=scale), rel=1e-9)
    # THEN it is above the normal's, which the skew of such demand would run short of
    assert lumpy.quantile(10, 0.95) > 5 + 1.6448536 * math.sqrt(40)


@pytest.mark.parametrize("shape", [0.01, 0.05, 0.3, 1.0, 2.5, 40.0, 900.0, 2e5, 1e30])
@pytest.mark.parametrize("probability", [0.01, 0.5, 0.8, 0.95, 0.999])
def test_the_gamma_quantile_is_scipys(shape, probability):
    assert gamma_quantile(shape, probability) == pytest.approx(stats.gamma.ppf(probability, shape), rel=1e-7,
                                                               abs=1e-300)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1])
def test_a_service_level_is_a_probability(level):
    with pytest.raises(ValueError, match="service level"):
        steady().quantile(7, level)


@given(st.sampled_from(list(Pattern)), st.floats(0.01, 100), st.floats(0.1, 5), st.floats(1.0, 4.0),
       st.integers(1, 120), st.integers(1, 60), st.floats(0.5, 0.999))
def test_quantiles_rise_with_the_level_and_with_the_days(pattern, per_day, variation, factor, days, more, service):
    forecast = steady(per_day, per_day * variation, pattern, (0.05,) * 28)
    assert forecast.scaled(factor).quantile(days, service) >= forecast.quantile(days, service) * (1 - 1e-9)
    assert forecast.quantile(days + more, service) >= forecast.quantile(days, service) * (1 - 1e-9)


def test_days_of_cover():
    weekly = Forecast("holt_winters", Pattern.SMOOTH, WEEK, 1.0, 365)
    assert steady().days_of_cover(25) == pytest.approx(2.5)
    assert weekly.days_of_cover(5.5) == pytest.approx(4 + 1.5 / 2)  # four days sell 4, Friday's 2 the rest
    assert weekly.days_of_cover(20 + 2) == pytest.approx(7 + 7 + 2)  # beyond the horizon, the week repeats
    assert steady().days_of_cover(0) == 0


def test_nothing_sells_nothing_runs_out():
    assert steady(0.0, 0.0).days_of_cover(10) is None


def test_scaling_scales_the_units_and_their_spread():
    half = steady().scaled(0.5)
    assert (half.per_day, half.sigma, half.method) == (5, 1.5, "ses")
    assert half.quantile(9, 0.95) == pytest.approx(steady().quantile(9, 0.95) / 2)
    with pytest.raises(ValueError):
        steady().scaled(-1)
