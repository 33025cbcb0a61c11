"""The file formats `oms import` reads: each turns lines of text into candidate orders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from infra.importing import canonical_csv, jsonl, shopify_export
from infra.importing.candidate import Candidate

Reader = Callable[[Iterable[str]], Iterator[Candidate]]

READERS: dict[str, Reader] = {
    "csv": canonical_csv.read,
    "jsonl": jsonl.read,
    "shopify-export": shopify_export.read,
}
