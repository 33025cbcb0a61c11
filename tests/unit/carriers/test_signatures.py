"""Properties of every provider's proof, for any body and any secret: what the provider signs
verifies under either secret of a rotation; one changed byte, or a secret not held, does not.
UPS's credential and Shippo's URL token vouch for the sender, not the bytes."""

import unicodedata

import pytest
from hypothesis import assume, given, strategies as st

from oms.carriers import SignedRequest, adapter
from tests.unit.carriers import senders

BODY_SIGNERS = {
    "easypost": senders.easypost,
    "aftership": senders.aftership,
    "shippo": senders.shippo,
    "17track": senders.seventeen_track,
    "generic": senders.generic,
}
SENDER_PROOFS = {"ups": senders.ups, "shippo": senders.shippo_token}

secrets = st.text(min_size=1, max_size=40)
bodies = st.binary(min_size=1, max_size=400)


def distinct(provider: str, one: str, other: str) -> bool:
    """Two secrets the provider tells apart (EasyPost keys by the NFKD form)."""
    if provider == "easypost":
        return unicodedata.normalize("NFKD", one) != unicodedata.normalize("NFKD", other)
    return one != other


@pytest.mark.parametrize("provider", sorted(BODY_SIGNERS))
@given(body=bodies, secret=secrets, other=secrets, flip=st.integers(min_value=0), by=st.integers(1, 255))
def test_a_signed_body_verifies_under_a_rotation_and_no_changed_byte_or_other_secret_does(
        provider, body, secret, other, flip, by):
    assume(distinct(provider, secret, other))
    verify, sign = adapter(provider).verify, BODY_SIGNERS[provider]
    request = sign(secret, body)
    changed = bytearray(body)
    changed[flip % len(body)] ^= by

    assert verify([other, secret], request)
    assert not verify([other, secret], request.model_copy(update={"body": bytes(changed)}))
    assert not verify([other], request)


@pytest.mark.parametrize("provider", sorted(SENDER_PROOFS))
@given(body=bodies, secret=secrets, other=secrets)
def test_a_sender_proof_verifies_under_a_rotation_and_another_secret_does_not(provider, body, secret, other):
    assume(secret != other)
    request = SENDER_PROOFS[provider](secret, body)

    assert adapter(provider).verify([other, secret], request)
    assert not adapter(provider).verify([other], request)


HEADER_NAMES = st.sampled_from(["x-hmac-signature", "aftership-hmac-sha256", "shippo-auth-signature", "sign",
                                 "credential", "x-oms-signature"]) | st.text(max_size=30)


@pytest.mark.parametrize("provider", sorted(BODY_SIGNERS.keys() | SENDER_PROOFS.keys()))
@given(body=bodies, headers=st.dictionaries(HEADER_NAMES, st.text(max_size=80), max_size=3),
       query=st.dictionaries(st.just("token") | st.text(max_size=10), st.text(max_size=40), max_size=2))
def test_whatever_a_stranger_sends_is_refused_without_an_error(provider, body, headers, query):
    assert not adapter(provider).verify(["a-secret-no-stranger-holds"],
                                        SignedRequest(body=body, headers=headers, query=query))
