"""Signing what the OMS pushes to a location: HMAC-SHA256 over the raw body, hex.

`X-OMS-Signature: sha256=<hex>`, one entry per current secret (two while a secret is being
rotated, newest first), so a receiver that holds either accepts the request. Receivers
compare in constant time; `verify` is what they do.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-OMS-Signature"
_SCHEME = "sha256="


def signature(secrets: list[str], body: bytes) -> str:
    return ", ".join(_SCHEME + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest() for secret in secrets)


def verify(secret: str, body: bytes, header: str | None) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = [part.strip().removeprefix(_SCHEME) for part in (header or "").split(",") if part.strip().startswith(_SCHEME)]
    # As bytes: compare_digest refuses a str with anything but ASCII, which a forger may send.
    return any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in given)
