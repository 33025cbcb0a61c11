"""17TRACK (API v2): `TRACKING_UPDATED` pushes, each a full snapshot of one number: every
carrier that handled it (`track_info.tracking.providers`, the origin's and the last mile's) with
its events. `TRACKING_STOPPED` (17TRACK gave up on the number) and any other event yield nothing.

An event is classified by its own `stage`; one without is the newest (which `latest_status`
describes) or a scan on the way. 17TRACK signs a push with its
`sign` header: SHA-256, hex, of the raw body, "/" and the account's security key. That is plain
SHA-256 over body and key, not an HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import NamedTuple

from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import day, event_name, place, status_of, time_of, tracking_number, words
from oms.channels.reading import as_dict, dicts

PROVIDER = "17track"
_HEADER = "sign"
UPDATE_EVENTS = frozenset({"TRACKING_UPDATED"})

# Main status (help.17track.net, "Understanding Tracking Status"), a closed list of nine.
MAIN_STATUS: dict[str, TrackingStatus] = {
    "NotFound": TrackingStatus.UNKNOWN,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "Expired": TrackingStatus.EXPIRED,
    "AvailableForPickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "DeliveryFailure": TrackingStatus.ATTEMPT_FAILED,
    "Delivered": TrackingStatus.DELIVERED,
    "Exception": TrackingStatus.EXCEPTION,
}

# Sub-status, all thirty: each refines its main status. One added later leaves the main status
# standing and is kept verbatim.
SUB_STATUS: dict[str, TrackingStatus] = {
    "NotFound_Other": TrackingStatus.UNKNOWN,
    "NotFound_InvalidCode": TrackingStatus.UNKNOWN,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit_PickedUp": TrackingStatus.IN_TRANSIT,
    "InTransit_Other": TrackingStatus.IN_TRANSIT,
    "InTransit_Departure": TrackingStatus.IN_TRANSIT,
    "InTransit_Arrival": TrackingStatus.IN_TRANSIT,
    "InTransit_CustomsProcessing": TrackingStatus.IN_TRANSIT,
    "InTransit_CustomsReleased": TrackingStatus.IN_TRANSIT,
    "InTransit_CustomsRequiringInformation": TrackingStatus.EXCEPTION,  # held until customs hear more
    "Expired_Other": TrackingStatus.EXPIRED,
    "AvailableForPickup_Other": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "OutForDelivery_Other": TrackingStatus.OUT_FOR_DELIVERY,
    "DeliveryFailure_Other": TrackingStatus.ATTEMPT_FAILED,
    "DeliveryFailure_NoBody": TrackingStatus.ATTEMPT_FAILED,
    "DeliveryFailure_Security": TrackingStatus.ATTEMPT_FAILED,
    "DeliveryFailure_Rejected": TrackingStatus.ATTEMPT_FAILED,
    "DeliveryFailure_InvalidAddress": TrackingStatus.ATTEMPT_FAILED,
    "Delivered_Other": TrackingStatus.DELIVERED,
    "Exception_Other": TrackingStatus.EXCEPTION,
    "Exception_Returning": TrackingStatus.RETURNING,
    "Exception_Returned": TrackingStatus.RETURNED,
    "Exception_NoBody": TrackingStatus.EXCEPTION,
    "Exception_Security": TrackingStatus.EXCEPTION,
    "Exception_Damage": TrackingStatus.EXCEPTION,
    "Exception_Rejected": TrackingStatus.EXCEPTION,
    "Exception_Delayed": TrackingStatus.EXCEPTION,
    "Exception_Lost": TrackingStatus.EXCEPTION,
    "Exception_Destroyed": TrackingStatus.EXCEPTION,
    "Exception_Cancel": TrackingStatus.CANCELLED,  # the carrier's order was cancelled
}

# An event's `stage`: the milestones' `key_stage` values, or (as in a captured push's
# `latest_event`) a main status.
STAGE: dict[str, TrackingStatus] = MAIN_STATUS | {
    "PickedUp": TrackingStatus.IN_TRANSIT,
    "Departure": TrackingStatus.IN_TRANSIT,
    "Arrival": TrackingStatus.IN_TRANSIT,
    "Returning": TrackingStatus.RETURNING,
    "Returned": TrackingStatus.RETURNED,
}


def verify(secrets: list[str], request: SignedRequest) -> bool:
    presented = request.headers.get(_HEADER, "").strip().lower()
    if not presented or not presented.isascii():  # compare_digest refuses non-ASCII text
        return False
    expected = [hashlib.sha256(request.body + b"/" + key.encode()).hexdigest() for key in secrets]
    matches = [hmac.compare_digest(signature, presented) for signature in expected]
    return any(matches)


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    if event_name(payload, "event") not in UPDATE_EVENTS:
        return []
    data = payload.get("data")
    if not isinstance(data, dict):
        raise CarrierPayloadError([{"field": "data", "problem": "missing"}])
    number = tracking_number(data.get("number"), "data.number")
    info = as_dict(data.get("track_info"))
    carriers = dicts(as_dict(info.get("tracking")).get("providers"))
    problems: list[dict[str, str]] = []
    scans = [_scan(event, f"data.track_info.tracking.providers.{p}.events.{e}", problems)
             for p, carrier in enumerate(carriers) for e, event in enumerate(dicts(carrier.get("events")))]
    newest = max((scan for scan in scans if scan.at), key=lambda scan: scan.at, default=None)
    latest = _latest(info, problems) if newest is not None and newest.staged is None else None
    if problems:
        raise CarrierPayloadError(problems)
    events = [_event(scan, number, latest if scan is newest else None) for scan in scans]
    window = as_dict(as_dict(info.get("time_metrics")).get("estimated_delivery_date"))
    return [TrackingUpdate(provider=PROVIDER, carrier=_carrier(data, carriers), tracking_number=number,
                           events=tuple(events), estimated_delivery=day(window.get("to")) or day(window.get("from")))]


class _Scan(NamedTuple):
    at: datetime | None
    event: dict
    staged: tuple[TrackingStatus | None, str] | None  # the event's own stage, and what it says


def _scan(event: dict, path: str, problems: list[dict[str, str]]) -> _Scan:
    """An event's time (`time_utc`, or `time_iso` with the carrier's offset), and its own stage."""
    at = time_of(event.get("time_utc") or event.get("time_iso"), f"{path}.time_utc", problems)
    stage = event.get("stage") or None
    return _Scan(at, event, None if stage is None else (status_of(stage, STAGE, f"{path}.stage", problems), stage))


def _latest(info: dict, problems: list[dict[str, str]]) -> tuple:
    """What `latest_status` says of the number now: its sub-status where known, else its main status."""
    latest = as_dict(info.get("latest_status"))
    main = status_of(latest.get("status"), MAIN_STATUS, "data.track_info.latest_status.status", problems)
    sub = words(latest.get("sub_status"))
    return SUB_STATUS.get(sub or "", main), sub or latest.get("status")


def _event(scan: _Scan, number: str, latest: tuple | None) -> TrackingEvent:
    """An event without a stage of its own is the newest, whose status is the number's latest,
    or a scan 17TRACK did not single out on the way there: in transit."""
    status, code = scan.staged or latest or (TrackingStatus.IN_TRANSIT, None)
    address = as_dict(scan.event.get("address"))
    return TrackingEvent(
        provider=PROVIDER, tracking_number=number, at=scan.at, status=status,
        carrier_code=words(code), description=words(scan.event.get("description")),
        place=place(address.get("city"), address.get("state"), address.get("postal_code"), address.get("country")),
    )


def _carrier(data: dict, carriers: list[dict]) -> str | None:
    """The name of the carrier 17TRACK files the number under (`data.carrier`, its numeric key),
    else the first one named, else that key itself (`carrier_slug` knows the commonest)."""
    key = data.get("carrier")
    named = [(provider.get("key"), words(provider.get("name")))
             for provider in (as_dict(carrier.get("provider")) for carrier in carriers)]
    own = next((name for number, name in named if name and number == key), None)
    first = next((name for _, name in named if name), None)
    return own or first or (str(key) if type(key) is int else words(key))
