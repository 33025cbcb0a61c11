"""The gamma distribution's quantile, in pure Python: the model of a slow mover's demand over a
lead time (`Forecast.quantile`).

Wilson and Hilferty's cube-root normal approximation starts the search; it is good to a percent
for shapes over 1 but falls apart below (it goes to 0 for a lumpy SKU over a few days, which
would plan no stock at all). Newton's method on the regularised incomplete gamma function P(k, x)
(series below k + 1, continued fraction above: Press et al., *Numerical Recipes*, 6.2) finishes it.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_TOLERANCE = 1e-12
_MAX_TERMS = 500
_MAX_STEPS = 100
_NEARLY_NORMAL = 1e5


def gamma_quantile(shape: float, probability: float) -> float:
    """x with P(X <= x) = `probability` for X ~ Gamma(`shape`, scale 1)."""
    if shape <= 0 or not 0 < probability < 1:
        raise ValueError(f"gamma_quantile needs shape > 0 and 0 < probability < 1, not {shape}, {probability}")
    target = math.log(probability)
    cube_root = 1 - 1 / (9 * shape) + NormalDist().inv_cdf(probability) / (3 * math.sqrt(shape))
    if shape > _NEARLY_NORMAL:  # the approximation's error is far below a unit; P(k, x)'s terms would overflow
        return shape * cube_root ** 3
    if cube_root > 0:
        log_x = math.log(shape) + 3 * math.log(cube_root)
    else:  # near 0, P(k, x) ≈ x^k / Γ(k + 1)
        log_x = (target + math.lgamma(shape + 1)) / shape
    # Newton on log P against log x: near 0 the two are nearly proportional, so it converges
    # where Newton on P itself crawls; a bracket catches the steps that overshoot.
    low, high = -math.inf, math.inf
    for _ in range(_MAX_STEPS):
        x = math.exp(log_x)
        cdf = lower_regularised(shape, x)
        error = math.log(cdf) - target if cdf > 0 else -math.inf
        if abs(error) < _TOLERANCE:
            break
        if error < 0:
            low = log_x
        else:
            high = log_x
        slope = math.exp(shape * log_x - x - math.lgamma(shape)) / cdf if cdf > 0 else 0.0  # d log P / d log x
        step = log_x - error / slope if slope > 0 and math.isfinite(error) else math.nan
        if low < step < high:
            log_x = step
        elif math.isfinite(low) and math.isfinite(high):
            log_x = (low + high) / 2
        else:
            log_x = low + 1 if math.isfinite(low) else high - 1
        if high - low < _TOLERANCE:
            break
    return math.exp(log_x)


def lower_regularised(shape: float, x: float) -> float:
    """P(shape, x) = γ(shape, x) / Γ(shape)."""
    if x <= 0:
        return 0.0
    front = math.exp(shape * math.log(x) - x - math.lgamma(shape))
    if x < shape + 1:
        term = total = 1 / shape
        for n in range(1, _MAX_TERMS):
            term *= x / (shape + n)
            total += term
            if abs(term) < abs(total) * _TOLERANCE:
                break
        return min(1.0, front * total)
    # Q(shape, x) by Lentz's continued fraction
    tiny = 1e-300
    b = x + 1 - shape
    c, d = 1 / tiny, 1 / b
    fraction = d
    for i in range(1, _MAX_TERMS):
        a = -i * (i - shape)
        b += 2
        d = a * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + a / c
        c = c if abs(c) > tiny else tiny
        fraction *= d * c
        if abs(d * c - 1) < _TOLERANCE:
            break
    return max(0.0, 1 - front * fraction)
