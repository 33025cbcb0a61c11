"""Reading carriers' pushes: the channels' defensive reading (`oms.channels.reading`), plus what
every tracking adapter needs: the carrier's words cut to what an event keeps, places, days and
numbers, and the native field named for whatever cannot be read."""

from __future__ import annotations

import hmac
from datetime import date, datetime
from typing import Any

import pycountry

from oms.carriers import CarrierPayloadError, Place, TrackingStatus, normal_tracking_number
from oms.channels.reading import moment, scalar_text, text

_LONGEST = 200  # what `oms.models.Text` keeps


def words(value: Any) -> str | None:
    """A carrier's text, stripped and cut to what an event keeps; none when blank or not text."""
    written = text(value)
    return written[:_LONGEST].rstrip() if written else None


def place(city: Any, region: Any, postal_code: Any, country: Any) -> Place | None:
    """Where an event happened; none when the carrier says nothing of it. An ISO alpha-3 country
    (AfterShip's) becomes alpha-2; one that is neither stays as the carrier wrote it."""
    parts = {"city": words(city), "region": words(region), "postal_code": words(scalar_text(postal_code)),
             "country": _alpha_2(words(country))}
    return Place(**parts) if any(parts.values()) else None


def _alpha_2(country: str | None) -> str | None:
    if country is None or len(country) != 3:
        return country
    found = pycountry.countries.get(alpha_3=country.upper())
    return found.alpha_2 if found else country


def day(value: Any) -> date | None:
    """A day as carriers write it: `2024-08-05`, an ISO time (its own calendar day as written: a
    delivery day is the recipient's, not UTC's) or UPS's `20240805`. None when it cannot be read:
    an estimate is not worth refusing the events that come with it."""
    written = text(value)
    if written is None:
        return None
    try:
        if len(written) == 8 and written.isdigit():
            return datetime.strptime(written, "%Y%m%d").date()
        return date.fromisoformat(written[:10])
    except ValueError:
        return None


def event_name(payload: Any, field: str) -> str:
    """What kind of push this is, by the provider's own field naming it."""
    if not isinstance(payload, dict):
        raise CarrierPayloadError([{"field": "body", "problem": "not a JSON object"}])
    name = payload.get(field)
    if not isinstance(name, str):
        raise CarrierPayloadError([{"field": field, "problem": "missing" if name is None else "not text"}])
    return name


def tracking_number(value: Any, field: str) -> str:
    """The number as stored and looked up (`normal_tracking_number`); without one a push says nothing."""
    number = normal_tracking_number(scalar_text(value) or "")
    if not number or len(number) > _LONGEST:
        raise CarrierPayloadError([{"field": field, "problem": "missing" if not number else "not a tracking number"}])
    return number


def status_of(value: Any, table: dict[str, TrackingStatus], field: str,
              problems: list[dict[str, str]]) -> TrackingStatus | None:
    """The provider's status through its table; a value the table lacks is a problem named by its field."""
    if value is None:
        problems.append({"field": field, "problem": "missing"})
        return None
    status = table.get(value) if isinstance(value, str) else None
    if status is None:
        problems.append({"field": field, "problem": f"unknown value {value!r}"})
    return status


def time_of(value: Any, field: str, problems: list[dict[str, str]]) -> datetime | None:
    """When an event happened, in UTC (`oms.channels.reading.moment`); unreadable is a problem."""
    at = moment(value)
    if at is None:
        problems.append({"field": field, "problem": "missing" if value is None else "not a time"})
    return at


def is_one_of(secrets: list[str], presented: str | None) -> bool:
    """Whether a token or credential sent as is equals a current secret; every secret is compared,
    in constant time, so the time taken does not say which matched (or how much of one)."""
    if not presented:
        return False
    matches = [hmac.compare_digest(secret.encode(), presented.encode()) for secret in secrets]
    return any(matches)
