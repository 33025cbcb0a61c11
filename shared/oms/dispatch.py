"""Telling a location about a pick: the request, signed, pushed to its webhook.

The request is made from the shipment as it is when it is sent, so a shipment cancelled or
rejected before its request goes out is not sent at all, and a location with no webhook
pulls its picks instead (GET /shipments). A push that fails is retried by the queue, each
time later (`retry_delay`), and lands in the dead-letter queue after the last try.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from oms import signing
from oms.lifecycle import OPEN
from oms.models import Order, utc_iso
from oms.picks import pick_of

EVENT = "pick.requested"
TIMEOUT_SECONDS = 10
LONGEST_RETRY_SECONDS = 900


class PickRequest(BaseModel):
    """One message of the fulfilment queue: which shipment's location to tell."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shipment_id: str
    order_id: str
    location_id: str


class Outcome(StrEnum):
    DELIVERED = "delivered"
    PULLED = "pulled"  # the location has no webhook: it lists its picks itself
    CLOSED = "closed"  # the shipment was cancelled or rejected before its request went out


class PushFailed(Exception):
    """The location's webhook did not take the request; the queue tries again later."""


@dataclass(frozen=True)
class Push:
    url: str
    body: bytes
    headers: dict[str, str]


# (url, body, headers) -> HTTP status; tests and the local stack put their own behind it.
Transport = Callable[[str, bytes, dict[str, str]], int]


def push_for(order: Order, shipment_id: str, url: str, secrets: list[str], now: datetime) -> Push:
    shipment = next(s for s in order.shipments if s.shipment_id == shipment_id)
    pick = pick_of(shipment, order.model_dump(mode="json"), reveal=True)
    body = json.dumps({"event": EVENT, "delivery_id": shipment_id, "sent_at": utc_iso(now),
                       "pick": pick.model_dump(mode="json")}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "oms-dispatch/1", "X-OMS-Event": EVENT,
               # Receivers recognise a repeated request by it (each shipment is one pick).
               "X-OMS-Delivery": shipment_id, signing.HEADER: signing.signature(secrets, body)}
    return Push(url, body, headers)


def still_to_tell(order: Order | None, shipment_id: str) -> bool:
    shipment = next((s for s in order.shipments if s.shipment_id == shipment_id), None) if order else None
    return shipment is not None and shipment.status in OPEN


def send(push: Push, transport: Transport) -> None:
    try:
        status = transport(push.url, push.body, push.headers)
    except OSError as error:
        raise PushFailed(f"{type(error).__name__} from the location's webhook") from None
    if not 200 <= status < 300:
        raise PushFailed(f"the location's webhook answered {status}")


def retry_delay(receive_count: int, base_seconds: int) -> int:
    """Seconds before the next try: base, then three times longer each time, at most 15 minutes."""
    return min(LONGEST_RETRY_SECONDS, base_seconds * 3 ** max(0, receive_count - 1))


def http_transport(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST, following no redirect: a signed request goes where it was addressed or nowhere."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
