"""Our own tracking format, for in-house carriers and 3PLs that have none of their own.

Signed as the OMS signs its own pushes (`oms.signing`: `X-OMS-Signature: sha256=<hex>`, one entry
per current secret), so a 3PL that receives our pushes sends back the same way. The body:

    {"tracking_number": "1Z...", "carrier": "Acme Freight", "service": "next day",
     "estimated_delivery": "2026-03-14",
     "events": [{"at": "2026-03-12T09:15:00+01:00", "status": "in_transit",
                 "description": "Left the Leeds depot", "code": "DEP",
                 "city": "Leeds", "region": "West Yorkshire", "postal_code": "LS1 4AP", "country": "GB"}]}

`status` is one of `TrackingStatus`; `at` carries its offset (a time without one is refused, not
guessed); `service` and `estimated_delivery` may be left out. Being ours, the format is strict:
an unknown field is a mistake to report, not to ignore.
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from oms import signing
from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import place, tracking_number
from oms.models import CountryCode, Text, field_errors

PROVIDER = "generic"
_HEADER = signing.HEADER.lower()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Scan(_Model):
    at: AwareDatetime
    status: TrackingStatus
    description: Text | None = None
    code: Text | None = None
    city: Text | None = None
    region: Text | None = None
    postal_code: Text | None = None
    country: CountryCode | None = None


class Push(_Model):
    tracking_number: Text
    carrier: Text
    service: Text | None = None  # for the sender's records: tracking does not use it
    estimated_delivery: date | None = None
    events: list[Scan]


def verify(secrets: list[str], request: SignedRequest) -> bool:
    header = request.headers.get(_HEADER, "")
    if not header.isascii():  # compare_digest refuses non-ASCII text
        return False
    matches = [signing.verify(secret, request.body, header) for secret in secrets]
    return any(matches)


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    try:
        push = Push.model_validate(payload)
    except ValidationError as error:
        raise CarrierPayloadError(field_errors(error)) from None
    number = tracking_number(push.tracking_number, "tracking_number")
    events = tuple(
        TrackingEvent(provider=PROVIDER, tracking_number=number, at=scan.at, status=scan.status,
                      carrier_code=scan.code, description=scan.description,
                      place=place(scan.city, scan.region, scan.postal_code, scan.country))
        for scan in push.events
    )
    return [TrackingUpdate(provider=PROVIDER, carrier=push.carrier, tracking_number=number, events=events,
                           estimated_delivery=push.estimated_delivery)]
