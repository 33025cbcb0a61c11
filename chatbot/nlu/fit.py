"""Multinomial logistic regression on sparse features: L2-regularised, classes balanced, fitted
with L-BFGS. Build time only (numpy); the Lambda runs classifier.LinearClassifier.

Cross-validation on the training data picks the L2 strength, then a temperature that makes
the held-out confidences honest: a softmax fitted to a few thousand examples is sure of too much
or too little, and the fallback threshold needs a confidence that means what it says.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

# Mean loss per example plus l2/2·|W|²: from "barely fitted" to "memorised" on a few
# thousand examples. Tried strongest first, each fit starting from the last.
L2_GRID = (1e-3, 3e-4, 1e-4, 3e-5, 1e-5)
FOLDS = 4
_TEMPERATURES = (0.25, 6.0)


class Sparse:
    """Rows of (column, value): a CSR matrix, the little of scipy's that is needed."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, columns: int):
        self.indptr, self.indices, self.data, self.columns = indptr, indices, data, columns
        self.rows = len(indptr) - 1
        lengths = np.diff(indptr)
        self._starts = indptr[:-1][lengths > 0]
        self._nonempty = lengths > 0
        self._row_of = np.repeat(np.arange(self.rows), lengths)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[int, float]], columns: int) -> Sparse:
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(row) for row in rows])
        indices = np.fromiter((column for row in rows for column in row), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((value for row in rows for value in row.values()), dtype=np.float32, count=int(indptr[-1]))
        return cls(indptr, indices, data, columns)

    def take(self, rows: np.ndarray) -> Sparse:
        lengths = np.diff(self.indptr)[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(lengths)
        picked = np.concatenate([np.arange(self.indptr[row], self.indptr[row + 1]) for row in rows]) \
            if len(rows) else np.zeros(0, dtype=np.int64)
        return Sparse(indptr, self.indices[picked], self.data[picked], self.columns)

    def dot(self, weights: np.ndarray) -> np.ndarray:
        out = np.zeros((self.rows, weights.shape[1]), dtype=weights.dtype)
        if len(self.indices):
            out[self._nonempty] = np.add.reduceat(weights[self.indices] * self.data[:, None], self._starts, axis=0)
        return out

    def transpose_dot(self, by_row: np.ndarray) -> np.ndarray:
        # a bincount per class is the quickest scatter-add numpy has
        out = np.empty((self.columns, by_row.shape[1]), dtype=by_row.dtype)
        for label, values in enumerate(np.ascontiguousarray(by_row.T)):
            products = values[self._row_of] * self.data
            out[:, label] = np.bincount(self.indices, weights=products, minlength=self.columns)
        return out


@dataclass(frozen=True)
class Fitted:
    weights: np.ndarray  # features × classes
    biases: np.ndarray

    def logits(self, features: Sparse) -> np.ndarray:
        return features.dot(self.weights) + self.biases


@dataclass(frozen=True)
class Tuned:
    l2: float
    temperature: float
    threshold: float  # the cheapest fallback threshold on the held-out folds
    folds_accuracy: float
    folds_macro_f1: float


def balanced_weights(labels: np.ndarray, classes: int) -> np.ndarray:
    """Per example, so every intent weighs the same in the loss however many examples it has;
    they sum to 1 (the loss is a mean)."""
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    weights = 1.0 / counts[labels]
    return (weights / weights.sum()).astype(np.float32)


def fit(features: Sparse, labels: np.ndarray, classes: int, l2: float, start: Fitted | None = None) -> Fitted:
    """Weights and biases minimising the balanced mean log loss plus l2/2·|W|² (biases are not
    penalised), from `start` if given: the folds of one L2 start from the last one's."""
    weights = balanced_weights(labels, classes)
    size = features.columns * classes
    rows = np.arange(features.rows)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w = params[:size].reshape(features.columns, classes)
        logits = features.dot(w) + params[size:]
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        log_p = logits - log_norm[:, None]
        value = -float(weights @ log_p[rows, labels]) + 0.5 * l2 * float(np.dot(params[:size], params[:size]))
        residual = np.exp(log_p)
        residual[rows, labels] -= 1.0
        residual *= weights[:, None]
        gradient = np.concatenate([(features.transpose_dot(residual) + l2 * w).ravel(), residual.sum(axis=0)])
        return value, gradient

    initial = np.zeros(size + classes, dtype=np.float32) if start is None \
        else np.concatenate([start.weights.ravel(), start.biases]).astype(np.float32)
    params = _lbfgs(loss, initial)
    return Fitted(params[:size].reshape(features.columns, classes), params[size:])


def tune(features: Sparse, labels: np.ndarray, classes: int, keys: Sequence[int], fallback: int) -> Tuned:
    """Cross-validation, folds stratified by label and assigned by `keys` (hashes of the texts,
    so the folds do not move when examples are added elsewhere)."""
    fold_of = stratified_folds(labels, keys, FOLDS)
    parts = [(features.take(np.flatnonzero(fold_of != fold)), labels[fold_of != fold],
              features.take(np.flatnonzero(fold_of == fold)), fold_of == fold) for fold in range(FOLDS)]
    starts: list[Fitted | None] = [None] * FOLDS
    tried: list[tuple[float, float, np.ndarray]] = []
    with ThreadPoolExecutor(min(FOLDS, os.cpu_count() or 1)) as pool:  # numpy lets go of the GIL
        for l2 in L2_GRID:
            runs = [pool.submit(fit, train, train_labels, classes, l2, start)
                    for (train, train_labels, _, _), start in zip(parts, starts)]
            starts = [run.result() for run in runs]
            logits = np.zeros((features.rows, classes), dtype=np.float32)
            for (_, _, held, held_mask), fitted in zip(parts, starts):
                logits[held_mask] = fitted.logits(held)
            tried.append((macro_f1(labels, logits.argmax(axis=1), classes), l2, logits))
    score, l2, logits = max(tried, key=lambda run: run[0])  # the first best: ties keep the stronger L2
    temperature = _temperature(logits, labels)
    probabilities = softmax(logits / temperature)
    return Tuned(l2, temperature, cheapest_threshold(probabilities, labels, fallback),
                 float((probabilities.argmax(axis=1) == labels).mean()), score)


def stratified_folds(labels: np.ndarray, keys: Sequence[int], folds: int) -> np.ndarray:
    fold_of = np.zeros(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        members = sorted(np.flatnonzero(labels == label), key=lambda index: keys[index])
        for rank, index in enumerate(members):
            fold_of[index] = rank % folds
    return fold_of


def macro_f1(truth: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    scores = []
    for label in range(classes):
        true_positive = int(np.sum((truth == label) & (predicted == label)))
        claimed, actual = int(np.sum(predicted == label)), int(np.sum(truth == label))
        if claimed or actual:
            scores.append(2 * true_positive / (claimed + actual))
    return float(np.mean(scores)) if scores else 0.0


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


# A wrong action (the wrong order cancelled, an answer to another question) costs the customer
# more than being asked to say it again.
WRONG_ACTION_COST = 2.0


def cheapest_threshold(probabilities: np.ndarray, labels: np.ndarray, fallback: int) -> float:
    """The confidence below which answering "out of scope" (class `fallback`) costs least."""
    confidence, predicted = probabilities.max(axis=1), probabilities.argmax(axis=1)
    candidates = np.round(np.arange(0.2, 0.81, 0.05), 2)
    costs = []
    for threshold in candidates:
        answer = np.where(confidence >= threshold, predicted, fallback)
        wrong = (answer != labels) & (answer != fallback)
        needless = (answer == fallback) & (labels != fallback)
        costs.append(WRONG_ACTION_COST * wrong.sum() + needless.sum())
    return float(candidates[int(np.argmin(costs))])


def _temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises held-out log loss: golden-section search on its log."""
    rows = np.arange(len(labels))

    def log_loss(log_t: float) -> float:
        scaled = logits / math.exp(log_t)
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        return float(-(scaled[rows, labels] - np.log(np.exp(scaled).sum(axis=1))).mean())

    low, high = (math.log(bound) for bound in _TEMPERATURES)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(40):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if log_loss(left) < log_loss(right):
            high = right
        else:
            low = left
    return math.exp((low + high) / 2)


def _lbfgs(loss: Callable[[np.ndarray], tuple[float, np.ndarray]], params: np.ndarray,
           iterations: int = 400, memory: int = 10, tolerance: float = 1e-6) -> np.ndarray:
    """Limited-memory BFGS with a backtracking (Armijo) line search: the problem is smooth and
    convex, and this converges in a few hundred evaluations where gradient descent needs
    thousands."""
    value, gradient = loss(params)
    history: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(iterations):
        direction = -_inverse_hessian_times(gradient, history)
        slope = float(gradient @ direction)
        if slope >= 0:  # not a descent direction: forget the curvature and go downhill
            history.clear()
            direction, slope = -gradient, -float(gradient @ gradient)
        step = 1.0
        while True:
            candidate = params + step * direction
            new_value, new_gradient = loss(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        moved, turned = candidate - params, new_gradient - gradient
        curvature = float(moved @ turned)
        if curvature > 1e-12:
            history.append((moved, turned, 1.0 / curvature))
            del history[:-memory]
        converged = value - new_value <= tolerance * max(1.0, abs(value))
        params, value, gradient = candidate, new_value, new_gradient
        if converged or float(np.abs(gradient).max()) < 1e-7:
            break
    return params


def _inverse_hessian_times(gradient: np.ndarray, history: list[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """The two-loop recursion."""
    if not history:
        return gradient / max(1.0, float(np.linalg.norm(gradient)))
    q = gradient.copy()
    alphas = []
    for moved, turned, rho in reversed(history):
        alpha = rho * float(moved @ q)
        q -= alpha * turned
        alphas.append(alpha)
    moved, turned, _ = history[-1]
    q *= float(moved @ turned) / float(turned @ turned)
    for (moved, turned, rho), alpha in zip(history, reversed(alphas)):
        q += (alpha - rho * float(turned @ q)) * moved
    return q
