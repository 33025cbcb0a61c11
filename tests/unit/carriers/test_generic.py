"""Our own tracking format, for in-house carriers and 3PLs, becomes tracking updates."""

import copy
from datetime import UTC, date, datetime

import pytest

from oms import signing
from oms.carriers import CarrierPayloadError, Place, SignedRequest, TrackingStatus, generic
from tests.unit.carriers.senders import fixture, raw
from tests.unit.carriers.senders import generic as signed


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_a_push_in_our_format_becomes_its_events_in_utc():
    [update] = generic.to_tracking_updates(fixture("generic", "push.json"))

    assert (update.provider, update.carrier, update.tracking_number) == ("generic", "Northway Couriers", "NX4471093218")
    assert [(event.at, event.status, event.carrier_code) for event in update.events] == [
        (datetime(2026, 3, 12, 6, 40, tzinfo=UTC), TrackingStatus.INFO_RECEIVED, "MAN"),
        (datetime(2026, 3, 12, 9, 15, tzinfo=UTC), TrackingStatus.IN_TRANSIT, "DEP"),
        (datetime(2026, 3, 13, 6, 58, tzinfo=UTC), TrackingStatus.OUT_FOR_DELIVERY, "OFD"),  # 07:58+01:00
    ]
    assert update.events[0].place is None
    assert update.events[1].place == Place(city="Leeds", region="West Yorkshire", postal_code="LS11 5QN", country="GB")
    assert update.events[1].description == "Left the Leeds depot"
    assert update.estimated_delivery == date(2026, 3, 13)


@pytest.mark.parametrize("status", list(TrackingStatus))
def test_every_tracking_status_is_accepted(status):
    payload = fixture("generic", "push.json")
    payload["events"][0]["status"] = status.value

    [update] = generic.to_tracking_updates(payload)

    assert update.events[0].status == status


def test_the_optional_fields_may_be_left_out():
    payload = fixture("generic", "push.json")
    del payload["service"], payload["estimated_delivery"]
    payload["events"] = []

    [update] = generic.to_tracking_updates(payload)

    assert (update.events, update.estimated_delivery) == ((), None)


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p["events"][0].update(at="2026-03-12T06:40:00"), "events.0.at"),
    (lambda p: p["events"][1].update(status="lost"), "events.1.status"),
    (lambda p: p["events"][1].update(country="XX"), "events.1.country"),
    (lambda p: p["events"][2].update(colour="red"), "events.2.colour"),
    (lambda p: p.pop("tracking_number"), "tracking_number"),
    (lambda p: p.update(tracking_number="- -"), "tracking_number"),
    (lambda p: p.update(estimated_delivery="next week"), "estimated_delivery"),
    (lambda p: p.pop("events"), "events"),
])
def test_a_malformed_push_names_the_field(change, field):
    payload = copy.deepcopy(fixture("generic", "push.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        generic.to_tracking_updates(payload)

    assert field in fields_of(error)


BODY = raw("generic", "push.json")


def test_a_push_signed_as_the_oms_signs_verifies_under_either_secret():
    both = SignedRequest(body=BODY, headers={"x-oms-signature": signing.signature(["new", "old"], BODY)})

    assert generic.verify(["new", "old"], signed("old", BODY))
    assert generic.verify(["new", "old"], signed("new", BODY))
    assert generic.verify(["old"], both)


@pytest.mark.parametrize("request_", [
    signed("neither", BODY),
    signed("old", BODY).model_copy(update={"body": BODY.replace(b"Leeds", b"Leedz", 1)}),
    SignedRequest(body=BODY),
    SignedRequest(body=BODY, headers={"x-oms-signature": "sha256=ünicode"}),
], ids=["wrong secret", "one byte changed", "unsigned", "non-ascii"])
def test_anything_but_our_signature_of_these_bytes_fails(request_):
    assert not generic.verify(["new", "old"], request_)
