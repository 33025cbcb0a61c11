"""Words the training data names: products (its lookup table and product synonyms) and every
synonym's canonical value (`T恤` → `tshirt`, `红色` → `red`, `medium` → `m`).

Matching is dictionary look-ups, longest first, on lower-cased text: a Latin word must stand
on word edges ("cap" is not in "capital", "m" is not in "i'm"), may take a plural "s", and a
Han word may sit anywhere, because Chinese has no spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from chatbot.nlu.spans import PRODUCT, Span


def _latin(character: str) -> bool:
    """Part of a Latin word: what a Latin surface must not have on either side."""
    return character.isascii() and (character.isalnum() or character == "'")


class _Table:
    """Surfaces (lower-case) and what each stands for."""

    def __init__(self, values: Mapping[str, str]):
        self.values = dict(values)
        lengths: dict[str, set[int]] = {}
        for surface in self.values:
            lengths.setdefault(surface[0], set()).add(len(surface))
        # the lengths to try, longest first, by the surfaces' first character
        self._lengths = {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}

    def scan(self, folded: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, surface) of each match, leftmost and longest first, never overlapping."""
        position, size = 0, len(folded)
        while position < size:
            found = None
            if folded[position] in self._lengths and not (_latin(folded[position]) and position
                                                          and _latin(folded[position - 1])):
                found = self._longest_at(folded, position)
            if found is None:
                position += 1
                continue
            yield position, found[0], found[1]
            position = found[0]

    def _longest_at(self, folded: str, position: int) -> tuple[int, str] | None:
        size = len(folded)
        for length in self._lengths[folded[position]]:
            end = position + length
            surface = folded[position:end]
            if end > size or surface not in self.values:
                continue
            if not _latin(surface[-1]):
                return end, surface
            if len(surface) >= 3 and end < size and folded[end] == "s":
                end += 1
            if end == size or not _latin(folded[end]):
                return end, surface
        return None


class Gazetteer:
    def __init__(self, products: Iterable[str] = (), synonyms: Mapping[str, str] | None = None):
        """`products`: product surfaces; `synonyms`: surface -> canonical value."""
        self._synonyms = {surface.lower(): value for surface, value in (synonyms or {}).items()}
        self._products = _Table({surface.lower(): surface.lower() for surface in products})
        canonical = {value.lower(): value for value in self._synonyms.values()}
        self._canonical = _Table({**canonical, **self._synonyms})

    def is_product_word(self, word: str) -> bool:
        return word in self._products.values

    def products(self, text: str, folded: str) -> Iterator[Span]:
        for start, end, surface in self._products.scan(folded):
            # A canonical value stands for itself: "Hoodies" is the product `hoodie`.
            value = self._canonical.values.get(surface) or text[start:end]
            yield Span("product", start, end, value, "lookup", PRODUCT)

    def canonical_words(self, folded: str) -> list[str]:
        """Each synonym surface or canonical value in the text, as its canonical value, once."""
        found = (self._canonical.values[surface] for _, _, surface in self._canonical.scan(folded))
        return list(dict.fromkeys(found))
