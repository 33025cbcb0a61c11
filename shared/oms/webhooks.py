"""Webhook signatures: a provider proves a body is its own with an HMAC over the raw bytes.

Shopify (X-Shopify-Hmac-Sha256), WooCommerce (X-WC-Webhook-Signature) and Square
(x-square-hmacsha256-signature, over the notification URL then the body) send base64
HMAC-SHA256; others send hex. The check runs on the raw body as received: re-serialised
JSON would not match. Comparison is constant-time, so timing reveals nothing of the
expected signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from oms.channels import WebhookSignature

Encoding = Literal["base64", "hex"]


def signature(secret: str, signed: bytes, encoding: Encoding = "base64") -> str:
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return base64.b64encode(digest).decode() if encoding == "base64" else digest.hex()


def is_signed_by(secrets: list[str], signed: bytes, presented: str | None, encoding: Encoding = "base64") -> bool:
    """True when any current secret signs `signed` as presented; several during a rotation."""
    if not presented:
        return False
    presented = presented.strip() if encoding == "base64" else presented.strip().lower()
    # As bytes: compare_digest refuses a str with anything but ASCII, which a forger may send.
    given = presented.encode()
    matches = [hmac.compare_digest(signature(secret, signed, encoding).encode(), given) for secret in secrets]
    return any(matches)  # every secret is tried, so the time taken does not say which matched


def verify(scheme: WebhookSignature, secrets: list[str], url: str, body: bytes, headers: dict[str, str]) -> bool:
    """Whether the request carries the channel's signature of exactly these bytes."""
    presented = next((value for name, value in headers.items() if name.lower() == scheme.header.lower()), None)
    signed = url.encode() + body if scheme.url_then_body else body
    return is_signed_by(secrets, signed, presented, scheme.encoding)  # type: ignore[arg-type]
