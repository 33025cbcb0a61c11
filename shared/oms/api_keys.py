"""API keys: stored only as digests, each naming the principal it stands for.

Keys are random and long, so a plain SHA-256 digest cannot be reversed or guessed;
a slow password hash would only cost every request time. During a rotation the old
and the new key are two digests naming the same principal.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from pydantic import ValidationError

from oms.principals import Principal


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parameter_name(keys_path: str, key: str) -> str:
    """Where a key's principal is kept in SSM Parameter Store: `<path>/<digest>`."""
    return f"{keys_path.rstrip('/')}/{key_digest(key)}"


def principal_for_key(key: str | None, registry: Mapping[str, str]) -> Principal | None:
    """The principal a key stands for, or None; `registry` maps digests to principals' JSON."""
    if not key:
        return None
    digest = key_digest(key)
    # Look the digest up by value comparison, not dict membership, so timing says nothing
    # about how close a guess came.
    for known, principal_json in registry.items():
        if hmac.compare_digest(known, digest):
            try:
                return Principal.model_validate_json(principal_json)
            except ValidationError:
                return None
    return None
