"""Exponential smoothing of daily demand: simple (`ses`), damped trend, and Holt-Winters over a
season (weekly: 7 days) with an additive or a multiplicative profile.

The models are the additive-error innovations state-space forms (Hyndman, Koehler, Ord and
Snyder, *Forecasting with Exponential Smoothing*, 2008): a state x of level, trend and the
season's offsets, the one-step forecast ŷ_t = w'x_{t-1}, and x_t = T x_{t-1} + g e_t with
e_t = y_t - ŷ_t. For fixed parameters that is a linear filter of the data,

    ŷ_t = Σ_{j<t} h_{t-1-j} y_j + A_t x_0,   h_k = w'D^k g,  A_t = w'D^t,  D = T - g w',

and that is how it is computed. The planner fits thousands of series in a Lambda, and a loop over
730 days in Python costs milliseconds per parameter set; h and A depend on the parameters alone,
so each point of the parameter lattice has them computed once per process (kept, LRU), and a
series pays for a candidate one FFT convolution and a 2×2 least squares: the initial level and
trend that minimise its SSE for those parameters, not a guess. The season's initial offsets are
its profile: the filter runs on the series less its additive profile, which for a linear model is
the same as starting the seasonal states at it.

Multiplicative seasonality: the filter runs on the series divided by its profile, the errors
weighed by the profile squared so that the SSE is in units. That is multiplicative Holt-Winters
with γ = 0, the profile estimated once from the whole history: on daily counts a per-weekday
update mostly learns noise. Additive Holt-Winters fits γ.

Fitting minimises the in-sample one-step SSE over the days that are demand (`oms.forecast.cleaning`):
a coarse grid over every structure (with or without a damped trend; no profile, additive or
multiplicative), the structure with the lowest AICc at its best point chosen, then a coordinate
search on the lattice from there (a step either way in each parameter, the best neighbour taken)
until no neighbour lowers the SSE. The trend is always damped (φ ≤ 0.998): an undamped trend
fitted on noise runs away over four weeks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

import numpy as np

from oms.forecast.cleaning import MIN_SHARE, Cleaned

MAX_DAYS = 730  # the fit learns from the last two years at most
_FFT_SIZE = 1536  # ≥ 2 × MAX_DAYS - 1: the convolution does not wrap
ALPHAS = np.geomspace(0.002, 0.9, 28)
TREND_SHARES = np.geomspace(0.001, 0.3, 11)  # β as a share of α
PHIS = 1 - np.geomspace(0.2, 0.002, 11)
GAMMAS = np.geomspace(0.001, 0.3, 11)
_COARSE_ALPHAS, _COARSE_SHARES, _COARSE_PHIS, _COARSE_GAMMAS = (4, 10, 16, 22), (4,), (4, 8), (4,)
_MAX_ROUNDS = 8
_MOVES = 8  # a step either way in four parameters
_TINY_SHARE = 1e-9  # a phase that never sells: its errors count in units all the same
_ABSENT = -1


class Profile(StrEnum):
    NONE = "none"
    ADDITIVE = "additive"
    MULTIPLICATIVE = "multiplicative"


@dataclass(frozen=True)
class Point:
    """A point of the parameter lattice: indices into ALPHAS, TREND_SHARES, PHIS and GAMMAS,
    `_ABSENT` where the structure lacks the parameter."""

    alpha: int
    trend: int = _ABSENT
    phi: int = _ABSENT
    gamma: int = _ABSENT

    @property
    def parameters(self) -> tuple[float, float, float, float]:
        """α, β, φ, γ: β = 0 and φ = 1 without a trend, γ = 0 without seasonal states."""
        alpha = float(ALPHAS[self.alpha])
        if self.trend == _ABSENT:
            beta, phi = 0.0, 1.0
        else:
            beta, phi = alpha * float(TREND_SHARES[self.trend]), float(PHIS[self.phi])
        return alpha, beta, phi, (0.0 if self.gamma == _ABSENT else float(GAMMAS[self.gamma]))

    def neighbours(self) -> list[Point]:
        steps = []
        for field, size in (("alpha", len(ALPHAS)), ("trend", len(TREND_SHARES)), ("phi", len(PHIS)),
                            ("gamma", len(GAMMAS))):
            index = getattr(self, field)
            if index != _ABSENT:
                steps += [replace(self, **{field: moved}) for moved in (index - 1, index + 1) if 0 <= moved < size]
        return steps


@dataclass(frozen=True)
class Structure:
    profile: Profile
    trend: bool

    @property
    def method(self) -> str:
        base = "damped_trend" if self.trend else "ses"
        if self.profile == Profile.NONE:
            return base
        suffix = ("_damped" if self.trend else "") + ("_multiplicative" if self.profile == Profile.MULTIPLICATIVE else "")
        return "holt_winters" + suffix

    def parameter_count(self, season: int) -> int:
        """Smoothing parameters and initial states, for AICc."""
        count = 5 if self.trend else 2  # α, l0 (+ β, φ, b0)
        if self.profile == Profile.ADDITIVE:
            count += season  # γ and the season's offsets less one
        elif self.profile == Profile.MULTIPLICATIVE:
            count += season - 1
        return count

    def coarse_grid(self) -> list[Point]:
        gammas = _COARSE_GAMMAS if self.profile == Profile.ADDITIVE else (_ABSENT,)
        if not self.trend:
            return [Point(a, gamma=g) for a in _COARSE_ALPHAS for g in gammas]
        return [Point(a, b, p, g) for a in _COARSE_ALPHAS for b in _COARSE_SHARES for p in _COARSE_PHIS for g in gammas]


STRUCTURES = tuple(Structure(profile, trend) for profile in Profile for trend in (False, True))


@dataclass(frozen=True)
class Fit:
    """A fitted model: what forecasting from the end of the history needs."""

    structure: Structure
    point: Point
    state: np.ndarray  # level, trend, then the season's offsets newest first, after the last day
    season: int
    phase: int  # the phase of the first day forecast
    shares: np.ndarray
    offsets: np.ndarray
    sigma: float
    days: int  # days that were demand: the errors the fit saw

    def daily(self, horizon: int) -> np.ndarray:
        """The point forecast of each of the next `horizon` days, >= 0."""
        _, _, phi, _ = self.point.parameters
        steps = np.arange(1, horizon + 1)
        damped = np.cumsum(phi ** steps)  # φ + φ² + ... + φ^h
        forecast = self.state[0] + damped * self.state[1]
        if self.structure.profile == Profile.ADDITIVE:
            forecast = forecast + self.state[2:][(self.season - 1) - (steps - 1) % self.season]
            forecast = forecast + self.offsets[(self.phase + steps - 1) % self.season]
        elif self.structure.profile == Profile.MULTIPLICATIVE:
            forecast = forecast * self.shares[(self.phase + steps - 1) % self.season]
        return np.maximum(forecast, 0.0)

    def error_weights(self, horizon: int) -> np.ndarray:
        """How much a day's error moves the forecast k = 1..horizon days later (the model's ψ
        weights, α + β(φ + ... + φ^k) + γ on whole seasons), for the spread of a sum of days."""
        alpha, beta, phi, gamma = self.point.parameters
        steps = np.arange(1, horizon + 1)
        return alpha + beta * np.cumsum(phi ** steps) + gamma * (steps % self.season == 0)


def fit(cleaned: Cleaned, season: int) -> Fit:
    """The best smoothing model of a cleaned series (at most its last `MAX_DAYS`)."""
    inputs = _Inputs.of(cleaned, season)
    best: dict[Structure, tuple[float, Point]] = {}
    for structure, point, sse in inputs.sse([(s, point) for s in STRUCTURES if inputs.usable(s)
                                             for point in s.coarse_grid()]):
        if structure not in best or sse < best[structure][0]:
            best[structure] = (sse, point)
    structure = min(best, key=lambda s: inputs.aicc(s, best[s][0]))
    sse, point = best[structure]
    seen = set(structure.coarse_grid())
    for _ in range(_MAX_ROUNDS):
        moves = [neighbour for neighbour in point.neighbours() if neighbour not in seen]
        seen.update(moves)
        scored = inputs.sse([(structure, move) for move in moves])
        if not scored or min(e for _, _, e in scored) >= sse:
            break
        _, point, sse = min(scored, key=lambda scored: scored[2])
    return inputs.fitted(structure, point, sse)


@dataclass(frozen=True)
class _Responses:
    """Lattice points' responses, stacked: A_t's level and trend columns, their products (for the
    least squares' normal equations) and the FFT of h."""

    level: np.ndarray  # points × MAX_DAYS
    trend: np.ndarray
    products: np.ndarray  # points × 3 × MAX_DAYS: level², level × trend, trend²
    spectra: np.ndarray  # points × FFT bins


@lru_cache(maxsize=16)
def _responses(points: tuple[Point, ...], seasonal_states: int) -> _Responses:
    """Stacked, and kept: the coarse grid's are the same for every series."""
    rows = [_response(point, seasonal_states) for point in points]
    level = np.stack([row[0][:, 0] for row in rows])
    trend = np.stack([row[0][:, 1] for row in rows])
    products = np.stack([level * level, level * trend, trend * trend], axis=1)
    return _Responses(level, trend, products, np.stack([row[1] for row in rows]))


@lru_cache(maxsize=1024)  # about 24 kB each
def _response(point: Point, seasonal_states: int) -> tuple[np.ndarray, np.ndarray]:
    """A lattice point's A_t restricted to level and trend (MAX_DAYS × 2) and the FFT of its h."""
    transition, gain, observation = _matrices(point, seasonal_states)
    damped = transition - np.outer(gain, observation)
    rows, power = observation[None, :], damped
    while len(rows) < MAX_DAYS:  # w'D^t by doubling: rows 0..2^k-1 times D^(2^k)
        rows = np.vstack([rows, rows @ power])
        power = power @ power
    rows = rows[:MAX_DAYS]
    return np.ascontiguousarray(rows[:, :2]), np.fft.rfft(rows @ gain, _FFT_SIZE)


def _matrices(point: Point, seasonal_states: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """T, g and w over (level, trend, offsets newest first)."""
    alpha, beta, phi, gamma = point.parameters
    size = 2 + seasonal_states
    transition = np.zeros((size, size))
    transition[0, 0], transition[0, 1], transition[1, 1] = 1.0, phi, phi
    observation = np.zeros(size)
    observation[0], observation[1] = 1.0, phi
    gain = np.zeros(size)
    gain[0], gain[1] = alpha, beta
    if seasonal_states:
        transition[2, -1] = 1.0  # the oldest offset, just used, comes back as the newest
        transition[3:, 2:-1] = np.eye(seasonal_states - 1)
        observation[-1] = 1.0
        gain[2] = gamma
    return transition, gain, observation


@dataclass(frozen=True)
class _Scratch:
    """Work arrays for the least squares of the largest group of candidates: the coarse grid's of a
    profile, or a round of moves."""

    spectra: np.ndarray
    convolved: np.ndarray
    residual: np.ndarray
    weighted: np.ndarray

    @classmethod
    def of(cls, days: int) -> _Scratch:
        rows = max(_MOVES, *(sum(len(s.coarse_grid()) for s in STRUCTURES if s.profile == profile)
                             for profile in Profile))
        return cls(np.empty((rows, _FFT_SIZE // 2 + 1), complex), np.empty((rows, _FFT_SIZE)),
                   np.empty((rows, days)), np.empty((rows, days)))


@dataclass(frozen=True)
class _Inputs:
    """A cleaned series as each profile's filter sees it: its input, the series its forecasts are
    scored against, and the weight of each day's error (0 on days that are not demand)."""

    cleaned: Cleaned
    season: int
    values: dict[Profile, np.ndarray]  # what the filter runs on
    targets: dict[Profile, np.ndarray]  # what its one-step forecasts are scored against
    weights: dict[Profile, np.ndarray]
    spectra: dict[Profile, np.ndarray]
    padded_weights: dict[Profile, np.ndarray]  # to MAX_DAYS with zeros: a product with the stacked responses
    scratch: _Scratch
    known: int  # days that are demand: the errors every structure is scored on

    @classmethod
    def of(cls, cleaned: Cleaned, season: int) -> _Inputs:
        recent = slice(-MAX_DAYS, None)
        filled, known, phase = cleaned.filled[recent], cleaned.known[recent], cleaned.phase[recent]
        # Multiplicative: errors in units are the deseasonalised errors times the share. A phase
        # that sells next to nothing still has its errors counted, but feeds the filter the
        # baseline: divided by its share, one unit would move the level by dozens.
        share = np.maximum(cleaned.shares[phase], _TINY_SHARE)
        divided = filled / share
        targets = {Profile.NONE: filled, Profile.ADDITIVE: filled - cleaned.offsets[phase],
                   Profile.MULTIPLICATIVE: divided}
        values = {**targets, Profile.MULTIPLICATIVE: np.where(known & (share >= MIN_SHARE), divided,
                                                              cleaned.baseline[recent])}
        weights = {Profile.NONE: known.astype(float), Profile.ADDITIVE: known.astype(float),
                   Profile.MULTIPLICATIVE: known * share ** 2}
        spectra = {profile: np.fft.rfft(series, _FFT_SIZE) for profile, series in values.items()}
        padded = {profile: np.pad(weight, (0, MAX_DAYS - len(weight))) for profile, weight in weights.items()}
        return cls(cleaned, season, values, targets, weights, spectra, padded, _Scratch.of(len(filled)),
                   int(np.count_nonzero(known)))

    @property
    def days(self) -> int:
        return len(self.values[Profile.NONE])

    def usable(self, structure: Structure) -> bool:
        """A profile needs a season of two days or more, and two whole seasons of demand days."""
        return structure.profile == Profile.NONE or (self.season >= 2 and self.known >= 2 * self.season)

    def sse(self, candidates: list[tuple[Structure, Point]]) -> list[tuple[Structure, Point, float]]:
        """Each candidate's SSE with its best initial level and trend."""
        scored = []
        for profile in Profile:
            group = [(structure, point) for structure, point in candidates if structure.profile == profile]
            if group:
                sse, _ = self._least_squares(profile, group)
                scored += [(structure, point, float(e)) for (structure, point), e in zip(group, sse, strict=True)]
        return scored

    def aicc(self, structure: Structure, sse: float) -> float:
        known, k = self.known, structure.parameter_count(self.season)
        if known <= k + 1:
            return math.inf
        scale = float(np.sum(self.weights[Profile.NONE] * self.targets[Profile.NONE] ** 2))
        floor = 1e-12 * max(scale, 1.0)  # an exact fit: the log of 0 would rank every exact fit alike
        return known * math.log(max(sse, floor) / known) + 2 * k + 2 * k * (k + 1) / (known - k - 1)

    def _least_squares(self, profile: Profile, group: list[tuple[Structure, Point]]) -> tuple[np.ndarray, np.ndarray]:
        """SSEs of candidates of one profile, with the initial level and trend that minimise
        them (candidates × 2): the normal equations of a 2×2 (1×1 without a trend) least squares."""
        days = self.days
        responses = _responses(tuple(point for _, point in group), self.season if profile == Profile.ADDITIVE else 0)
        weights, padded = self.weights[profile], self.padded_weights[profile]
        count = len(group)
        # Into buffers kept for the fit: fresh arrays this size cost more in page faults than the FFT.
        product = np.multiply(responses.spectra, self.spectra[profile], out=self.scratch.spectra[:count])
        convolved = np.fft.irfft(product, _FFT_SIZE, out=self.scratch.convolved[:count])
        residual = self.scratch.residual[:count, :days]  # what the initial states must explain
        residual[:, 0] = self.targets[profile][0]
        np.subtract(self.targets[profile][1:], convolved[:, :days - 1], out=residual[:, 1:])
        weighted = np.multiply(residual, weights, out=self.scratch.weighted[:count, :days])
        g00, g01, g11 = np.moveaxis(responses.products @ padded, -1, 0)
        b0 = np.einsum("ij,ij->i", responses.level[:, :days], weighted)
        b1 = np.einsum("ij,ij->i", responses.trend[:, :days], weighted)
        total = np.einsum("ij,ij->i", weighted, residual)
        has_trend = np.array([structure.trend for structure, _ in group])
        determinant = g00 * g11 - g01 ** 2
        solvable = has_trend & (np.abs(determinant) > 1e-12 * np.maximum(g00 * g11, 1e-300))
        safe = np.where(solvable, determinant, 1.0)
        l0 = np.where(solvable, (g11 * b0 - g01 * b1) / safe, b0 / np.maximum(g00, 1e-300))
        b0_trend = np.where(solvable, (g00 * b1 - g01 * b0) / safe, 0.0)
        return np.maximum(total - l0 * b0 - b0_trend * b1, 0.0), np.stack([l0, b0_trend], axis=1)

    def fitted(self, structure: Structure, point: Point, sse: float) -> Fit:
        """The chosen model's state after the last day, from its best initial states:
        x_n = D^n x_0 + Σ_j D^(n-1-j) g y_j, the powers by doubling as in `_response`."""
        _, initial = self._least_squares(structure.profile, [(structure, point)])
        seasonal_states = self.season if structure.profile == Profile.ADDITIVE else 0
        transition, gain, observation = _matrices(point, seasonal_states)
        damped = transition - np.outer(gain, observation)
        columns, power = gain[:, None], damped
        while columns.shape[1] < self.days:  # D^k g, k = 0..days-1
            columns = np.hstack([columns, power @ columns])
            power = power @ power
        start = np.zeros(2 + seasonal_states)
        start[:2] = initial[0]
        state = columns[:, :self.days][:, ::-1] @ self.values[structure.profile]
        state += np.linalg.matrix_power(damped, self.days) @ start
        return Fit(structure, point, state, self.season, int(self.cleaned.phase[-1] + 1) % self.season,
                   self.cleaned.shares, self.cleaned.offsets, math.sqrt(sse / self.known) if self.known else 0.0,
                   self.known)
