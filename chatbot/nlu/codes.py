"""Emails and SKUs: codes with a shape of their own."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from chatbot.nlu.spans import EMAIL, SKU, Span

# ASCII look-arounds, not `\w`: "我的邮箱是abc@example.com谢谢" has Han characters on both sides.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# Catalogue SKUs: TSHIRT-RED-M, CAP-BLU, SHOE-WHITE-42.
_SKU = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{2,}(?:-[A-Za-z0-9]+)+(?![A-Za-z0-9-])")


def emails(text: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        yield Span("email", match.start(), match.end(), match.group(), "regex", EMAIL)


def skus(text: str, is_product_word: Callable[[str], bool]) -> Iterator[Span]:
    """Upper-case codes as the catalogue writes them; customers also type them in lower case,
    where only a digit or a product word first ("tshirt-red-m") tells a SKU from a hyphenated
    word ("out-of-stock", "follow-up")."""
    for match in _SKU.finditer(text):
        code = match.group()
        if code.isupper() or any(character.isdigit() for character in code) \
                or is_product_word(code.split("-", 1)[0].lower()):
            yield Span("sku", match.start(), match.end(), code.upper(), "regex", SKU)
