"""EasyPost: Event webhooks. `tracker.created` and `tracker.updated` carry a Tracker (`result`);
every other event (batches, shipments, refunds, reports) says nothing of tracking: no updates.

A Tracker is a snapshot: `tracking_details` is the whole history so far, each detail with its own
status and UTC time, so a push repeats the events already known and the tracking domain keeps
what is new. EasyPost signs the raw body with HMAC-SHA256, hex, in `X-Hmac-Signature:
hmac-sha256-hex=<hex>`, keyed by the webhook secret NFKD-normalised as EasyPost's own client
libraries do: a secret typed with a ligature or full-width letters signs as its plain form.
"""

from __future__ import annotations

import unicodedata

from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import day, event_name, place, status_of, time_of, tracking_number, words
from oms.channels.reading import as_dict, dicts, moment
from oms.webhooks import is_signed_by

PROVIDER = "easypost"
_HEADER = "x-hmac-signature"
_SCHEME = "hmac-sha256-hex="
TRACKER_EVENTS = frozenset({"tracker.created", "tracker.updated"})

# Tracker and TrackingDetail `status` (docs.easypost.com/docs/trackers), a closed list. `error`
# is EasyPost failing to track the number, not trouble with the parcel; `return_to_sender` does
# not say whether the parcel is back yet.
STATUS: dict[str, TrackingStatus] = {
    "unknown": TrackingStatus.UNKNOWN,
    "pre_transit": TrackingStatus.INFO_RECEIVED,
    "in_transit": TrackingStatus.IN_TRANSIT,
    "out_for_delivery": TrackingStatus.OUT_FOR_DELIVERY,
    "delivered": TrackingStatus.DELIVERED,
    "available_for_pickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "return_to_sender": TrackingStatus.RETURNING,
    "failure": TrackingStatus.EXCEPTION,
    "cancelled": TrackingStatus.CANCELLED,
    "error": TrackingStatus.UNKNOWN,
}


def verify(secrets: list[str], request: SignedRequest) -> bool:
    presented = request.headers.get(_HEADER, "")
    if not presented.startswith(_SCHEME) or not presented.isascii():  # compare_digest refuses non-ASCII text
        return False
    keys = [unicodedata.normalize("NFKD", secret) for secret in secrets]
    return is_signed_by(keys, request.body, presented.removeprefix(_SCHEME), "hex")


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    if event_name(payload, "description") not in TRACKER_EVENTS:
        return []
    tracker = payload.get("result")
    if not isinstance(tracker, dict):
        raise CarrierPayloadError([{"field": "result", "problem": "missing"}])
    number = tracking_number(tracker.get("tracking_code"), "result.tracking_code")
    problems: list[dict[str, str]] = []
    events = [_event(detail, f"result.tracking_details.{i}", number, problems)
              for i, detail in enumerate(dicts(tracker.get("tracking_details")))]
    if problems:
        raise CarrierPayloadError(problems)
    # The carrier's own calendar day where EasyPost passes it on; `est_delivery_date` writes the
    # same day as midnight UTC.
    estimate = (day(as_dict(tracker.get("carrier_detail")).get("est_delivery_date_local"))
                or day(tracker.get("est_delivery_date")))
    return [TrackingUpdate(provider=PROVIDER, carrier=words(tracker.get("carrier")), tracking_number=number,
                           events=tuple(events), estimated_delivery=estimate,
                           estimated_at=moment(payload.get("created_at")) if estimate else None)]


def _event(detail: dict, path: str, number: str, problems: list[dict[str, str]]) -> TrackingEvent | None:
    status = status_of(detail.get("status"), STATUS, f"{path}.status", problems)
    at = time_of(detail.get("datetime"), f"{path}.datetime", problems)
    if status is None or at is None:
        return None
    location = as_dict(detail.get("tracking_location"))
    return TrackingEvent(
        provider=PROVIDER, tracking_number=number, at=at, status=status,
        carrier_code=words(detail.get("status_detail")) or detail["status"],
        description=words(detail.get("message")) or words(detail.get("description")),
        place=place(location.get("city"), location.get("state"), location.get("zip"), location.get("country")),
    )
