"""The chatbot's built-in NLU: Rasa's `/model/parse` answer for English and Chinese messages,
from a model file read with the standard library alone, so it runs inside a Lambda.

    Interpreter.load().parse("订单号1001什么时候到")
    {"text": ..., "intent": {"name": "track_order", "confidence": 0.93}, "intent_ranking": [...],
     "entities": [{"entity": "order_ref", "start": 3, "end": 7, "value": "1001", ...}], "language": "zh"}

Built from data/nlu.yml by `python -m chatbot.nlu.build`; `python -m chatbot.nlu.evaluate`
reports how well it does on examples it was not trained on.
"""

from __future__ import annotations

from functools import cache

from chatbot.nlu.interpreter import CONFIDENCE_THRESHOLD, Interpreter

__all__ = ["CONFIDENCE_THRESHOLD", "Interpreter", "canonical_words", "default_interpreter"]


@cache
def default_interpreter() -> Interpreter:
    """The package's model, loaded once per process."""
    return Interpreter.load()


def canonical_words(text: str) -> list[str]:
    """Every synonym surface in the text as its canonical value (`T恤` → `tshirt`, `红色` →
    `red`), by the default model's tables: what the actions match catalogue SKUs with."""
    return default_interpreter().canonical_words(text)
