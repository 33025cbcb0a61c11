"""Parses a customer's message into Rasa's `/model/parse` answer, plus its language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chatbot.nlu.buttons import parse_payload
from chatbot.nlu.classifier import LinearClassifier
from chatbot.nlu.entities import EntityExtractor, rasa_entity
from chatbot.nlu.features import message_features
from chatbot.nlu.model import Model, load
from chatbot.nlu.schema import ENTITIES, FALLBACK_INTENT, INFORM_INTENT, INTENTS
from chatbot.nlu.spans import replaced
from chatbot.nlu.text import MAX_CHARS, language_of, normalise

# Below this confidence the message is out of scope: the dialogue asks again instead of acting
# on a guess. The build calibrates confidences on held-out folds (temperature scaling), so at
# 0.5 an action is more likely right than wrong; counting a wrong action as twice the cost of a
# needless "could you say that again?", cross-validation on data/nlu.yml finds the cost lowest
# here and nearly flat from 0.4 to 0.55 (each build reports its own optimum, `folds_best_threshold`).
CONFIDENCE_THRESHOLD = 0.5
RANKING_LENGTH = 10

# Entities that, alone in a message, answer a question the bot asked ("your order number?").
_IDENTIFIERS = frozenset({"order_ref", "email", "phone", "postcode"})
_WORDS = re.compile(r"[^\W_]")


class Interpreter:
    def __init__(self, model: Model, threshold: float = CONFIDENCE_THRESHOLD):
        self.threshold = threshold
        self.classifier = LinearClassifier(model.intents, model.features, model.weights, model.scales, model.biases)
        self.entities = EntityExtractor(model.products, model.synonyms)
        self.patterns = [(name, re.compile(pattern)) for name, pattern in model.regexes]

    @classmethod
    def load(cls, path: Path | str | None = None) -> Interpreter:
        """The model at `path`; by default the package's, rebuilt first if it is missing or its
        training data changed (see build.ensure_model)."""
        if path is None:
            # imported here: the package imports this module, and `python -m chatbot.nlu.build`
            # must find build not yet imported
            from chatbot.nlu.build import ensure_model

            path = ensure_model()
        return cls(load(Path(path)))

    def parse(self, text: str) -> dict[str, Any]:
        payload = parse_payload(text, INTENTS, ENTITIES)
        if payload is not None:
            return {"text": text, **payload, "language": language_of(text)}
        if not text.strip():
            return _answer(text, FALLBACK_INTENT, 1.0, [(FALLBACK_INTENT, 1.0)], [], "en")
        normal = normalise(text[:MAX_CHARS])
        spans = self.entities.spans(normal)
        entities = [rasa_entity(span, normal) for span in spans]
        own_words = replaced(normal.text, spans, lambda span: " ")  # identifiers have no language
        language = language_of(own_words)
        if spans and all(span.entity in _IDENTIFIERS for span in spans) and not _WORDS.search(own_words):
            return _answer(text, INFORM_INTENT, 1.0, [(INFORM_INTENT, 1.0)], entities, language)
        ranking = self.classifier.rank(message_features(normal, spans, self.patterns))
        name, confidence = ranking[0]
        if confidence < self.threshold:
            # as Rasa's FallbackClassifier answers: the fallback intent at the threshold, the
            # classifier's own ranking kept for whoever wants to look
            name, confidence = FALLBACK_INTENT, self.threshold
        return _answer(text, name, confidence, ranking[:RANKING_LENGTH], entities, language)

    def canonical_words(self, text: str) -> list[str]:
        return self.entities.canonical_words(text)


def _answer(text: str, intent: str, confidence: float, ranking: list[tuple[str, float]],
            entities: list[dict[str, Any]], language: str) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": name, "confidence": score} for name, score in ranking],
        "entities": entities,
        "language": language,
    }
