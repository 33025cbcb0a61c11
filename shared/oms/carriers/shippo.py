"""Shippo: `track_updated` webhooks, whose `data` is a Track; its other events (transactions,
batches) say nothing of tracking and yield no updates.

A Track is a snapshot: `tracking_history` is every event so far and `tracking_status` the latest
again, so a push repeats the events already known and the tracking domain keeps what is new.
Shippo does not sign by default. Its webhook security page offers a self-generated token on the
webhook URL (`?token=`) and, set up by Shippo on request, HMAC: `Shippo-Auth-Signature:
t=<unix seconds>,v1=<hex>`, HMAC-SHA256 of `<t>.<raw body>`. Either proves a push.
"""

from __future__ import annotations

from oms.carriers import CarrierPayloadError, SignedRequest, TrackingEvent, TrackingStatus, TrackingUpdate
from oms.carriers.reading import day, event_name, is_one_of, place, status_of, time_of, tracking_number, words
from oms.channels.reading import as_dict, dicts, moment
from oms.webhooks import is_signed_by

PROVIDER = "shippo"
_SIGNATURE = "shippo-auth-signature"
TRACK_EVENTS = frozenset({"track_updated"})

# `status`, a closed list (goshippo.com/docs/tracking, "Event Definitions"). RETURNED is "en route
# to be returned to the sender, or has been returned": Shippo does not say which, so it is not
# taken for back.
STATUS: dict[str, TrackingStatus] = {
    "UNKNOWN": TrackingStatus.UNKNOWN,
    "PRE_TRANSIT": TrackingStatus.INFO_RECEIVED,
    "TRANSIT": TrackingStatus.IN_TRANSIT,
    "DELIVERED": TrackingStatus.DELIVERED,
    "RETURNED": TrackingStatus.RETURNING,
    "FAILURE": TrackingStatus.EXCEPTION,
}

# `substatus.code`, by the status Shippo files it under (same page), and what it says. A code
# refines only its own status (the docs' schema example pairs DELIVERED with
# information_received); one Shippo adds later leaves the status standing, kept verbatim.
SUBSTATUS: dict[str, tuple[str, TrackingStatus]] = {
    "information_received": ("PRE_TRANSIT", TrackingStatus.INFO_RECEIVED),
    "address_issue": ("TRANSIT", TrackingStatus.EXCEPTION),
    "contact_carrier": ("TRANSIT", TrackingStatus.EXCEPTION),
    "delayed": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "delivery_attempted": ("TRANSIT", TrackingStatus.ATTEMPT_FAILED),
    "delivery_rescheduled": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "delivery_scheduled": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "location_inaccessible": ("TRANSIT", TrackingStatus.ATTEMPT_FAILED),
    "notice_left": ("TRANSIT", TrackingStatus.ATTEMPT_FAILED),
    "out_for_delivery": ("TRANSIT", TrackingStatus.OUT_FOR_DELIVERY),
    "package_accepted": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "package_arrived": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "package_damaged": ("TRANSIT", TrackingStatus.EXCEPTION),
    "package_departed": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "package_forwarded": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "package_held": ("TRANSIT", TrackingStatus.EXCEPTION),
    "package_processed": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "package_processing": ("TRANSIT", TrackingStatus.IN_TRANSIT),
    "pickup_available": ("TRANSIT", TrackingStatus.AVAILABLE_FOR_PICKUP),
    "reschedule_delivery": ("TRANSIT", TrackingStatus.EXCEPTION),  # the recipient must call the carrier
    "delivered": ("DELIVERED", TrackingStatus.DELIVERED),
    "return_to_sender": ("RETURNED", TrackingStatus.RETURNING),
    "package_unclaimed": ("RETURNED", TrackingStatus.RETURNING),
    "package_undeliverable": ("FAILURE", TrackingStatus.EXCEPTION),
    "package_disposed": ("FAILURE", TrackingStatus.EXCEPTION),
    "package_lost": ("FAILURE", TrackingStatus.EXCEPTION),
    "other": ("UNKNOWN", TrackingStatus.UNKNOWN),
}


def verify(secrets: list[str], request: SignedRequest) -> bool:
    by_token = is_one_of(secrets, request.query.get("token"))
    by_signature = _signed(secrets, request)
    return by_token or by_signature


def _signed(secrets: list[str], request: SignedRequest) -> bool:
    """The HMAC proof. Its timestamp is not held to a window (no clock here, and Shippo retries):
    a replayed push only repeats events the tracking domain already has."""
    header = request.headers.get(_SIGNATURE, "")
    if not header.isascii():  # compare_digest refuses non-ASCII text
        return False
    fields = [part.strip().partition("=") for part in header.split(",")]
    timestamp = next((value for name, _, value in fields if name == "t"), "")
    signatures = [value for name, _, value in fields if name == "v1"]
    if not timestamp or not signatures:
        return False
    signed = f"{timestamp}.".encode() + request.body
    matches = [is_signed_by(secrets, signed, signature, "hex") for signature in signatures]
    return any(matches)


def to_tracking_updates(payload: dict) -> list[TrackingUpdate]:
    if event_name(payload, "event") not in TRACK_EVENTS:
        return []
    track = payload.get("data")
    if not isinstance(track, dict):
        raise CarrierPayloadError([{"field": "data", "problem": "missing"}])
    number = tracking_number(track.get("tracking_number"), "data.tracking_number")
    entries = [(entry, f"data.tracking_history.{i}") for i, entry in enumerate(dicts(track.get("tracking_history")))]
    latest = track.get("tracking_status")
    if isinstance(latest, dict) and not _repeats(latest, [entry for entry, _ in entries]):
        entries.append((latest, "data.tracking_status"))
    problems: list[dict[str, str]] = []
    events = [_event(entry, path, number, problems) for entry, path in entries]
    if problems:
        raise CarrierPayloadError(problems)
    # The older shape (Shippo's dashboard test webhook) names the carrier beside `data`, not in it.
    carrier = words(track.get("carrier")) or words(payload.get("carrier"))
    return [TrackingUpdate(provider=PROVIDER, carrier=carrier, tracking_number=number, events=tuple(events),
                           estimated_delivery=day(track.get("eta")))]


def _repeats(latest: dict, history: list[dict]) -> bool:
    """Whether `tracking_status` says what the newest history entry says. It is a copy with its own
    object id, and in Shippo's examples a time some milliseconds off: compared by its words."""
    dated = [(at, entry) for entry in history if (at := moment(entry.get("status_date")))]
    newest = max(dated, key=lambda pair: pair[0], default=None)
    return newest is not None and _said(newest[1]) == _said(latest)


def _said(entry: dict) -> tuple:
    return entry.get("status"), entry.get("status_details"), as_dict(entry.get("substatus")).get("code")


def _event(entry: dict, path: str, number: str, problems: list[dict[str, str]]) -> TrackingEvent | None:
    status = status_of(entry.get("status"), STATUS, f"{path}.status", problems)
    at = time_of(entry.get("status_date"), f"{path}.status_date", problems)  # UTC, `Z` or none in test mode
    if status is None or at is None:
        return None
    code = words(as_dict(entry.get("substatus")).get("code"))
    parent, precise = SUBSTATUS.get(code or "", (None, status))
    location = as_dict(entry.get("location"))
    return TrackingEvent(
        provider=PROVIDER, tracking_number=number, at=at, status=precise if parent == entry["status"] else status,
        carrier_code=code or entry["status"], description=words(entry.get("status_details")),
        place=place(location.get("city"), location.get("state"), location.get("zip"), location.get("country")),
    )
