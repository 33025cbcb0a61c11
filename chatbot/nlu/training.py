"""Reads Rasa 3.x NLU training data (data/nlu.yml) into examples, synonyms, lookups and
regexes. Build time only: PyYAML is a development dependency and never ships in the Lambda.

Several files, and several blocks of one intent, are merged, as Rasa merges them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chatbot.nlu.schema import INTENTS

# `[span](entity)`, `[span](entity:value)` (Rasa 1 shorthand, still read by Rasa 3) or
# `[span]{"entity": "product", "value": "tshirt"}`.
_ANNOTATION = re.compile(r"\[(?P<span>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True, slots=True)
class Annotation:
    """An entity of an example: offsets into the example's plain text, end exclusive."""

    entity: str
    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[Annotation, ...] = ()


@dataclass(slots=True)
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonym_blocks: dict[str, str] = field(default_factory=dict)  # surface (lower case) -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def synonyms(self) -> dict[str, str]:
        """Surface (lower case) -> canonical value: the synonym blocks, and annotations whose
        value differs from their span, which Rasa's EntitySynonymMapper learns too."""
        taught = {span.lower(): found.value for example in self.examples for found in example.entities
                  if (span := example.text[found.start:found.end]).lower() != found.value.lower()}
        return {**taught, **self.synonym_blocks}

    def with_examples(self, examples: Iterable[Example]) -> TrainingData:
        """The same tables with other examples: an evaluation trains on a part, and what the
        held-out annotations would teach stays out."""
        return TrainingData(list(examples), self.synonym_blocks, self.lookups, self.regexes)


def load(paths: Sequence[Path]) -> TrainingData:
    data = TrainingData()
    for path in paths:
        _read(Path(path), data)
    return data


def parse_example(line: str) -> tuple[str, tuple[Annotation, ...]]:
    """An example line without its markup, and its entities with offsets into that text."""
    plain: list[str] = []
    entities: list[Annotation] = []
    position = length = 0
    for match in _ANNOTATION.finditer(line):
        plain.append(line[position:match.start()])
        length += match.start() - position
        span = match["span"]
        entity, value = _entity_and_value(match, span)
        entities.append(Annotation(entity, length, length + len(span), value))
        plain.append(span)
        length += len(span)
        position = match.end()
    plain.append(line[position:])
    return "".join(plain), tuple(entities)


def _entity_and_value(match: re.Match[str], span: str) -> tuple[str, str]:
    if match["short"] is not None:
        entity, _, value = match["short"].partition(":")
        return entity.strip(), value.strip() or span
    described = json.loads(match["json"])
    return str(described["entity"]), str(described.get("value", span))


def _read(path: Path, data: TrainingData) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in document.get("nlu") or []:
        lines = _lines(block.get("examples"))
        if "intent" in block:
            intent = str(block["intent"])
            if intent not in INTENTS:
                raise ValueError(f"{path}: intent {intent!r} is not one of {', '.join(INTENTS)}")
            for line in lines:
                text, entities = parse_example(line)
                data.examples.append(Example(text, intent, entities))
        elif "synonym" in block:
            data.synonym_blocks.update((line.lower(), str(block["synonym"])) for line in lines)
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(lines)
        elif "regex" in block:
            data.regexes.setdefault(str(block["regex"]), []).extend(lines)


def _lines(examples: object) -> list[str]:
    """The `- ` items of an `examples: |` block, as Rasa reads them."""
    if not isinstance(examples, str):
        return []
    items = (line.strip() for line in examples.splitlines())
    return [item[1:].strip() for item in items if item.startswith("-") and item[1:].strip()]
