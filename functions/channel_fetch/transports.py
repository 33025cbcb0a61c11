"""HTTPS to the channels' APIs: the transports the pure clients in oms.channels take."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from oms.channels.amazon_client import SpApiError, Throttled

_TIMEOUT_SECONDS = 10
SQUARE_API = "https://connect.squareup.com"
SQUARE_VERSION = "2025-10-16"
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


def square_transport(credentials: dict[str, str]):
    """Square's API with the seller's access token; answers `errors` bodies as they come."""

    def transport(method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(SQUARE_API + path, method=method, headers={
            "Authorization": f"Bearer {credentials['access_token']}",
            "Square-Version": SQUARE_VERSION,
            "Accept": "application/json",
        })
        return _json(request, ChannelUnreachable)

    return transport


class AmazonTransport:
    """SP-API with a Login with Amazon access token, refreshed a minute before it expires."""

    def __init__(self, credentials: dict[str, Any]):
        self._credentials = credentials
        self._token, self._expires = "", 0.0

    def __call__(self, method: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        url = self._credentials["endpoint"].rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, method=method, headers={
            "x-amz-access-token": self._access_token(), "Accept": "application/json",
        })
        try:
            return _json(request, SpApiError)
        except urllib.error.HTTPError as error:
            if error.code == 429:
                limit = error.headers.get("x-amzn-RateLimit-Limit")
                raise Throttled(float(limit) if limit else None) from None
            raise

    def _access_token(self) -> str:
        if time.monotonic() < self._expires - 60:
            return self._token
        body = urllib.parse.urlencode({
            "grant_type": "refresh_token",
            "refresh_token": self._credentials["refresh_token"],
            "client_id": self._credentials["client_id"],
            "client_secret": self._credentials["client_secret"],
        }).encode()
        answer = _json(urllib.request.Request(LWA_TOKEN_URL, data=body, method="POST"), SpApiError)
        self._token, self._expires = answer["access_token"], time.monotonic() + int(answer["expires_in"])
        return self._token


class ChannelUnreachable(RuntimeError):
    """The channel's API answered without a JSON body (a timeout, an outage page)."""


def _json(request: urllib.request.Request, failure: type[Exception]) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise
        try:
            return json.loads(error.read())  # the APIs describe a 4xx/5xx in an `errors` body
        except ValueError:
            raise failure(f"HTTP {error.code} from {request.full_url.split('?')[0]}") from None
