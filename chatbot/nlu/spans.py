"""Entities found in normalised text, and which of two that overlap is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

# Lower wins an overlap. A pattern that can only be one thing (an email, our `ord_` ids,
# Amazon's and Shopify's order numbers) beats phonenumbers' reading of the same digits; a
# phone beats a SKU-like or postcode-like run; a bare number is an order only when nothing
# else claimed it; product words lose to every code they appear inside (`TSHIRT-RED-M`).
EMAIL, ORDER_FORMAT, PHONE, SKU, POSTCODE, ORDER_NUMBER, PRODUCT = range(7)


class Span(NamedTuple):
    """Offsets into the normalised text (end exclusive); `value` is what the actions use."""

    entity: str
    start: int
    end: int
    value: str
    extractor: str
    priority: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def resolve(candidates: Iterable[Span]) -> list[Span]:
    """The non-overlapping spans, by priority then length, in text order."""
    ranked = sorted(candidates, key=lambda span: (span.priority, span.start - span.end, span.start))
    taken = bytearray(max((span.end for span in ranked), default=0))  # 1 where a kept span is
    kept: list[Span] = []
    for span in ranked:
        if taken.find(1, span.start, span.end) < 0:
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def replaced(text: str, spans: Iterable[Span], by: Callable[[Span], str]) -> str:
    """The text with each span (in text order, not overlapping) replaced by `by(span)`."""
    parts, position = [], 0
    for span in spans:
        parts += [text[position:span.start], by(span)]
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
