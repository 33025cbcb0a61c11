"""Customer PII at rest: each field encrypted under a KMS data key, looked up by keyed hash.

Why a KMS data key with AES-GCM rather than the AWS Encryption SDK (powertools data
masking): the SDK's message carries its own encrypted data key, ~400 bytes per field,
and its import costs more than this whole function's cold start budget. Here an order
stores its encrypted data key once and each field costs 28 bytes (nonce and tag). The
data key is reused for a while, as the SDK's caching materials manager would, so a
write needs no KMS call most of the time, and a read of a recent order none either.

Each ciphertext is bound to its order and field (AES-GCM associated data), so a value
copied into another order or field does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# The street-level parts of an address identify a person; city, region, postal code and
# country stay in clear because sourcing and reports need them without decrypt rights.
PII_FIELDS: tuple[tuple[str, str], ...] = (
    ("customer", "name"),
    ("customer", "email"),
    ("customer", "phone"),
    *((address, field) for address in ("shipping_address", "billing_address")
      for field in ("name", "company", "line1", "line2")),
)
ENCRYPTION_CONTEXT = {"purpose": "oms-customer-pii"}
ERASED = "[erased]"
_TOKEN_PREFIX = "enc:v1:"


class DataKeys:
    """KMS envelope keys: one current data key for sealing, a cache of opened ones.

    A data key seals for at most `max_age_seconds` and `max_uses` orders, the limits the
    Encryption SDK's caching manager also applies, then a new one is generated.
    """

    def __init__(self, kms: Any, key_id: str, max_age_seconds: float = 300, max_uses: int = 10_000,
                 cache_size: int = 256, clock: Callable[[], float] = time.monotonic):
        self._kms, self._key_id = kms, key_id
        self._max_age, self._max_uses, self._clock = max_age_seconds, max_uses, clock
        self._current: tuple[bytes, bytes] | None = None
        self._current_since, self._current_uses = 0.0, 0
        self._opened: OrderedDict[bytes, bytes] = OrderedDict()
        self._cache_size = cache_size

    def for_sealing(self) -> tuple[bytes, bytes]:
        """(plaintext key, encrypted key) to seal one order with."""
        expired = self._clock() - self._current_since > self._max_age or self._current_uses >= self._max_uses
        if self._current is None or expired:
            generated = self._kms.generate_data_key(
                KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=ENCRYPTION_CONTEXT
            )
            self._current = (generated["Plaintext"], generated["CiphertextBlob"])
            self._current_since, self._current_uses = self._clock(), 0
            self._remember(generated["CiphertextBlob"], generated["Plaintext"])
        self._current_uses += 1
        return self._current

    def for_opening(self, encrypted_key: bytes) -> bytes:
        if encrypted_key in self._opened:
            self._opened.move_to_end(encrypted_key)
            return self._opened[encrypted_key]
        plaintext = self._kms.decrypt(CiphertextBlob=encrypted_key, EncryptionContext=ENCRYPTION_CONTEXT)["Plaintext"]
        self._remember(encrypted_key, plaintext)
        return plaintext

    def _remember(self, encrypted_key: bytes, plaintext: bytes) -> None:
        self._opened[encrypted_key] = plaintext
        while len(self._opened) > self._cache_size:
            self._opened.popitem(last=False)


class CustomerHashes:
    """Keyed hashes of contact details: lookups work, and the table never holds the clear value.

    An unkeyed hash of an email can be reversed by hashing a list of emails; the key,
    kept in SSM, makes that impossible for whoever only has the table.
    """

    def __init__(self, secret: Callable[[], bytes]):
        self._secret = secret  # fetched on first use, so reading orders needs no secret

    def email(self, email: str) -> str:
        return self._digest("email", email.strip().lower())

    def phone(self, phone: str) -> str:
        return self._digest("phone", phone.strip())

    def conversation(self, statement: str) -> str:
        """Signs what a chat conversation was verified for (oms.verification): keyed like the
        hashes, so only the stage's functions can sign or check it."""
        return self._digest("conversation", statement)

    def address(self, line1: str, postal_code: str | None, country: str) -> str:
        """Of the street address, as a blocklist names one: case and spacing do not count."""
        parts = (" ".join(line1.lower().split()), "".join((postal_code or "").lower().split()), country.upper())
        return self._digest("address", "|".join(parts))

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._secret(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


class PiiVault:
    """Seals an order's PII fields for storage and opens them for an authorised reader."""

    def __init__(self, keys: DataKeys, hashes: CustomerHashes):
        self._keys, self._hashes = keys, hashes

    def seal(self, order_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """A copy of the order's attributes with PII encrypted and lookup hashes added."""
        sealed = {name: dict(value) if isinstance(value, dict) else value for name, value in attributes.items()}
        # Marketplaces hide the buyer's email, tills sell to no one in particular: hash what there is.
        customer = sealed.get("customer") or {}
        if customer.get("email"):
            customer["email_hash"] = self._hashes.email(customer["email"])
        if customer.get("phone"):
            customer["phone_hash"] = self._hashes.phone(customer["phone"])
        plaintext_key, encrypted_key = self._keys.for_sealing()
        cipher = AESGCM(plaintext_key)
        for part, field in PII_FIELDS:
            value = (sealed.get(part) or {}).get(field)
            if isinstance(value, str) and value != ERASED:
                nonce = os.urandom(12)
                token = nonce + cipher.encrypt(nonce, value.encode(), _bound_to(order_id, part, field))
                sealed[part][field] = _TOKEN_PREFIX + base64.b64encode(token).decode()
        sealed["pii_key"] = encrypted_key
        return sealed

    def open(self, order_id: str, sealed: dict[str, Any]) -> dict[str, Any]:
        """The attributes with PII decrypted and the stored-only fields dropped."""
        opened = {name: dict(value) if isinstance(value, dict) else value
                  for name, value in sealed.items() if name != "pii_key"}
        for hash_field in ("email_hash", "phone_hash"):
            (opened.get("customer") or {}).pop(hash_field, None)
        encrypted_key = sealed.get("pii_key")
        if encrypted_key is None:
            return opened
        cipher = AESGCM(self._keys.for_opening(bytes(encrypted_key)))
        for part, field in PII_FIELDS:
            value = (opened.get(part) or {}).get(field)
            if isinstance(value, str) and value.startswith(_TOKEN_PREFIX):
                token = base64.b64decode(value[len(_TOKEN_PREFIX):])
                plaintext = cipher.decrypt(token[:12], token[12:], _bound_to(order_id, part, field))
                opened[part][field] = plaintext.decode()
        return opened

    def email_hash(self, email: str) -> str:
        return self._hashes.email(email)

    def phone_hash(self, phone: str) -> str:
        return self._hashes.phone(phone)

    def conversation_signature(self, statement: str) -> str:
        return self._hashes.conversation(statement)

    def address_hash(self, line1: str, postal_code: str | None, country: str) -> str:
        return self._hashes.address(line1, postal_code, country)


def opening_vault(kms: Any, key_id: str) -> PiiVault:
    """A vault that opens what is sealed and can neither seal nor hash: for functions whose
    key grants Decrypt alone (a location reading its open picks)."""

    def no_secret() -> bytes:
        raise PermissionError("this function opens personal data; it does not seal or look it up")

    return PiiVault(DataKeys(kms, key_id), CustomerHashes(no_secret))


def _bound_to(order_id: str, part: str, field: str) -> bytes:
    return f"{order_id}|{part}.{field}".encode()


def mask_email(email: str) -> str:
    """`j***@example.com`: enough for a person to recognise, too little to contact."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain.lower()}" if domain else "***"


def erase(sealed: dict[str, Any]) -> dict[str, Any]:
    """What an erased order keeps: no customer, no street, no hashes; places and money stay."""
    kept = {name: dict(value) if isinstance(value, dict) else value
            for name, value in sealed.items() if name not in ("customer", "pii_key")}
    for address in ("shipping_address", "billing_address"):
        if kept.get(address):
            for field in ("name", "company", "line2"):
                kept[address].pop(field, None)
            kept[address]["line1"] = ERASED
    return kept
