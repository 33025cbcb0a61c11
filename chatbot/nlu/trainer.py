"""Training data in, model out: the entity tables, the features the interpreter will see, the
classifier tuned by cross-validation, its weights quantised to int8. Build time only."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from chatbot.nlu import fit
from chatbot.nlu.entities import EntityExtractor
from chatbot.nlu.features import message_features
from chatbot.nlu.model import MAX_BYTES, Model
from chatbot.nlu.schema import FALLBACK_INTENT, INTENTS
from chatbot.nlu.text import MAX_CHARS, normalise
from chatbot.nlu.training import Example, TrainingData

# What a build that is told not to tune uses (a quick look at new data): the grid's middle.
UNTUNED_L2 = fit.L2_GRID[len(fit.L2_GRID) // 2]


def train(data: TrainingData, data_sha256: str, tune: bool = True) -> Model:
    products, synonyms = product_surfaces(data), data.synonyms
    extractor = EntityExtractor(products, synonyms)
    regexes = [(name, pattern) for name, patterns in data.regexes.items() for pattern in patterns]
    compiled = [(name, re.compile(pattern)) for name, pattern in regexes]
    examples = list({(example.text, example.intent): example for example in data.examples}.values())
    intents = [intent for intent in INTENTS if any(example.intent == intent for example in examples)]
    if FALLBACK_INTENT not in intents:
        raise ValueError(f"the training data has no {FALLBACK_INTENT} examples: nothing to learn the fallback from")
    rows = [_features(extractor, compiled, example) for example in examples]
    vocabulary = {feature: index for index, feature in enumerate(sorted({f for row in rows for f in row}))}
    matrix = fit.Sparse.from_rows([{vocabulary[f]: value for f, value in row.items()} for row in rows], len(vocabulary))
    labels = np.array([intents.index(example.intent) for example in examples])

    info: dict[str, object] = {"examples": len(examples), "features_seen": len(vocabulary)}
    if tune:
        keys = [text_key(example.text) for example in examples]
        tuned = fit.tune(matrix, labels, len(intents), keys, intents.index(FALLBACK_INTENT))
        l2, temperature = tuned.l2, tuned.temperature
        info.update(folds_accuracy=round(tuned.folds_accuracy, 4), folds_macro_f1=round(tuned.folds_macro_f1, 4),
                    folds_best_threshold=tuned.threshold)
    else:
        l2, temperature = UNTUNED_L2, 1.0
    info.update(l2=l2, temperature=round(temperature, 4))
    fitted = fit.fit(matrix, labels, len(intents), l2)
    features = sorted(vocabulary, key=vocabulary.__getitem__)
    tables = {"products": products, "synonyms": synonyms, "regexes": regexes}
    return _quantised(intents, features, fitted.weights / temperature, fitted.biases / temperature,
                      tables, data_sha256, info)


def product_surfaces(data: TrainingData) -> list[str]:
    """What names a product: the `product` lookup, every annotated product span, and every
    surface of a synonym whose canonical value is a product (not the colours and sizes)."""
    synonyms = data.synonyms
    annotated = [(example.text[found.start:found.end].lower(), found.value.lower())
                 for example in data.examples for found in example.entities if found.entity == "product"]
    named = {entry.lower() for entry in data.lookups.get("product", [])} | {span for span, _ in annotated}
    canonical = {synonyms.get(surface, surface).lower() for surface in named} | {value for _, value in annotated}
    of_products = {surface for surface, value in synonyms.items() if value.lower() in canonical}
    return sorted(named | canonical | of_products)


def text_key(text: str) -> int:
    """A stable hash of a text (Python's own is salted per process)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _features(extractor: EntityExtractor, patterns: list[tuple[str, re.Pattern[str]]],
              example: Example) -> dict[str, float]:
    normal = normalise(example.text[:MAX_CHARS])
    return message_features(normal, extractor.spans(normal), patterns)


def _quantised(intents: list[str], features: list[str], weights: np.ndarray, biases: np.ndarray,
               tables: dict[str, Any], data_sha256: str, info: dict[str, object]) -> Model:
    """int8 weights with one scale per intent; features whose weights all round to zero are
    dropped, and if the file would still be too big, the weakest go next."""
    scales = np.abs(weights).max(axis=0) / 127.0
    scales[scales == 0] = 1.0
    quantised = np.rint(weights / scales).astype(np.int8)
    strength = np.abs(quantised.astype(np.int16)).max(axis=1)
    for floor in range(0, 127):
        keep = np.flatnonzero(strength > floor)
        model = Model(intents, [features[index] for index in keep], quantised[keep].tobytes(),
                      [float(scale) for scale in scales], [float(bias) for bias in biases],
                      data_sha256=data_sha256, info={**info, "features": len(keep)}, **tables)
        if len(model.to_bytes()) <= MAX_BYTES:
            return model
    raise ValueError("no model fits in the size limit")
