"""Text as the NLU reads it: normalised, with offsets back to what the customer wrote, and its
language.

Customers type full-width digits and letters on Chinese keyboards (`１００１`, `ｏｒｄｅｒ`) and mix
English words into Chinese sentences without spaces, so everything here works character by
character and never relies on `\\b` (Han characters are `\\w`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Longer messages are cut here: nothing a customer means to ask sits past a page of text,
# and the cut keeps every parse within its time budget.
MAX_CHARS = 2000

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHARACTER = re.compile(f"[{HAN}]")
# Latin words that are language, not codes: a run glued to digits, `_` or `@` is part of an
# order id, SKU or email and says nothing about the language the customer writes in.
_LATIN_WORD = re.compile(r"(?<![0-9_@])[A-Za-z\u00c0-\u024f]+(?![0-9_@])")

# A message is Chinese when Han characters are at least this share of its letters. Customers who
# write Chinese mix in English freely and often add a single character ("thx亲", "能cancel吗",
# "我要talk to a real person"); the English-speaking ones in the training data never type Han
# at all. Tuned on data/nlu.yml: from 0.3 down to 0.1 every step finds more of the Chinese writers
# and none of the English ones; what is left, a Chinese name in an English sentence, stays English.
ZH_SHARE = 0.1


class Normalised(NamedTuple):
    """`text` is NFKC (full-width forms become ASCII) in the customer's case; `folded` is the
    same text lower-cased, character for character, so offsets into either are the same.
    `origin[i]` is where `text[i]` came from in what the customer wrote."""

    text: str
    folded: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets into the original text of `text[start:end]` (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    if text.isascii():
        return Normalised(text, text.lower(), tuple(range(len(text))))
    chars: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        # One character at a time, so every output character knows its source; a ligature
        # that becomes two letters maps both to the one it came from.
        for normal in unicodedata.normalize("NFKC", character):
            chars.append(normal)
            origin.append(index)
    normal_text = "".join(chars)
    folded = "".join(lower if len(lower := character.lower()) == 1 else character for character in chars)
    return Normalised(normal_text, folded, tuple(origin))


def has_han(text: str) -> bool:
    return _HAN_CHARACTER.search(text) is not None


def language_of(text: str) -> str:
    """"zh" or "en": Chinese when Han characters make up enough of the letters. A message
    without letters (a number, an email) is "en"; a dialogue may keep the language it had."""
    normal = unicodedata.normalize("NFKC", text)
    han = len(_HAN_CHARACTER.findall(normal))
    if not han:
        return "en"
    latin = sum(len(word) for word in _LATIN_WORD.findall(normal))
    return "zh" if han / (han + latin) >= ZH_SHARE else "en"


def reply_language(message: dict, kept: str | None) -> str:
    """The language of the customer's own words in a parsed message; one without words of its
    own (an order number, an email, a button, an "ok") keeps the one they were using."""
    kept = kept if kept in ("en", "zh") else "en"
    text = message.get("text") or ""
    if text.strip().startswith("/"):
        return kept
    own = list(text)
    for entity in message.get("entities") or []:
        if isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
            own[entity["start"]:entity["end"]] = " " * (entity["end"] - entity["start"])
    words = "".join(own).strip()
    if language_of(words) == "zh":
        return "zh"
    if len(words) <= 2 or not any(character.isalpha() for character in words):
        return kept
    return "en"
