"""Webhook signatures over the raw body, with rotation, in the providers' encodings."""

import base64
import hashlib
import hmac

import pytest

from oms.signing import verify
from oms.webhooks import is_signed_by, signature

BODY = b'{"id":820982911946154508,"email":"jon@example.com"}'


def test_a_shopify_style_signature_is_base64_hmac_sha256_of_the_raw_body():
    expected = base64.b64encode(hmac.new(b"shpss_secret", BODY, hashlib.sha256).digest()).decode()

    assert signature("shpss_secret", BODY) == expected
    assert is_signed_by(["shpss_secret"], BODY, expected)


def test_hex_signatures_are_accepted_in_either_case():
    presented = hmac.new(b"secret", BODY, hashlib.sha256).hexdigest().upper()

    assert is_signed_by(["secret"], BODY, presented, encoding="hex")


def test_during_a_rotation_the_old_and_the_new_secret_both_verify():
    assert is_signed_by(["new", "old"], BODY, signature("old", BODY))


@pytest.mark.parametrize(
    "presented",
    [None, "", signature("wrong-secret", BODY), signature("secret", BODY + b" "), "not base64 at all",
     "forgé", "签名"],  # not ASCII: refused, not a fault
)
def test_anything_but_the_right_signature_of_these_exact_bytes_fails(presented):
    assert not is_signed_by(["secret"], BODY, presented)


def test_our_own_signature_header_with_anything_but_ascii_is_refused_not_a_fault():
    assert not verify("secret", BODY, "sha256=签名")
