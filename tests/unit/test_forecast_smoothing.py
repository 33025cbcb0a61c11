"""Exponential smoothing: known answers on exact series, stock-outs and promotions left out of the
level, and the fast filter equal to the recursion it stands for."""

from datetime import date, timedelta

import numpy as np
import pytest

from oms.forecast import DemandDay, forecast
from oms.forecast.cleaning import clean
from oms.forecast.smoothing import STRUCTURES, Point, Profile, _Inputs, fit

MONDAY = date(2026, 1, 5)


def history(units, stock_out=()) -> list[DemandDay]:
    return [DemandDay(MONDAY + timedelta(days=day), float(value), day in stock_out) for day, value in enumerate(units)]


def recursion(values, point: Point, state) -> tuple[np.ndarray, np.ndarray]:
    """The model as its textbook writes it, a day at a time: one-step forecasts and the last state."""
    alpha, beta, phi, gamma = point.parameters
    level, trend, offsets = state[0], state[1], list(state[2:])  # offsets newest first
    forecasts = []
    for value in values:
        oldest = offsets.pop() if offsets else 0.0
        forecasts.append(level + phi * trend + oldest)
        error = value - forecasts[-1]
        level, trend = level + phi * trend + alpha * error, phi * trend + beta * error
        if len(state) > 2:
            offsets.insert(0, oldest + gamma * error)
    return np.array(forecasts), np.array([level, trend, *offsets])


def test_a_constant_series_is_forecast_flat_at_the_constant():
    result = forecast(history([12] * 120))
    assert result.daily == pytest.approx([12] * 28)
    assert result.sigma == pytest.approx(0, abs=1e-6)


def test_a_linear_trend_goes_on_damped_a_little():
    # GIVEN 10, 12, 14, ... for 100 days: the next would be 210, and 264 in four weeks
    result = forecast(history([10 + 2 * day for day in range(100)]))
    assert result.method == "damped_trend"
    assert result.daily[0] == pytest.approx(210, rel=0.01)
    # THEN it goes on rising, a little less than the line
    assert all(later > earlier for earlier, later in zip(result.daily, result.daily[1:]))
    assert 0.95 * 264 < result.daily[-1] < 264


@pytest.mark.parametrize("level", [1.0, 10.0])
def test_an_exact_weekly_pattern_is_reproduced(level):
    week = [5, 6, 7, 8, 20, 30, 9]
    result = forecast(history([units * level for units in week] * 20))
    assert result.method.startswith("holt_winters")
    assert result.daily == pytest.approx([units * level for units in week] * 4, rel=1e-6)
    assert result.sigma == pytest.approx(0, abs=1e-6)


def test_the_pattern_continues_from_the_weekday_the_history_ends_on():
    week = [5, 6, 7, 8, 20, 30, 9]
    result = forecast(history((week * 20)[:-3]))  # ends on a Thursday: Friday's 20 comes next
    assert result.daily[:7] == pytest.approx(week[4:] + week[:4], rel=1e-6)


def test_stock_out_days_do_not_drag_the_level_down():
    # GIVEN about 20 a day, and its last fortnight out of stock (0 recorded)
    units = np.random.default_rng(7).poisson(20, 200).astype(float)
    out = set(range(186, 200))
    units[list(out)] = 0
    # THEN the forecast stays near 20; the same zeros taken as demand would pull it down
    assert forecast(history(units, out)).per_day == pytest.approx(20, rel=0.1)
    assert forecast(history(units)).per_day < 10


def test_a_promotion_does_not_lift_the_level():
    # GIVEN about 20 a day, and 60 a day over the last week's promotion
    units = np.random.default_rng(8).poisson(20, 200).astype(float)
    units[190:197] = 60
    assert forecast(history(units)).per_day == pytest.approx(20, rel=0.1)


def test_a_day_the_shop_is_closed_is_forecast_as_nothing():
    units = np.random.default_rng(9).poisson(20 * np.array([1, 1, 1, 1, 1.5, 2, 0] * 30)).astype(float)
    result = forecast(history(units))  # ends on a Sunday: Monday comes next
    assert result.method.startswith("holt_winters")
    assert result.daily[6::7] == pytest.approx([0] * 4, abs=0.5)
    assert result.daily[0] == pytest.approx(20, rel=0.15)


def test_forecasts_never_fall_below_zero():
    result = forecast(history([300 - 3 * day for day in range(100)]))  # falling to 3 a day
    assert min(result.daily) >= 0


@pytest.mark.parametrize("sunday", [0.5, 0.0], ids=["open on sunday", "closed on sunday"])
@pytest.mark.parametrize("structure", STRUCTURES, ids=lambda structure: structure.method)
def test_the_filter_gives_the_recursions_errors_and_the_best_start(structure, sunday):
    # GIVEN a noisy weekly series with stock-outs, and a lattice point of each structure
    rng = np.random.default_rng(3)
    units = rng.poisson(20 * np.array([1, 1, 1, 1, 1.5, 2, sunday] * 30)).astype(float)
    units[[40, 41, 42, 100]] = np.nan
    inputs = _Inputs.of(clean(units, 7), 7)
    point = structure.coarse_grid()[-1]
    sse, start = inputs._least_squares(structure.profile, [(structure, point)])
    values, targets, weights = (inputs.values[structure.profile], inputs.targets[structure.profile],
                                inputs.weights[structure.profile])
    seasonal = 7 if structure.profile == Profile.ADDITIVE else 0

    def recursion_sse(initial) -> float:
        forecasts, _ = recursion(values, point, np.concatenate([initial, np.zeros(seasonal)]))
        return float(np.sum(weights * (targets - forecasts) ** 2))

    # THEN its SSE is the recursion's from the start it found, and no other start does better
    assert sse[0] == pytest.approx(recursion_sse(start[0]), rel=1e-9)
    nudges = [(1, 0), (-1, 0)] + ([(0, 0.1), (0, -0.1)] if structure.trend else [])
    assert all(recursion_sse(start[0] + nudge) > sse[0] for nudge in nudges)


def test_the_fitted_state_is_the_recursions_after_the_last_day():
    rng = np.random.default_rng(4)
    units = rng.poisson(np.linspace(10, 30, 300) * np.array([1, 1, 1, 1, 1.5, 2, 0.5] * 43)[:300]).astype(float)
    cleaned = clean(units, 7)
    model = fit(cleaned, 7)
    inputs = _Inputs.of(cleaned, 7)
    _, start = inputs._least_squares(model.structure.profile, [(model.structure, model.point)])
    seasonal = 7 if model.structure.profile == Profile.ADDITIVE else 0
    _, state = recursion(inputs.values[model.structure.profile], model.point,
                         np.concatenate([start[0], np.zeros(seasonal)]))
    assert model.state == pytest.approx(state, rel=1e-9, abs=1e-9)
