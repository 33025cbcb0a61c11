"""The providers' side of a push, for the tests: their documented payloads, and each one's proof
written from its own docs (not from the adapters), so a test signs as the provider does."""

import base64
import hashlib
import hmac
import json
import unicodedata
from pathlib import Path

from oms import signing
from oms.carriers import SignedRequest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"


def fixture(provider: str, name: str) -> dict:
    return json.loads(raw(provider, name))


def raw(provider: str, name: str) -> bytes:
    return (FIXTURES / provider / name).read_bytes()


def easypost(secret: str, body: bytes) -> SignedRequest:
    key = unicodedata.normalize("NFKD", secret).encode()
    return SignedRequest(body=body, headers={"x-hmac-signature": "hmac-sha256-hex="
                                             + hmac.new(key, body, hashlib.sha256).hexdigest()})


def aftership(secret: str, body: bytes) -> SignedRequest:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return SignedRequest(body=body, headers={"aftership-hmac-sha256": base64.b64encode(digest).decode()})


def shippo(secret: str, body: bytes, timestamp: int = 1688493073) -> SignedRequest:
    """As Shippo's docs check it: `echo -n "${timestamp}.${payload}" | openssl dgst -sha256 -hmac "${secret}"`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return SignedRequest(body=body, headers={"shippo-auth-signature": f"t={timestamp},v1={digest}"})


def shippo_token(secret: str, body: bytes) -> SignedRequest:
    return SignedRequest(body=body, query={"token": secret})


def seventeen_track(secret: str, body: bytes) -> SignedRequest:
    return SignedRequest(body=body, headers={"sign": hashlib.sha256(body + b"/" + secret.encode()).hexdigest()})


def ups(secret: str, body: bytes) -> SignedRequest:
    return SignedRequest(body=body, headers={"credential": secret})


def generic(secret: str, body: bytes) -> SignedRequest:
    return SignedRequest(body=body, headers={"x-oms-signature": signing.signature([secret], body)})
