"""Rule-based entity extraction: each extractor proposes spans, overlaps go by priority, and
the result is what Rasa's `/model/parse` answers with, offsets into what the customer wrote.
Pure: the tables come from the model file; nothing here reads the training data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chatbot.nlu import codes, orders, postcodes
from chatbot.nlu.gazetteer import Gazetteer
from chatbot.nlu.phones import PhoneFinder
from chatbot.nlu.spans import Span, resolve
from chatbot.nlu.text import MAX_CHARS, Normalised, has_han, normalise


class EntityExtractor:
    def __init__(self, products: Iterable[str] = (), synonyms: Mapping[str, str] | None = None):
        self.gazetteer = Gazetteer(products, synonyms)
        self._phones = PhoneFinder()

    def spans(self, normal: Normalised) -> list[Span]:
        """The entities of normalised text, offsets into it."""
        text, folded = normal.text, normal.folded
        return resolve([
            *codes.emails(text),
            *orders.formats(text),
            *self._phones.phones(text, chinese=has_han(text)),
            *codes.skus(text, self.gazetteer.is_product_word),
            *postcodes.postcodes(text, folded),
            *orders.numbers(folded),
            *self.gazetteer.products(text, folded),
        ])

    def extract(self, text: str) -> list[dict[str, Any]]:
        normal = normalise(text[:MAX_CHARS])
        return [rasa_entity(span, normal) for span in self.spans(normal)]

    def canonical_words(self, text: str) -> list[str]:
        """Every known synonym surface in the text as its canonical value: what the actions
        match catalogue SKU words with (`T恤` → `tshirt`, `红色` → `red`, `medium` → `m`)."""
        return self.gazetteer.canonical_words(normalise(text[:MAX_CHARS]).folded)


def rasa_entity(span: Span, normal: Normalised) -> dict[str, Any]:
    start, end = normal.original_span(span.start, span.end)
    return {"entity": span.entity, "start": start, "end": end, "value": span.value, "extractor": span.extractor}
