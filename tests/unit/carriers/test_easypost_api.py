"""Fetching a quiet shipment's tracking again from EasyPost's Trackers API, through an injected transport."""

from oms.carriers.easypost_api import TrackersApi
from tests.unit.carriers.senders import fixture


def test_the_trackers_of_a_number_are_read_as_their_pushes_would_be():
    tracker = fixture("easypost", "tracker_updated_delivered.json")["result"]
    asked = []

    def transport(path, query):
        asked.append((path, query))
        return {"trackers": [tracker], "has_more": False}

    [update] = TrackersApi(transport).tracking(tracker["tracking_code"], "UPS")
    assert asked == [("/v2/trackers", {"tracking_code": tracker["tracking_code"], "carrier": "UPS"})]
    assert update.tracking_number == tracker["tracking_code"]
    assert [event.status for event in update.events][-1] == "delivered"


def test_a_number_easypost_does_not_track_gives_nothing():
    assert TrackersApi(lambda path, query: {"trackers": []}).tracking("1Z0") == []
