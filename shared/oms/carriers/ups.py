"""UPS Track Alert: one push per package activity, its tracking number at the top level.

UPS proves a push by the `credential` header carrying, as is, the opaque value the subscriber
chose when it subscribed; nothing signs the body. Times come twice, local (`localActivityDate`
YYYYMMDD, `localActivityTime` HHMMSS) and GMT: the GMT pair is the event's time, or the local
one less `gmtOffset` (`-04.00`) where UPS leaves the GMT pair blank ("not every field will have
a value in each message"). Dates and codes are strings throughout (`descriptionCode` "021").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import day, is_one_of, place, status_of, tracking_number, words
from oms.channels.reading import as_dict, text

PROVIDER = "ups"
_HEADER = "credential"
_OFFSET = re.compile(r"([+-])(\d{2})\.(\d{2})")

# `activityStatus.type` (UPSTrackAlert.yaml, `TrackingEventRequest`), a closed list. U is an
# updated delivery date or time: still on its way, with a new estimate.
TYPE: dict[str, TrackingStatus] = {
    "D": TrackingStatus.DELIVERED,
    "I": TrackingStatus.IN_TRANSIT,
    "M": TrackingStatus.INFO_RECEIVED,
    "MV": TrackingStatus.CANCELLED,
    "U": TrackingStatus.IN_TRANSIT,
    "X": TrackingStatus.EXCEPTION,
}

# `activityStatus.code` where it says more than its type: UPS's own example of an out-for-delivery
# message is type I, code OT, "Out for Delivery".
CODE: dict[str, TrackingStatus] = {
    "OT": TrackingStatus.OUT_FOR_DELIVERY,
}


def verify(secrets: list[str], request: SignedRequest) -> bool:
    return is_one_of(secrets, request.headers.get(_HEADER))


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    if not isinstance(payload, dict):
        raise CarrierPayloadError([{"field": "body", "problem": "not a JSON object"}])
    number = tracking_number(payload.get("trackingNumber"), "trackingNumber")
    activity = as_dict(payload.get("activityStatus"))
    problems: list[dict[str, str]] = []
    status = status_of(activity.get("type"), TYPE, "activityStatus.type", problems)
    at = _activity_time(payload, problems)
    if problems:
        raise CarrierPayloadError(problems)
    code = words(activity.get("code"))
    location = as_dict(payload.get("activityLocation"))
    event = TrackingEvent(
        provider=PROVIDER, tracking_number=number, at=at, status=CODE.get(code or "", status),
        carrier_code=code or activity["type"], description=words(activity.get("description")),
        place=place(location.get("city"), location.get("stateProvince"), location.get("postalCode"),
                    location.get("country")),
    )
    estimate = day(payload.get("scheduledDeliveryDate"))
    return [TrackingUpdate(provider=PROVIDER, carrier="UPS", tracking_number=number, events=(event,),
                           estimated_delivery=estimate, estimated_at=at if estimate else None)]


def _activity_time(push: dict, problems: list[dict[str, str]]) -> datetime | None:
    gmt = _stamp(push.get("gmtActivityDate"), push.get("gmtActivityTime"))
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    local = _stamp(push.get("localActivityDate"), push.get("localActivityTime"))
    offset = _offset(push.get("gmtOffset"))
    if local is not None and offset is not None:
        return (local - offset).replace(tzinfo=UTC)
    problems.append({"field": "gmtActivityDate", "problem": "missing, and no local time with a gmtOffset instead"})
    return None


def _stamp(date: Any, time: Any) -> datetime | None:
    written = f"{text(date) or ''}{text(time) or ''}"
    if len(written) != 14 or not written.isdigit():
        return None
    try:
        return datetime.strptime(written, "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _offset(value: Any) -> timedelta | None:
    matched = _OFFSET.fullmatch(text(value) or "")
    if matched is None:
        return None
    sign, hours, minutes = matched.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return -offset if sign == "-" else offset
