"""Where a customer follows a parcel: each carrier's public tracking page for a number."""

from __future__ import annotations

from urllib.parse import quote

from oms.carriers import carrier_slug

_PAGES = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
    "dhl-paket": "https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode={number}",
    "canada-post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
    "royal-mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
}


def tracking_url(carrier: str | None, tracking_number: str | None) -> str:
    """The carrier's page for this number; empty when the carrier has none we know."""
    page = _PAGES.get(carrier_slug(carrier) or "")
    return page.format(number=quote(tracking_number, safe="")) if page and tracking_number else ""
