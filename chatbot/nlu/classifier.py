"""The intent classifier at run time: a linear softmax over sparse features, in pure Python
(the Lambda ships no numpy). Weights are int8 with one scale per intent; the build has folded
the calibration temperature into the scales and biases.

Summing the rows of a few hundred features one intent at a time is most of a parse in pure
Python, so each row is packed into one integer, a 24-bit field per intent holding the weight
plus 128: adding two packed rows adds every field at once, and no field overflows into the next
before 65,793 rows (a message has at most a few thousand features).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

_FIELD_BITS = 24
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_OFFSET = 128
# int8 as two's complement -> the same weight plus 128, as one unsigned byte
_TO_OFFSET = bytes(byte ^ 0x80 for byte in range(256))


class LinearClassifier:
    def __init__(self, intents: Sequence[str], features: Sequence[str], weights: bytes,
                 scales: Sequence[float], biases: Sequence[float]):
        """`weights` holds len(features) rows of len(intents) int8."""
        self.intents = tuple(intents)
        width = len(self.intents)
        field_bytes = _FIELD_BITS // 8
        padded = bytearray(len(weights) * field_bytes)
        padded[::field_bytes] = weights.translate(_TO_OFFSET)
        stride, view = width * field_bytes, memoryview(padded)
        packed = [int.from_bytes(view[start:start + stride], "little") for start in range(0, len(padded), stride)]
        self._rows = dict(zip(features, packed))
        self._scales = tuple(scales)
        self._biases = tuple(biases)

    def rank(self, found: Mapping[str, float]) -> list[tuple[str, float]]:
        """(intent, probability) for every intent, most likely first."""
        # Features of one group share a value (features.ngrams scales each group), so rows are
        # summed per value and multiplied once.
        by_value: dict[float, list[int]] = {}
        for feature, value in found.items():
            row = self._rows.get(feature)
            if row is not None:
                total = by_value.setdefault(value, [0, 0])
                total[0] += row
                total[1] += 1
        sums = [0.0] * len(self.intents)
        for value, (packed, count) in by_value.items():
            for index in range(len(sums)):
                field = (packed >> (index * _FIELD_BITS)) & _FIELD_MASK
                sums[index] += value * (field - _OFFSET * count)
        scores = [bias + scale * total for bias, scale, total in zip(self._biases, self._scales, sums)]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        norm = sum(exps)
        return sorted(zip(self.intents, (exp / norm for exp in exps)), key=lambda pair: pair[1], reverse=True)
