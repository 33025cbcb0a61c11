"""AfterShip Tracking: webhooks whose `msg` is the whole Tracking object, `checkpoints` and all.

`tracking_update` (a new checkpoint or status), `edd_revise` (a new estimate) and
`tracking_pending_time` (no scan for a while) all carry it; any other event yields nothing. Each
checkpoint has its own tag, subtag and time, so a push is a snapshot and the tracking domain
keeps what is new. AfterShip signs the raw body with HMAC-SHA256, base64, in
`aftership-hmac-sha256`, with no timestamp: a replayed push repeats known events.
"""

from __future__ import annotations

from datetime import date

from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import day, event_name, place, status_of, time_of, tracking_number, words
from oms.channels.reading import as_dict, dicts, moment
from oms.webhooks import is_signed_by

PROVIDER = "aftership"
_HEADER = "aftership-hmac-sha256"
TRACKING_EVENTS = frozenset({"tracking_update", "edd_revise", "tracking_pending_time"})

# `tag`, AfterShip's nine delivery statuses (aftership.com/docs/tracking/enum/delivery-statuses),
# a closed list: one we do not know is a push we cannot read. `Pending`: no information yet.
TAG: dict[str, TrackingStatus] = {
    "Pending": TrackingStatus.UNKNOWN,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "AttemptFail": TrackingStatus.ATTEMPT_FAILED,
    "Delivered": TrackingStatus.DELIVERED,
    "AvailableForPickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "Exception": TrackingStatus.EXCEPTION,
    "Expired": TrackingStatus.EXPIRED,
}

# `subtag` (`<Tag>_NNN`, .../enum/delivery-sub-statuses) where it says more than its tag:
# Exception_010 "Returning to sender", Exception_011 "Returned to sender". AfterShip adds subtags
# (Exception_016 to 021 in 2026), so the rest leave the tag standing and are kept verbatim.
SUBTAG: dict[str, TrackingStatus] = {
    "Exception_010": TrackingStatus.RETURNING,
    "Exception_011": TrackingStatus.RETURNED,
}


def verify(secrets: list[str], request: SignedRequest) -> bool:
    presented = request.headers.get(_HEADER, "")
    return presented.isascii() and is_signed_by(secrets, request.body, presented)  # compare_digest refuses non-ASCII


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    if event_name(payload, "event") not in TRACKING_EVENTS:
        return []
    tracking = payload.get("msg")
    if not isinstance(tracking, dict):
        raise CarrierPayloadError([{"field": "msg", "problem": "missing"}])
    number = tracking_number(tracking.get("tracking_number"), "msg.tracking_number")
    problems: list[dict[str, str]] = []
    events = [_event(checkpoint, f"msg.checkpoints.{i}", number, problems)
              for i, checkpoint in enumerate(dicts(tracking.get("checkpoints")))]
    if problems:
        raise CarrierPayloadError(problems)
    estimate = _estimate(tracking)
    return [TrackingUpdate(provider=PROVIDER, carrier=words(tracking.get("slug")), tracking_number=number,
                           events=tuple(events), estimated_delivery=estimate,
                           estimated_at=moment(payload.get("ts")) if estimate else None)]


def _event(checkpoint: dict, path: str, number: str, problems: list[dict[str, str]]) -> TrackingEvent | None:
    tag = status_of(checkpoint.get("tag"), TAG, f"{path}.tag", problems)
    # The checkpoint's local time, with its offset when the carrier states one; without one its
    # zone is unknown and it is read as UTC.
    at = time_of(checkpoint.get("checkpoint_time"), f"{path}.checkpoint_time", problems)
    if tag is None or at is None:
        return None
    subtag = words(checkpoint.get("subtag"))
    return TrackingEvent(
        provider=PROVIDER, tracking_number=number, at=at, status=SUBTAG.get(subtag or "", tag),
        carrier_code=subtag or checkpoint["tag"], description=words(checkpoint.get("message")),
        # Webhook version 2026-01 renamed `zip` to `postal_code`; newer versions call `country_iso3`
        # `country_region`.
        place=place(checkpoint.get("city"), checkpoint.get("state"),
                    checkpoint.get("postal_code") or checkpoint.get("zip"),
                    checkpoint.get("country_region") or checkpoint.get("country_iso3")),
    )


def _estimate(tracking: dict) -> date | None:
    """The carrier's estimate first (`courier_estimated_delivery_date`, or `expected_delivery` of
    older versions), then the latest of any source AfterShip keeps, then its own prediction.
    `custom_estimated_delivery_date` is the merchant's promise: the OMS made it, the carrier did not."""
    candidates = (
        as_dict(tracking.get("courier_estimated_delivery_date")).get("estimated_delivery_date"),
        tracking.get("expected_delivery"),
        as_dict(tracking.get("latest_estimated_delivery")).get("datetime"),
        as_dict(tracking.get("aftership_estimated_delivery_date")).get("estimated_delivery_date"),
    )
    return next((found for candidate in candidates if (found := day(candidate))), None)
