"""Forecast quality: MASE of the 28-day forecast per kind of demand, against statsforecast, and
series fitted a second.

The world is `tests.bench.demand_series`: 600 series of 730 days, the last 28 held out. A
series' MASE is the mean absolute error of the forecast over the held-out days that were not
stock-outs (a censored day's 0 is not demand), over the in-sample MAE of the seasonal naive
forecast (the same weekday a week before, both days not stock-outs); a figure is the mean over
the series of its kinds. Below 1: better than repeating last week.

statsforecast (Nixtla) is the comparison: AutoETS (season_length=7) on the smooth, trending and
seasonal series, CrostonSBA on the intermittent and lumpy ones, on the raw series (0 on stock-out
days: it has no notion of censoring), one core. Its first call warms it up; that is left out of
its time. Ours is timed from a cold start, the parameter lattice's responses computed as they are
first needed, as in a fresh Lambda. statsforecast is a `bench` extra (pandas, pyarrow, scipy,
statsmodels: ~580 MB): without it those figures are skipped.

The "true mean" in the notes forecasts each held-out day's actual mean demand (promotions
included), which no history can know: a floor for an unbiased forecast. On intermittent demand
MASE rewards forecasting low (the median of a day with one sale in four is 0, and the absolute
error grows with the forecast up to a unit), so a method biased low beats the true mean there.
The notes give each method's median bias over the held-out days and its RMSSE (the M5
competition's measure: squared errors over the seasonal naive's, which the mean minimises).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from oms.forecast import forecast
from tests.bench.demand_series import DAYS, FIRST_DAY, HELD_OUT, DemandSeries, generate
from tests.bench.figures import Figure

GROUPS = {"smooth": ("smooth", "trending"), "seasonal": ("seasonal",), "intermittent": ("intermittent", "lumpy")}
TRAINING = DAYS - HELD_OUT
SEASON = 7


def figures() -> list[Figure]:
    series = generate()
    histories = [one.history() for one in series]
    started = time.perf_counter()
    ours = [np.array(forecast(history, HELD_OUT, season=SEASON).daily) for history in histories]
    ours_per_s = len(series) / (time.perf_counter() - started)
    theirs, theirs_per_s = _statsforecast(series)
    shown = [Figure(f"forecast_mase_{group}", _mean_mase(series, ours, kinds), "", "< 1.0",
                    _note(series, ours, theirs, kinds)) for group, kinds in GROUPS.items()]
    if theirs is not None:
        shown += [Figure(f"forecast_mase_{group}_statsforecast", _mean_mase(series, theirs, kinds), "",
                         "ours at or below", _bias_note(series, theirs, kinds)) for group, kinds in GROUPS.items()]
    shown.append(Figure("forecast_series_per_s", round(ours_per_s, 1), "series/s", "> 200",
                        f"{len(series)} series of {TRAINING} days, fit and {HELD_OUT}-day forecast, one core"))
    if theirs_per_s is not None:
        shown.append(Figure("forecast_series_per_s_statsforecast", round(theirs_per_s, 1), "series/s", "",
                            "AutoETS and CrostonSBA on the same series, one core, after a warm-up call"))
    return shown


def _statsforecast(series: Sequence[DemandSeries]) -> tuple[list[np.ndarray] | None, float | None]:
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS, CrostonSBA
    except ImportError:
        print("statsforecast is not installed (pip install -e '.[bench]'): its forecast figures are skipped")
        return None, None
    days = pd.date_range(FIRST_DAY, periods=TRAINING, freq="D")

    def frame(chosen: Sequence[DemandSeries]) -> pd.DataFrame:
        return pd.DataFrame({"unique_id": np.repeat([one.name for one in chosen], TRAINING),
                             "ds": np.tile(days, len(chosen)),
                             "y": np.concatenate([one.units[:TRAINING] for one in chosen])})

    forecasts: dict[str, np.ndarray] = {}
    elapsed = 0.0
    for kinds, model in ((GROUPS["smooth"] + GROUPS["seasonal"], AutoETS(season_length=SEASON)),
                         (GROUPS["intermittent"], CrostonSBA())):
        chosen = [one for one in series if one.kind in kinds]
        fitting = StatsForecast(models=[model], freq="D", n_jobs=1)
        fitting.forecast(df=frame(chosen[:2]), h=HELD_OUT)  # the first call warms up: left out of its time
        started = time.perf_counter()
        result = fitting.forecast(df=frame(chosen), h=HELD_OUT)
        elapsed += time.perf_counter() - started
        column = str(model)
        for name, rows in result.groupby("unique_id", sort=False):
            forecasts[str(name)] = rows.sort_values("ds")[column].to_numpy(dtype=float)
    return [forecasts[one.name] for one in series], len(series) / elapsed


def _mase(one: DemandSeries, daily: np.ndarray) -> float:
    history, out = one.units[:TRAINING], one.stock_out[:TRAINING]
    both_known = ~(out[SEASON:] | out[:-SEASON])
    scale = float(np.abs(history[SEASON:] - history[:-SEASON])[both_known].mean())
    known = ~one.stock_out[TRAINING:]
    return float(np.abs(one.units[TRAINING:] - daily)[known].mean()) / scale


def _of(series: Sequence[DemandSeries], forecasts: Sequence[np.ndarray], kinds: tuple[str, ...],
        score: Callable[[DemandSeries, np.ndarray], float]) -> list[float]:
    return [score(one, daily) for one, daily in zip(series, forecasts, strict=True) if one.kind in kinds]


def _mean_mase(series: Sequence[DemandSeries], forecasts: Sequence[np.ndarray], kinds: tuple[str, ...]) -> float:
    return round(statistics.fmean(_of(series, forecasts, kinds, _mase)), 3)


def _rmsse(one: DemandSeries, daily: np.ndarray) -> float:
    """As `_mase`, squared errors: the M5 competition's measure, which the mean minimises."""
    history, out = one.units[:TRAINING], one.stock_out[:TRAINING]
    both_known = ~(out[SEASON:] | out[:-SEASON])
    scale = float(((history[SEASON:] - history[:-SEASON])[both_known] ** 2).mean())
    known = ~one.stock_out[TRAINING:]
    return math.sqrt(float(((one.units[TRAINING:] - daily)[known] ** 2).mean()) / scale)


def _bias(one: DemandSeries, daily: np.ndarray) -> float:
    """The forecast's units over the held-out days against the true mean's, as a share."""
    return float(daily.sum() / one.true_mean[TRAINING:].sum() - 1)


def _bias_note(series: Sequence[DemandSeries], forecasts: Sequence[np.ndarray], kinds: tuple[str, ...]) -> str:
    scores = _of(series, forecasts, kinds, _mase)
    return (f"median {statistics.median(scores):.3f}; RMSSE {_mean_rmsse(series, forecasts, kinds)}; "
            f"median bias {statistics.median(_of(series, forecasts, kinds, _bias)) * 100:+.1f} %")


def _mean_rmsse(series: Sequence[DemandSeries], forecasts: Sequence[np.ndarray], kinds: tuple[str, ...]) -> float:
    return round(statistics.fmean(_of(series, forecasts, kinds, _rmsse)), 3)


def _note(series: Sequence[DemandSeries], ours: Sequence[np.ndarray], theirs: Sequence[np.ndarray] | None,
          kinds: tuple[str, ...]) -> str:
    truth = [one.true_mean[TRAINING:] for one in series]
    versus = "" if theirs is None else f"; statsforecast {_mean_mase(series, theirs, kinds)}"
    return (f"{' + '.join(kinds)}, {sum(one.kind in kinds for one in series)} series, mean{versus}; "
            f"{_bias_note(series, ours, kinds)}; the true mean scores {_mean_mase(series, truth, kinds)} "
            f"(RMSSE {_mean_rmsse(series, truth, kinds)})")


if __name__ == "__main__":
    for figure in figures():
        print(f"{figure.name:<40} {figure.value:>8g} {figure.unit}  {figure.note}")
