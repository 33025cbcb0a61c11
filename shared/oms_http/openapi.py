"""The API's contract as served: the OpenAPI document `python -m infra.openapi` generates into
the layer beside this module."""

from __future__ import annotations

import functools
from pathlib import Path

DOCUMENT = Path(__file__).with_name("openapi.json")


@functools.cache
def document() -> str:
    """Read on the first request, not at load: the inventory routes never need it."""
    return DOCUMENT.read_text(encoding="utf-8")
