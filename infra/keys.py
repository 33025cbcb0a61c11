"""`oms keys`: issue, rotate, revoke and list a stage's API keys, straight in SSM, with no deploy.

Only a key's digest is ever stored (oms.api_keys); the key itself exists once, in the
operator's terminal, and then only in the client it is handed to.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from oms.api_keys import key_digest, parameter_name
from oms.principals import Principal

# Recognisable, so a leaked key can be found by secret scanners and grep: oms_[A-Za-z0-9_-]{43}.
KEY_PREFIX = "oms_"
SHORT_DIGEST_LENGTH = 12
# Fewer hex digits than this would let a typo revoke some other key that happens to match.
MIN_DIGEST_PREFIX_LENGTH = 8
# A revoked key keeps working until both caches have expired: the authorizer's registry
# (REGISTRY_MAX_AGE_SECONDS in functions/authorizer) and API Gateway's verdicts
# (ReauthorizeEvery in template.yaml).
REGISTRY_CACHE_SECONDS = 60
VERDICT_CACHE_SECONDS = 300
REVOCATION_DELAY = (
    f"~{math.ceil((REGISTRY_CACHE_SECONDS + VERDICT_CACHE_SECONDS) / 60)} minutes "
    f"(the authorizer's {REGISTRY_CACHE_SECONDS} s registry cache + API Gateway's {VERDICT_CACHE_SECONDS} s cache)"
)
# The option each Principal field comes from, so an error names what the operator typed.
_OPTIONS = {"kind": "--kind", "channel": "--channel", "location_id": "--location"}
_DIGEST_PREFIX = re.compile(r"[0-9a-f]+")


class KeyCommandError(Exception):
    """Bad input to `oms keys`; the message is the one line the operator sees."""


@dataclass(frozen=True)
class StoredKey:
    parameter: str
    principal: Principal | None  # None when the parameter's value is not a valid principal
    created: datetime

    @property
    def digest(self) -> str:
        return self.parameter.rsplit("/", 1)[-1]

    @property
    def short_digest(self) -> str:
        return self.digest[:SHORT_DIGEST_LENGTH]

    @property
    def principal_name(self) -> str:
        return self.principal.name if self.principal else "(not a valid principal)"

    def describe(self) -> str:
        return f"{self.short_digest}  {self.principal_name:<24}  {_timestamp(self.created)}"


@dataclass(frozen=True)
class IssuedKey:
    key: str  # shown to the operator once; never stored
    stored: StoredKey


def keys_path(stage: str) -> str:
    """The stage's key registry, as template.yaml gives it to the authorizer."""
    return f"/oms/{stage}/api-keys"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def principal_of(kind: str, channel: str | None = None, location: str | None = None,
                 shop: str | None = None) -> Principal:
    try:
        return Principal.model_validate({"kind": kind, "channel": channel, "location_id": location, "shop": shop})
    except ValidationError as error:
        raise KeyCommandError(f"invalid principal: {_one_line(error)}") from None


def store_key(ssm, keys_path: str, key: str, principal: Principal) -> StoredKey:
    """Stores the key's digest as naming the principal; refuses to repoint a key already stored."""
    stored = StoredKey(parameter_name(keys_path, key), principal, datetime.now(UTC))
    ssm.put_parameter(
        Name=stored.parameter,
        Value=principal.model_dump_json(exclude_none=True),
        Type="SecureString",
        # For whoever finds the parameter in the console: whose key it is, and since when.
        Description=f"API key for {principal.name}, created {_timestamp(stored.created)}",
    )
    return stored


def create_key(ssm, keys_path: str, principal: Principal) -> IssuedKey:
    key = new_key()
    return IssuedKey(key, store_key(ssm, keys_path, key, principal))


def rotate_key(ssm, keys_path: str, reference: str) -> tuple[StoredKey, IssuedKey]:
    """A new key for the principal of the referenced one, which stays valid until revoked."""
    old = find_key(stored_keys(ssm, keys_path), reference)
    if old.principal is None:
        raise KeyCommandError(f"key {old.short_digest} names no valid principal: create a new key instead")
    return old, create_key(ssm, keys_path, old.principal)


def revoke_key(ssm, keys_path: str, reference: str) -> StoredKey:
    revoked = find_key(stored_keys(ssm, keys_path), reference)
    ssm.delete_parameter(Name=revoked.parameter)
    return revoked


def stored_keys(ssm, keys_path: str) -> list[StoredKey]:
    """Every key the authorizer accepts (and any it would reject as malformed), oldest first."""
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=keys_path, WithDecryption=True)
    stored = [
        StoredKey(parameter["Name"], _principal_or_none(parameter["Value"]), parameter["LastModifiedDate"])
        for page in pages
        for parameter in page["Parameters"]
    ]
    return sorted(stored, key=lambda key: (key.created, key.digest))


def find_key(stored: Sequence[StoredKey], reference: str) -> StoredKey:
    """The stored key that `reference` names: the key itself, its digest or a unique digest prefix."""
    digest = key_digest(reference)
    matches = [key for key in stored if key.digest == digest]
    if not matches and _DIGEST_PREFIX.fullmatch(reference):
        if len(reference) < MIN_DIGEST_PREFIX_LENGTH:
            raise KeyCommandError(f"give at least {MIN_DIGEST_PREFIX_LENGTH} hex digits of the digest")
        matches = [key for key in stored if key.digest.startswith(reference)]
    if len(matches) > 1:
        candidates = ", ".join(key.short_digest for key in matches)
        raise KeyCommandError(f"digest prefix {reference} is ambiguous ({candidates}): give more of the digest")
    if not matches:
        # Never echo the reference back: it may be a key, and error output ends up in CI logs.
        raise KeyCommandError("no stored API key matches that key or digest (see `oms keys list`)")
    return matches[0]


def _principal_or_none(value: str) -> Principal | None:
    try:
        return Principal.model_validate_json(value)
    except ValidationError:
        return None


def _one_line(error: ValidationError) -> str:
    return "; ".join(
        f"{_OPTIONS.get(detail['loc'][0], detail['loc'][0])}: {detail['msg']}"
        if detail["loc"]
        else detail["msg"].removeprefix("Value error, ")
        for detail in error.errors()
    )


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
