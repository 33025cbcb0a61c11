"""EasyPost's Trackers API, read-only: a tracker fetched again when its pushes stopped coming.

Pure: the HTTPS call is a `Transport` handed in (`transport(path, query)` returns the parsed
JSON body, authenticating with the account's API key). `GET /v2/trackers?tracking_code=&carrier=`
lists the trackers of a number; each is the same Tracker object a `tracker.updated` push carries
as its `result`, so the push's adapter reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oms.carriers import TrackingUpdate, easypost

Transport = Callable[[str, dict[str, str]], dict[str, Any]]


class TrackersApi:
    def __init__(self, transport: Transport):
        self._transport = transport

    def tracking(self, tracking_number: str, carrier: str | None = None) -> list[TrackingUpdate]:
        query = {"tracking_code": tracking_number, **({"carrier": carrier} if carrier else {})}
        trackers = self._transport("/v2/trackers", query).get("trackers") or []
        updates: list[TrackingUpdate] = []
        for tracker in trackers:
            updates += easypost.to_tracking_updates({"object": "Event", "description": "tracker.updated",
                                                     "result": tracker})
        return updates
