"""AfterShip's tracking webhooks (the whole Tracking object in `msg`) become tracking updates."""

import copy
from datetime import UTC, date, datetime

import pytest

from oms.carriers import CarrierPayloadError, Place, TrackingStatus, aftership
from tests.unit.carriers.senders import aftership as signed
from tests.unit.carriers.senders import fixture, raw


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_every_checkpoint_is_an_event_at_its_own_time_in_utc():
    # GIVEN a FedEx parcel from China to Japan, fourteen checkpoints in their local times
    payload = fixture("aftership", "tracking_update.json")

    # WHEN it is adapted
    [update] = aftership.to_tracking_updates(payload)

    # THEN each checkpoint is one event, its offset applied
    assert (update.provider, update.carrier, update.tracking_number) == ("aftership", "fedex", "111111111111")
    assert len(update.events) == 14
    assert update.events[0].at == datetime(2018, 7, 23, 6, 21, 39, tzinfo=UTC)  # 01:21:39-05:00
    assert update.events[1].at == datetime(2018, 7, 23, 8, 58, tzinfo=UTC)  # 16:58+08:00
    assert update.events[-1].at == datetime(2018, 7, 25, 1, 10, tzinfo=UTC)  # 10:10+09:00
    assert [event.status for event in update.events] == (
        [TrackingStatus.INFO_RECEIVED] + [TrackingStatus.IN_TRANSIT] * 11
        + [TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED])
    assert update.events[1].carrier_code == "InTransit_002"
    assert update.events[1].description == "Picked up"


def test_alpha_3_countries_become_alpha_2():
    [update] = aftership.to_tracking_updates(fixture("aftership", "tracking_update.json"))

    assert update.events[0].place is None
    assert update.events[1].place == Place(country="CN")
    assert update.events[-1].place == Place(country="JP")


def test_the_estimate_is_the_latest_one_aftership_holds_dated_by_the_push():
    # GIVEN no courier estimate and no expected_delivery, but a latest_estimated_delivery
    [update] = aftership.to_tracking_updates(fixture("aftership", "tracking_update.json"))

    assert update.estimated_delivery == date(2022, 1, 5)  # its own calendar day, as written
    assert update.estimated_at == datetime(2024, 4, 10, 9, 34, 56, tzinfo=UTC)  # ts 1712741696


def test_the_carriers_own_estimate_comes_before_aftership_s():
    payload = fixture("aftership", "tracking_update.json")
    payload["msg"]["expected_delivery"] = "2018-07-26"
    payload["msg"]["aftership_estimated_delivery_date"] = {"estimated_delivery_date": "2018-07-28"}

    [update] = aftership.to_tracking_updates(payload)

    assert update.estimated_delivery == date(2018, 7, 26)

    payload["msg"]["courier_estimated_delivery_date"] = {"estimated_delivery_date": "2018-07-24"}
    [update] = aftership.to_tracking_updates(payload)

    assert update.estimated_delivery == date(2018, 7, 24)


def test_a_checkpoint_time_without_an_offset_is_read_as_utc():
    # GIVEN the trimmed 2026-07 sample: one checkpoint at "2021-01-14T00:52:00", no zone
    [update] = aftership.to_tracking_updates(fixture("aftership", "tracking_update_trimmed.json"))

    assert [(event.at, event.status, event.carrier_code) for event in update.events] == [
        (datetime(2021, 1, 14, 0, 52, tzinfo=UTC), TrackingStatus.IN_TRANSIT, "InTransit_001")]
    assert (update.carrier, update.tracking_number, update.estimated_delivery) == ("usps", "0000000000000000", None)


def test_newer_versions_postal_code_and_country_region_are_read():
    payload = fixture("aftership", "tracking_update.json")
    checkpoint = payload["msg"]["checkpoints"][1]
    checkpoint["postal_code"] = checkpoint.pop("zip") or "523000"
    checkpoint["country_region"] = checkpoint.pop("country_iso3")

    [update] = aftership.to_tracking_updates(payload)

    assert update.events[1].place == Place(postal_code="523000", country="CN")


@pytest.mark.parametrize(("tag", "status"), sorted(aftership.TAG.items()))
def test_every_documented_tag_maps(tag, status):
    payload = fixture("aftership", "tracking_update.json")
    payload["msg"]["checkpoints"][0].update(tag=tag, subtag=f"{tag}_001")

    [update] = aftership.to_tracking_updates(payload)

    assert (update.events[0].status, update.events[0].carrier_code) == (status, f"{tag}_001")


@pytest.mark.parametrize(("subtag", "status"), [
    ("Exception_010", TrackingStatus.RETURNING),  # "Returning to sender"
    ("Exception_011", TrackingStatus.RETURNED),  # "Returned to sender"
    ("Exception_013", TrackingStatus.EXCEPTION),  # "Shipment lost": the tag says it
    ("Exception_021", TrackingStatus.EXCEPTION),  # added in 2026: the tag stands, the subtag is kept
])
def test_return_subtags_say_more_than_their_exception_tag(subtag, status):
    payload = fixture("aftership", "tracking_update.json")
    payload["msg"]["checkpoints"][-1].update(tag="Exception", subtag=subtag)

    [update] = aftership.to_tracking_updates(payload)

    assert (update.events[-1].status, update.events[-1].carrier_code) == (status, subtag)


@pytest.mark.parametrize("event", ["edd_revise", "tracking_pending_time"])
def test_estimate_and_pending_events_carry_the_tracking_too(event):
    [update] = aftership.to_tracking_updates(fixture("aftership", "tracking_update.json") | {"event": event})

    assert len(update.events) == 14


def test_events_of_other_aftership_products_yield_nothing():
    payload = fixture("aftership", "tracking_update.json") | {"event": "return.approved"}

    assert aftership.to_tracking_updates(payload) == []


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p["msg"]["checkpoints"][3].update(tag="Lost"), "msg.checkpoints.3.tag"),
    (lambda p: p["msg"]["checkpoints"][4].update(checkpoint_time=None), "msg.checkpoints.4.checkpoint_time"),
    (lambda p: p["msg"].update(tracking_number=""), "msg.tracking_number"),
    (lambda p: p.pop("msg"), "msg"),
    (lambda p: p.update(event=7), "event"),
])
def test_a_malformed_payload_names_the_native_field(change, field):
    payload = copy.deepcopy(fixture("aftership", "tracking_update.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        aftership.to_tracking_updates(payload)

    assert field in fields_of(error)


BODY = raw("aftership", "tracking_update_trimmed.json")


def test_a_push_signed_with_either_secret_of_a_rotation_verifies():
    assert aftership.verify(["new", "old"], signed("old", BODY))
    assert aftership.verify(["new", "old"], signed("new", BODY))


@pytest.mark.parametrize("request_", [
    signed("neither", BODY),
    signed("old", BODY).model_copy(update={"body": BODY[:-1] + b" "}),
    signed("old", BODY).model_copy(update={"headers": {}}),
    signed("old", BODY).model_copy(update={"headers": {"aftership-hmac-sha256": "ẞignature"}}),
], ids=["wrong secret", "one byte changed", "unsigned", "non-ascii header"])
def test_anything_but_aftership_s_signature_of_these_bytes_fails(request_):
    assert not aftership.verify(["new", "old"], request_)
