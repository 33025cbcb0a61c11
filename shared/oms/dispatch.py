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
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from oms import signing
from oms.lifecycle import OPEN
from oms.models import Order, ShipmentStatus, utc_iso
from oms.picks import pick_of

REQUESTED, WITHDRAWN = "pick.requested", "pick.withdrawn"
TIMEOUT_SECONDS = 10
LONGEST_RETRY_SECONDS = 900


class PickRequest(BaseModel):
    """One message of the fulfilment queue: which shipment's location to tell, and what: a pick
    to make, or one withdrawn (the order was cancelled, or goes elsewhere now)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shipment_id: str
    order_id: str
    location_id: str
    event: Literal["pick.requested", "pick.withdrawn"] = REQUESTED


class Outcome(StrEnum):
    DELIVERED = "delivered"
    PULLED = "pulled"  # the location has no webhook: it lists its picks itself
    CLOSED = "closed"  # nothing to tell: cancelled or rejected before its request went out


class PushFailed(Exception):
    """The location's webhook did not take the request; the queue tries again later."""


@dataclass(frozen=True)
class Push:
    url: str
    body: bytes
    headers: dict[str, str]


# (url, body, headers) -> HTTP status; tests and the local stack put their own behind it.
Transport = Callable[[str, bytes, dict[str, str]], int]


def push_for(order: Order, shipment_id: str, url: str, secrets: list[str], now: datetime,
             event: str = REQUESTED) -> Push:
    """The signed request; a withdrawal carries the pick without its recipient (nothing to send now)."""
    shipment = next(s for s in order.shipments if s.shipment_id == shipment_id)
    pick = pick_of(shipment, order.model_dump(mode="json"), reveal=event == REQUESTED)
    body = json.dumps({"event": event, "delivery_id": shipment_id, "sent_at": utc_iso(now),
                       "pick": pick.model_dump(mode="json")}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "oms-dispatch/1", "X-OMS-Event": event,
               # Receivers recognise a repeat by it and the event (each shipment is one pick).
               "X-OMS-Delivery": shipment_id, signing.HEADER: signing.signature(secrets, body)}
    return Push(url, body, headers)


def still_to_tell(order: Order | None, shipment_id: str, event: str = REQUESTED) -> bool:
    """A request while the shipment is open; a withdrawal once it is cancelled."""
    shipment = next((s for s in order.shipments if s.shipment_id == shipment_id), None) if order else None
    if shipment is None:
        return False
    return shipment.status in OPEN if event == REQUESTED else shipment.status == ShipmentStatus.CANCELLED


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
