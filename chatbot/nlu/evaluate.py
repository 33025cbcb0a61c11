"""How well the NLU does on examples it never saw: `python -m chatbot.nlu.evaluate [--data PATH ...]`.

One example in five of each intent and language is held out, chosen by a hash of its text (so
the split only moves where the data does), a model is trained on the rest exactly as the build
trains (its cross-validation included) and the held-out examples are parsed as a customer's
messages would be: the confidence threshold and the rules count.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from chatbot.nlu import trainer, training
from chatbot.nlu.build import DEFAULT_DATA, data_sha256
from chatbot.nlu.interpreter import Interpreter
from chatbot.nlu.schema import ENTITIES
from chatbot.nlu.text import language_of
from chatbot.nlu.training import Example

HELD_OUT_EVERY = 5


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(trained on, held out). Copies of one text stay on one side."""
    by_text: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_text[example.text].append(example)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for text, copies in by_text.items():
        strata[(copies[0].intent, language_of(text))].append(text)
    train: list[Example] = []
    held: list[Example] = []
    for texts in strata.values():
        for rank, text in enumerate(sorted(texts, key=trainer.text_key)):
            (held if rank % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 else train).extend(by_text[text])
    return train, held


def evaluate(data_path: Path | Sequence[Path] = DEFAULT_DATA) -> dict[str, float | int]:
    paths = [Path(data_path)] if isinstance(data_path, (str, Path)) else [Path(path) for path in data_path]
    data = training.load(paths)
    digest = data_sha256(paths)
    train, held = split(data.examples)
    interpreter = Interpreter(trainer.train(data.with_examples(train), digest))
    parsed = [interpreter.parse(example.text) for example in held]

    report: dict[str, float | int] = {}
    for language in ("en", "zh"):
        pairs = [(example.intent, answer["intent"]["name"]) for example, answer in zip(held, parsed)
                 if language_of(example.text) == language]
        report[f"chat_intent_accuracy_{language}"] = _percent(sum(t == p for t, p in pairs), len(pairs))
        report[f"chat_intent_macro_f1_{language}"] = round(100 * _macro_f1(pairs), 1)
        report[f"chat_held_out_{language}"] = len(pairs)
    report["chat_entity_f1"] = round(100 * _entity_f1(held, parsed), 1)
    report["chat_model_bytes"] = len(trainer.train(data, digest).to_bytes())
    return report


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = {label for pair in pairs for label in pair}
    scores = []
    for label in labels:
        hits = sum(truth == predicted == label for truth, predicted in pairs)
        claimed = sum(predicted == label for _, predicted in pairs)
        actual = sum(truth == label for truth, _ in pairs)
        scores.append(2 * hits / (claimed + actual))
    return sum(scores) / len(scores) if scores else 0.0


def _entity_f1(held: list[Example], parsed: list[dict]) -> float:
    """Exact span and type, over the held-out examples that have annotations (an example
    without any may simply not have been annotated)."""
    hits = claimed = actual = 0
    for example, answer in zip(held, parsed):
        if not example.entities:
            continue
        truth = {(found.start, found.end, found.entity) for found in example.entities if found.entity in ENTITIES}
        found = {(entity["start"], entity["end"], entity["entity"]) for entity in answer["entities"]}
        hits, claimed, actual = hits + len(truth & found), claimed + len(found), actual + len(truth)
    return 2 * hits / (claimed + actual) if claimed + actual else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot.nlu.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", help=f"Rasa NLU YAML (default {DEFAULT_DATA[0]})")
    args = parser.parse_args(argv)
    json.dump(evaluate(tuple(args.data or DEFAULT_DATA)), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
