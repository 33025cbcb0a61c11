"""EasyPost's tracker webhooks (an Event whose result is a Tracker) become tracking updates."""

import copy
from datetime import UTC, date, datetime

import pytest

from oms.carriers import CarrierPayloadError, Place, SignedRequest, TrackingStatus, easypost
from tests.unit.carriers.senders import fixture, raw
from tests.unit.carriers.senders import easypost as signed


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_a_tracker_update_carries_every_detail_of_its_history_in_utc():
    # GIVEN a FedEx tracker.updated event with seven tracking details
    payload = fixture("easypost", "tracker_updated.json")

    # WHEN it is adapted
    [update] = easypost.to_tracking_updates(payload)

    # THEN every detail is an event at its own time, with EasyPost's status mapped
    assert (update.provider, update.carrier, update.tracking_number) == ("easypost", "FedEx", "1")
    assert len(update.events) == 7
    assert [event.status for event in update.events] == [TrackingStatus.INFO_RECEIVED] + [TrackingStatus.IN_TRANSIT] * 6
    assert update.events[0].at == datetime(2024, 7, 31, 15, 0, tzinfo=UTC)
    assert update.events[-1].at == datetime(2024, 8, 2, 18, 50, tzinfo=UTC)
    assert [event.carrier_code for event in update.events[:2]] == ["label_created", "arrived_at_facility"]
    assert update.events[1].description == "Picked up"
    assert update.events[1].place == Place(city="ORLANDO", region="FL", postal_code="32809", country="US")
    assert update.events[0].place == Place(postal_code="32837", country="US")


def test_the_estimate_is_the_carriers_local_day_and_dated_by_the_push():
    [update] = easypost.to_tracking_updates(fixture("easypost", "tracker_updated.json"))

    assert update.estimated_delivery == date(2024, 8, 5)  # carrier_detail.est_delivery_date_local
    assert update.estimated_at == datetime(2024, 8, 2, 19, 26, 52, tzinfo=UTC)


def test_a_delivered_tracker_without_status_details_keeps_each_status_as_its_code():
    # GIVEN EasyPost's tracking-guide webhook: UPS, pre_transit to delivered, no status_detail
    [update] = easypost.to_tracking_updates(fixture("easypost", "tracker_updated_delivered.json"))

    assert (update.carrier, update.tracking_number) == ("UPS", "EZ4000000004")
    assert [event.status for event in update.events] == [
        TrackingStatus.INFO_RECEIVED, TrackingStatus.IN_TRANSIT, TrackingStatus.IN_TRANSIT, TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED,
    ]
    assert [event.carrier_code for event in update.events][-2:] == ["out_for_delivery", "delivered"]
    assert update.events[0].place is None  # every location field null
    assert update.events[-1].place == Place(city="SAN FRANCISCO", region="CA", country="US")
    assert update.estimated_delivery == date(2014, 11, 27)  # est_delivery_date, midnight UTC


def test_a_new_tracker_with_a_usps_history_and_no_country():
    [update] = easypost.to_tracking_updates(fixture("easypost", "tracker_created.json"))

    assert (update.carrier, update.tracking_number) == ("USPS", "EZ1000000001")
    assert [(event.at, event.status) for event in update.events] == [
        (datetime(2025, 4, 9, 20, 40, 17, tzinfo=UTC), TrackingStatus.INFO_RECEIVED),
        (datetime(2025, 4, 10, 9, 17, 17, tzinfo=UTC), TrackingStatus.INFO_RECEIVED),
    ]
    assert update.events[1].place == Place(city="HOUSTON", region="TX", postal_code="77063")
    assert update.estimated_delivery == date(2025, 5, 9)


@pytest.mark.parametrize(("native", "status"), sorted(easypost.STATUS.items()))
def test_every_documented_tracker_status_maps(native, status):
    # GIVEN the documented event with its first detail's status changed
    payload = fixture("easypost", "tracker_updated.json")
    payload["result"]["tracking_details"][0]["status"] = native

    [update] = easypost.to_tracking_updates(payload)

    assert update.events[0].status == status


@pytest.mark.parametrize("description", ["batch.created", "shipment.invoice.created", "refund.successful"])
def test_events_that_are_not_about_a_tracker_yield_nothing(description):
    payload = fixture("easypost", "tracker_updated.json") | {"description": description}

    assert easypost.to_tracking_updates(payload) == []


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p["result"]["tracking_details"][2].update(status="lost_in_space"), "result.tracking_details.2.status"),
    (lambda p: p["result"]["tracking_details"][3].pop("status"), "result.tracking_details.3.status"),
    (lambda p: p["result"]["tracking_details"][1].update(datetime="yesterday"), "result.tracking_details.1.datetime"),
    (lambda p: p["result"].update(tracking_code=None), "result.tracking_code"),
    (lambda p: p.update(result=None), "result"),
    (lambda p: p.pop("description"), "description"),
])
def test_a_malformed_payload_names_the_native_field(change, field):
    payload = copy.deepcopy(fixture("easypost", "tracker_updated.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        easypost.to_tracking_updates(payload)

    assert field in fields_of(error)


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(CarrierPayloadError) as error:
        easypost.to_tracking_updates([])  # type: ignore[arg-type]

    assert fields_of(error) == {"body"}


BODY = raw("easypost", "tracker_updated.json")
SIGNATURE = signed("old-secret", BODY).headers["x-hmac-signature"]


def test_a_push_signed_with_either_secret_of_a_rotation_verifies():
    assert easypost.verify(["new-secret", "old-secret"], signed("old-secret", BODY))
    assert easypost.verify(["new-secret", "old-secret"], signed("new-secret", BODY))


@pytest.mark.parametrize("request_", [
    signed("someone-else", BODY),
    SignedRequest(body=BODY.replace(b"FedEx", b"FedEy", 1), headers={"x-hmac-signature": SIGNATURE}),
    SignedRequest(body=BODY),
    SignedRequest(body=BODY, headers={"x-hmac-signature": SIGNATURE.removeprefix("hmac-sha256-hex=")}),
    SignedRequest(body=BODY, headers={"x-hmac-signature": "hmac-sha256-hex=ünïcode"}),
], ids=["wrong secret", "one byte changed", "unsigned", "no scheme prefix", "non-ascii header"])
def test_anything_but_easyposts_signature_of_these_bytes_fails(request_):
    assert not easypost.verify(["new-secret", "old-secret"], request_)


@pytest.mark.parametrize(("typed", "plain"), [("ﬁnance-key", "finance-key"), ("ＳＥＣＲＥＴ-１", "SECRET-1")])
def test_a_secret_is_used_in_its_nfkd_form_as_easyposts_libraries_do(typed, plain):
    # GIVEN a secret held as typed, with a ligature or full-width characters, and EasyPost signing
    # with its NFKD form
    request = signed(plain, BODY)

    # THEN either spelling of the secret verifies the push
    assert easypost.verify([typed], request)
    assert easypost.verify([plain], request)
