"""17TRACK's TRACKING_UPDATED pushes (a snapshot of one number) become tracking updates."""

import copy
import hashlib
from datetime import UTC, date, datetime

import pytest

from oms.carriers import (CarrierPayloadError, Place, SignedRequest, TrackingStatus, adapter, carrier_slug,
                          seventeen_track)
from tests.unit.carriers.senders import fixture, raw
from tests.unit.carriers.senders import seventeen_track as signed


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def first_event(payload: dict) -> dict:
    return payload["data"]["track_info"]["tracking"]["providers"][0]["events"][0]


def test_an_event_is_classified_by_its_own_stage_at_its_utc_time():
    # GIVEN a captured push: DHL Paket, one event "available for pick-up", while the number's
    # latest status is Exception_Other (it waited there four weeks)
    payload = fixture("17track", "tracking_updated.json")

    # WHEN it is adapted
    [update] = seventeen_track.to_tracking_updates(payload)

    # THEN the event keeps its own stage and time
    assert (update.provider, update.carrier, update.tracking_number) == ("17track", "DHL Paket", "1234567890")
    assert carrier_slug(update.carrier) == "dhl-paket"
    assert [(event.at, event.status, event.carrier_code) for event in update.events] == [
        (datetime(2022, 9, 14, 7, 47, tzinfo=UTC), TrackingStatus.AVAILABLE_FOR_PICKUP, "AvailableForPickup")]
    assert update.events[0].description.startswith("The shipment is available for pick-up")
    assert update.events[0].place is None  # every address field null
    assert update.estimated_delivery is None  # from and to null


def test_the_newest_event_without_a_stage_takes_the_numbers_latest_status():
    payload = fixture("17track", "tracking_updated.json")
    first_event(payload)["stage"] = None

    [update] = seventeen_track.to_tracking_updates(payload)

    assert [(event.status, event.carrier_code) for event in update.events] == [
        (TrackingStatus.EXCEPTION, "Exception_Other")]


def test_an_earlier_event_without_a_stage_is_a_scan_on_the_way():
    payload = fixture("17track", "tracking_updated.json")
    earlier = copy.deepcopy(first_event(payload)) | {"time_iso": "2022-09-12T18:05:00+02:00", "time_utc": None,
                                                     "stage": None, "description": "Arrived at the parcel centre"}
    earlier["address"].update(city="Hamburg", postal_code="20355", country="DE")
    payload["data"]["track_info"]["tracking"]["providers"][0]["events"].append(earlier)

    [update] = seventeen_track.to_tracking_updates(payload)

    assert [(event.at, event.status) for event in update.events] == [
        (datetime(2022, 9, 14, 7, 47, tzinfo=UTC), TrackingStatus.AVAILABLE_FOR_PICKUP),
        (datetime(2022, 9, 12, 16, 5, tzinfo=UTC), TrackingStatus.IN_TRANSIT),  # time_iso, its offset applied
    ]
    assert update.events[1].place == Place(city="Hamburg", postal_code="20355", country="DE")


@pytest.mark.parametrize(("stage", "status"), sorted(seventeen_track.STAGE.items()))
def test_every_stage_maps(stage, status):
    payload = fixture("17track", "tracking_updated.json")
    first_event(payload)["stage"] = stage

    [update] = seventeen_track.to_tracking_updates(payload)

    assert (update.events[0].status, update.events[0].carrier_code) == (status, stage)


@pytest.mark.parametrize(("main", "status"), sorted(seventeen_track.MAIN_STATUS.items()))
def test_every_main_status_maps(main, status):
    payload = fixture("17track", "tracking_updated.json")
    first_event(payload)["stage"] = None
    payload["data"]["track_info"]["latest_status"].update(status=main, sub_status=None)

    [update] = seventeen_track.to_tracking_updates(payload)

    assert (update.events[0].status, update.events[0].carrier_code) == (status, main)


@pytest.mark.parametrize(("sub", "status"), sorted(seventeen_track.SUB_STATUS.items()))
def test_every_sub_status_maps(sub, status):
    payload = fixture("17track", "tracking_updated.json")
    first_event(payload)["stage"] = None
    payload["data"]["track_info"]["latest_status"].update(status=sub.partition("_")[0], sub_status=sub)

    [update] = seventeen_track.to_tracking_updates(payload)

    assert (update.events[0].status, update.events[0].carrier_code) == (status, sub)


def test_a_sub_status_17track_adds_later_leaves_the_main_status_standing():
    payload = fixture("17track", "tracking_updated.json")
    first_event(payload)["stage"] = None
    payload["data"]["track_info"]["latest_status"].update(status="Exception", sub_status="Exception_Quarantined")

    [update] = seventeen_track.to_tracking_updates(payload)

    assert (update.events[0].status, update.events[0].carrier_code) == (
        TrackingStatus.EXCEPTION, "Exception_Quarantined")


def test_the_estimate_is_the_end_of_17tracks_window():
    payload = fixture("17track", "tracking_updated.json")
    payload["data"]["track_info"]["time_metrics"]["estimated_delivery_date"].update(
        source="Official", **{"from": "2022-09-15T00:00:00+02:00", "to": "2022-09-17T00:00:00+02:00"})

    [update] = seventeen_track.to_tracking_updates(payload)

    assert update.estimated_delivery == date(2022, 9, 17)


def test_without_a_named_provider_the_carrier_is_17tracks_key():
    payload = fixture("17track", "tracking_updated.json")
    payload["data"]["track_info"]["tracking"]["providers"][0]["provider"]["name"] = None

    [update] = seventeen_track.to_tracking_updates(payload)

    assert (update.carrier, carrier_slug(update.carrier)) == ("7041", "dhl-paket")


def test_a_stopped_number_yields_nothing():
    assert adapter("17track").to_tracking_updates(fixture("17track", "tracking_updated.json")
                                                  | {"event": "TRACKING_STOPPED"}) == []


PATH = "data.track_info.tracking.providers.0.events.0"


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: first_event(p).update(stage="Teleported"), f"{PATH}.stage"),
    (lambda p: first_event(p).update(time_utc=None, time_iso=None), f"{PATH}.time_utc"),
    (lambda p: (first_event(p).update(stage=None), p["data"]["track_info"]["latest_status"].update(status="Lost")),
     "data.track_info.latest_status.status"),
    (lambda p: p["data"].update(number=None), "data.number"),
    (lambda p: p.pop("data"), "data"),
])
def test_a_malformed_payload_names_the_native_field(change, field):
    payload = copy.deepcopy(fixture("17track", "tracking_updated.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        seventeen_track.to_tracking_updates(payload)

    assert field in fields_of(error)


BODY = raw("17track", "tracking_updated.json")


def test_the_sign_header_is_sha256_of_the_body_a_slash_and_the_key():
    expected = hashlib.sha256(BODY + b"/" + b"security-key").hexdigest()

    assert seventeen_track.verify(["security-key"], SignedRequest(body=BODY, headers={"sign": expected}))
    assert seventeen_track.verify(["security-key"], SignedRequest(body=BODY, headers={"sign": expected.upper()}))


def test_a_push_signed_with_either_key_of_a_rotation_verifies():
    assert seventeen_track.verify(["new-key", "old-key"], signed("old-key", BODY))
    assert seventeen_track.verify(["new-key", "old-key"], signed("new-key", BODY))


@pytest.mark.parametrize("request_", [
    signed("neither", BODY),
    signed("old-key", BODY).model_copy(update={"body": BODY.replace(b"Hamburg", b"Hamburk", 1)}),
    signed("old-key", BODY).model_copy(update={"headers": {}}),
    signed("old-key", BODY).model_copy(update={"headers": {"sign": "ſign"}}),
    SignedRequest(body=BODY, headers={"sign": hashlib.sha256(BODY + b"old-key").hexdigest()}),
], ids=["wrong key", "one byte changed", "unsigned", "non-ascii", "no slash"])
def test_anything_but_17tracks_sign_of_these_bytes_fails(request_):
    assert not seventeen_track.verify(["new-key", "old-key"], request_)
