"""Where a page of a listing stopped, as the opaque `after` a caller sends back for the next one."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from pydantic import AfterValidator


def encode(last_key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode() if last_key else None


def decode(after: str) -> dict[str, dict[str, str]]:
    """The key a page stopped at; ValueError when `after` is not one this store wrote."""
    try:
        key = json.loads(base64.urlsafe_b64decode(after.encode("ascii")))
    except (UnicodeError, binascii.Error, json.JSONDecodeError) as error:
        raise ValueError("not a cursor this API returned") from error
    if not (isinstance(key, dict) and key and all(
            isinstance(value, dict) and len(value) == 1 and all(isinstance(v, str) for v in value.values())
            for value in key.values())):
        raise ValueError("not a cursor this API returned")
    return key


def _checked(after: str) -> str:
    decode(after)
    return after


# A query parameter that must be a cursor: a malformed one is the caller's error, named, not a 500.
Cursor = Annotated[str, AfterValidator(_checked)]
