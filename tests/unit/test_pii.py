"""Sealing and opening customer PII: encrypted per field, bound to its place, keys reused within limits."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from oms.pii import ENCRYPTION_CONTEXT, ERASED, CustomerHashes, DataKeys, PiiVault, erase, mask_email


class InMemoryKms:
    """GenerateDataKey / Decrypt as KMS answers them, counting the calls."""

    def __init__(self):
        self.keys: dict[bytes, bytes] = {}
        self.calls: list[str] = []

    def generate_data_key(self, KeyId, KeySpec, EncryptionContext):
        assert (KeySpec, EncryptionContext) == ("AES_256", ENCRYPTION_CONTEXT)
        self.calls.append("GenerateDataKey")
        plaintext, blob = os.urandom(32), os.urandom(64)
        self.keys[blob] = plaintext
        return {"Plaintext": plaintext, "CiphertextBlob": blob}

    def decrypt(self, CiphertextBlob, EncryptionContext):
        assert EncryptionContext == ENCRYPTION_CONTEXT
        self.calls.append("Decrypt")
        return {"Plaintext": self.keys[CiphertextBlob]}


ORDER = {
    "order_id": "ord_1",
    "customer": {"name": "Ada Lovelace", "email": "Ada@Example.com", "phone": "+14155550100"},
    "shipping_address": {"line1": "1 Main St", "line2": "Apt 2", "city": "San Francisco",
                         "postal_code": "94107", "country": "US"},
    "total": "48.18",
}
CLEAR_VALUES = ("Ada Lovelace", "Ada@Example.com", "+14155550100", "1 Main St", "Apt 2")


@pytest.fixture
def kms():
    return InMemoryKms()


def vault_with(kms, clock=lambda: 0.0, max_uses=10_000) -> PiiVault:
    return PiiVault(DataKeys(kms, "alias/pii", max_uses=max_uses, clock=clock), CustomerHashes(lambda: b"secret"))


def test_sealing_leaves_no_clear_pii_and_opening_restores_it(kms):
    vault = vault_with(kms)

    sealed = vault.seal("ord_1", ORDER)

    assert not any(value in repr(sealed) for value in CLEAR_VALUES)
    assert sealed["shipping_address"]["city"] == "San Francisco"  # sourcing needs it
    assert vault.open("ord_1", sealed) == ORDER


def test_lookup_hashes_are_keyed_and_ignore_the_case_of_an_email(kms):
    sealed = vault_with(kms).seal("ord_1", ORDER)

    assert sealed["customer"]["email_hash"] == CustomerHashes(lambda: b"secret").email("ada@example.com")
    assert sealed["customer"]["email_hash"] != CustomerHashes(lambda: b"other").email("ada@example.com")


def test_a_ciphertext_moved_to_another_order_or_field_does_not_open(kms):
    vault = vault_with(kms)
    sealed = vault.seal("ord_1", ORDER)

    with pytest.raises(InvalidTag):
        vault.open("ord_2", sealed)
    swapped = {**sealed, "customer": {**sealed["customer"], "name": sealed["customer"]["email"]}}
    with pytest.raises(InvalidTag):
        vault.open("ord_1", swapped)


def test_one_data_key_seals_many_orders_until_its_limits(kms):
    now = [0.0]
    vault = vault_with(kms, clock=lambda: now[0], max_uses=3)

    for _ in range(3):
        vault.seal("ord_1", ORDER)
    assert kms.calls == ["GenerateDataKey"]

    vault.seal("ord_1", ORDER)  # the fourth use takes a new key
    now[0] += 301
    vault.seal("ord_1", ORDER)  # so does age
    assert kms.calls == ["GenerateDataKey"] * 3


def test_opening_asks_kms_once_per_data_key(kms):
    writer, reader = vault_with(kms), vault_with(InMemoryKms())
    reader._keys._kms = kms  # the reader is another container of the same function
    sealed = [writer.seal("ord_1", ORDER) for _ in range(5)]
    kms.calls.clear()

    for order in sealed:
        reader.open("ord_1", order)

    assert kms.calls == ["Decrypt"]


def test_erasure_keeps_places_and_money_and_drops_the_person(kms):
    erased = erase(vault_with(kms).seal("ord_1", ORDER))

    assert "customer" not in erased and "pii_key" not in erased
    assert erased["shipping_address"] == {"line1": ERASED, "city": "San Francisco", "postal_code": "94107",
                                          "country": "US"}
    assert erased["total"] == "48.18"


@pytest.mark.parametrize(("email", "masked"), [("jane@example.com", "j***@example.com"), ("nonsense", "***")])
def test_a_masked_email_shows_its_first_letter_and_domain_only(email, masked):
    assert mask_email(email) == masked
