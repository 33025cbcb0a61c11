"""Proposal ids: the same run day, kind, SKU or supplier and locations give the same id, so a rerun
of a day overwrites its proposals instead of adding to them."""

from __future__ import annotations

import hashlib
import re
from datetime import date

_MAX_READABLE = 80  # of the 120 characters the id may have after its prefix
_NOT_ID = re.compile(r"[^0-9a-z]+")


def proposal_id(prefix: str, run_on: date, *parts: str) -> str:
    """`trp_` or `pup_`, the day, the parts made readable, and a digest of the parts as given.
    Readable parts alone could collide (`MUG_1` and `MUG.1` read alike, a long SKU is cut short,
    `-` also joins location ids); the digest keeps them apart."""
    digest = hashlib.sha256("\x1f".join((prefix, run_on.isoformat(), *parts)).encode()).hexdigest()[:16]
    readable = "-".join(_NOT_ID.sub("-", part.lower()).strip("-") for part in parts)[:_MAX_READABLE].strip("-")
    return f"{prefix}_{run_on:%Y%m%d}-{readable}-{digest}" if readable else f"{prefix}_{run_on:%Y%m%d}-{digest}"
