"""Carriers' and tracking aggregators' pushes, each turned into tracking events by a pure adapter.

One module per provider, each exposing:
- `verify(secrets, request) -> bool`: whether the request carries the provider's own proof
  (an HMAC of the raw body, a token on the URL, a credential header), under any current secret
  (two during a rotation), compared in constant time;
- `to_tracking_updates(payload: dict) -> list[TrackingUpdate]`: every event the payload carries,
  for every tracking number in it, with the provider's statuses mapped through an explicit table.

No I/O, no boto3. An adapter names the native field it cannot find or read
(CarrierPayloadError). No provider promises order or single delivery, so an adapter keeps
each event's own time; the tracking domain orders and de-duplicates them.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from oms.models import Place, Text, TrackingEvent, TrackingStatus, UtcTime

__all__ = ["CHECKED_ON_RECEIPT", "PROVIDERS", "CarrierPayloadError", "Place", "SignedRequest", "TrackingEvent",
           "TrackingStatus", "TrackingUpdate", "adapter", "carrier_slug", "normal_tracking_number"]


class CarrierPayloadError(ValueError):
    """The payload is not this provider's tracking push; each problem names a native field path."""

    def __init__(self, problems: list[dict[str, str]]):
        super().__init__("; ".join(f"{p['field']}: {p['problem']}" for p in problems))
        self.problems = problems


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TrackingUpdate(_Model):
    """What a push says about one tracking number: its events, and the carrier's estimate."""

    provider: Text
    carrier: Text | None = None  # as the provider names it (FedEx, ups, DHL Paket); see `carrier_slug`
    tracking_number: Text
    events: tuple[TrackingEvent, ...] = ()
    estimated_delivery: date | None = None  # the carrier's own estimate, when it gives one
    estimated_at: UtcTime | None = None  # when that estimate was made (the push's time)


class SignedRequest(_Model):
    """A push as it reached us: the raw body (signatures are over bytes, not re-serialised JSON),
    headers with lower-case names, and the query string's parameters."""

    body: bytes
    headers: dict[str, str] = {}
    query: dict[str, str] = {}


def normal_tracking_number(number: str) -> str:
    """How a tracking number is stored and looked up: people type spaces and lower case."""
    return "".join(number.split()).replace("-", "").upper()


# Providers that post to POST /carriers/{provider}/events. A module's name cannot begin with a digit.
PROVIDERS: frozenset[str] = frozenset({"easypost", "aftership", "shippo", "17track", "ups", "generic"})
# Our own format is read on receipt, so its sender is told at once what is wrong (422); a
# provider's push we cannot read is ours to mend, and waits in the dead-letter queue.
CHECKED_ON_RECEIPT: frozenset[str] = frozenset({"generic"})
_MODULES = {"17track": "seventeen_track"}


def adapter(provider: str) -> ModuleType:
    """The provider's adapter module, imported when first asked for: a function loads only the
    providers it hears from."""
    if provider not in PROVIDERS:
        raise ValueError(f"no adapter for carrier provider {provider!r}")
    return import_module(f"oms.carriers.{_MODULES.get(provider, provider)}")


# What the providers call carriers, by their slug-shaped form: EasyPost's carrier names
# (DHLExpress, DhlEcs, CanadaPost), Shippo's tokens (dhl_express, dhl_germany), AfterShip's slugs
# (dhl-germany, dhl-global-mail) and 17TRACK's numeric carrier keys beside its names. DHL's networks
# track apart and stay apart: `dhl` is DHL Express, `dhl-paket` Deutsche Post's German parcels,
# `dhl-ecommerce` DHL eCommerce.
_CARRIER_ALIASES: dict[str, str] = {
    "united-parcel-service": "ups",
    "100002": "ups",
    "federal-express": "fedex",
    "100003": "fedex",
    "united-states-postal-service": "usps",
    "u-s-postal-service": "usps",
    "21051": "usps",
    "dhl-express": "dhl",
    "dhlexpress": "dhl",
    "100001": "dhl",
    "dhl-germany": "dhl-paket",
    "deutsche-post-dhl": "dhl-paket",
    "7041": "dhl-paket",
    "dhlecs": "dhl-ecommerce",
    "dhl-global-mail": "dhl-ecommerce",
    "dhl-ecommerce-us": "dhl-ecommerce",
    "canadapost": "canada-post",
    "royalmail": "royal-mail",
}


def carrier_slug(name: str | None) -> str | None:
    """One slug per carrier whatever a provider calls it: UPS, `ups` and United Parcel Service are
    `ups`. A name without an alias becomes its words, lower case, joined by hyphens (Royal Mail:
    `royal-mail`); None when there is no name."""
    key = "-".join("".join(c if c.isalnum() else " " for c in (name or "").lower()).split())
    return _CARRIER_ALIASES.get(key, key) or None
