"""Shippo's track_updated webhooks (a Track in `data`) become tracking updates."""

import copy
from datetime import UTC, date, datetime

import pytest

from oms.carriers import CarrierPayloadError, Place, SignedRequest, TrackingStatus, shippo
from tests.unit.carriers.senders import fixture, raw
from tests.unit.carriers.senders import shippo as signed
from tests.unit.carriers.senders import shippo_token


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_the_history_is_the_events_and_the_latest_status_is_not_counted_twice():
    # GIVEN Shippo's dashboard test webhook: UNKNOWN, TRANSIT, FAILURE, DELIVERED, and a
    # tracking_status that repeats the last of them (its own id, a time 2 ms off)
    payload = fixture("shippo", "track_updated.json")

    # WHEN it is adapted
    [update] = shippo.to_tracking_updates(payload)

    # THEN there are four events, each at its own UTC time
    assert (update.provider, update.tracking_number) == ("shippo", "SHIPPO_DELIVERED")
    assert [(event.at, event.status, event.carrier_code) for event in update.events] == [
        (datetime(2020, 3, 8, 1, 29, 6, 473000, tzinfo=UTC), TrackingStatus.UNKNOWN, "UNKNOWN"),
        (datetime(2020, 3, 9, 3, 34, 6, 473000, tzinfo=UTC), TrackingStatus.IN_TRANSIT, "TRANSIT"),
        (datetime(2020, 3, 10, 5, 39, 6, 473000, tzinfo=UTC), TrackingStatus.EXCEPTION, "FAILURE"),
        (datetime(2020, 3, 11, 7, 44, 6, 473000, tzinfo=UTC), TrackingStatus.DELIVERED, "DELIVERED"),
    ]
    assert update.events[2].place == Place(city="Memphis", region="TN", postal_code="37501", country="US")
    assert update.events[3].description == "Your shipment has been delivered."


def test_the_eta_is_the_estimate_and_the_older_shapes_carrier_is_read_beside_data():
    [update] = shippo.to_tracking_updates(fixture("shippo", "track_updated.json"))

    assert update.estimated_delivery == date(2020, 3, 11)
    assert update.carrier == "shippo"  # data.carrier is null; the test webhook names it at the top


def test_a_latest_status_the_history_lacks_is_an_event_too():
    payload = fixture("shippo", "track_updated.json")
    payload["data"]["tracking_status"].update(status="RETURNED", status_details="Returning to the sender.",
                                              status_date="2020-03-12T10:00:00Z")

    [update] = shippo.to_tracking_updates(payload)

    assert len(update.events) == 5
    assert (update.events[-1].at, update.events[-1].status) == (datetime(2020, 3, 12, 10, tzinfo=UTC),
                                                                TrackingStatus.RETURNING)


def test_a_substatus_filed_under_another_status_does_not_override_it():
    # GIVEN the schema example: DELIVERED with the placeholder substatus information_received
    [update] = shippo.to_tracking_updates(fixture("shippo", "track_updated_schema_example.json"))

    assert [(event.status, event.carrier_code) for event in update.events] == [
        (TrackingStatus.DELIVERED, "information_received")]
    assert (update.carrier, update.tracking_number, update.estimated_delivery) == (
        "usps", "9205590164917312751089", date(2019, 8, 24))


@pytest.mark.parametrize(("native", "status"), sorted(shippo.STATUS.items()))
def test_every_documented_status_maps(native, status):
    payload = fixture("shippo", "track_updated.json")
    payload["data"]["tracking_history"][0]["status"] = native

    [update] = shippo.to_tracking_updates(payload)

    assert update.events[0].status == status


@pytest.mark.parametrize(("code", "filed_under", "status"),
                         [(code, parent, status) for code, (parent, status) in sorted(shippo.SUBSTATUS.items())])
def test_every_documented_substatus_maps_under_its_status(code, filed_under, status):
    payload = fixture("shippo", "track_updated_schema_example.json")
    for entry in (payload["data"]["tracking_history"][0], payload["data"]["tracking_status"]):
        entry["status"] = filed_under
        entry["substatus"]["code"] = code

    [update] = shippo.to_tracking_updates(payload)

    assert [(event.status, event.carrier_code) for event in update.events] == [(status, code)]


@pytest.mark.parametrize("event", ["transaction_created", "transaction_updated", "batch_created", "batch_purchased"])
def test_events_that_are_not_about_tracking_yield_nothing(event):
    assert shippo.to_tracking_updates(fixture("shippo", "track_updated.json") | {"event": event}) == []


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p["data"]["tracking_history"][0].update(status="IN_CUSTOMS"), "data.tracking_history.0.status"),
    (lambda p: p["data"]["tracking_history"][1].update(status_date="soon"), "data.tracking_history.1.status_date"),
    (lambda p: p["data"]["tracking_status"].update(status=None, status_details="?"), "data.tracking_status.status"),
    (lambda p: p["data"].update(tracking_number=None), "data.tracking_number"),
    (lambda p: p.update(data="SHIPPO_DELIVERED"), "data"),
])
def test_a_malformed_payload_names_the_native_field(change, field):
    payload = copy.deepcopy(fixture("shippo", "track_updated.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        shippo.to_tracking_updates(payload)

    assert field in fields_of(error)


BODY = raw("shippo", "track_updated.json")
SIGNATURE = signed("old", BODY).headers["shippo-auth-signature"]  # t=1688493073,v1=<hex>


def test_the_webhook_urls_token_proves_a_push_under_either_secret():
    assert shippo.verify(["new-token", "old-token"], shippo_token("old-token", BODY))
    assert shippo.verify(["new-token", "old-token"], shippo_token("new-token", BODY))


@pytest.mark.parametrize("query", [{}, {"token": ""}, {"token": "old-token "}, {"token": "tökén"}])
def test_a_missing_or_different_token_does_not(query):
    assert not shippo.verify(["new-token", "old-token"], SignedRequest(body=BODY, query=query))


def test_shippos_hmac_signature_proves_a_push_under_either_secret():
    assert shippo.verify(["new", "old"], signed("old", BODY))
    assert shippo.verify(["new", "old"], signed("new", BODY, timestamp=1712741696))


@pytest.mark.parametrize("request_", [
    signed("neither", BODY),
    SignedRequest(body=BODY.replace(b"Chicago", b"Chicagp", 1), headers={"shippo-auth-signature": SIGNATURE}),
    SignedRequest(body=BODY, headers={"shippo-auth-signature": SIGNATURE.replace("t=1688493073", "t=1688493074")}),
    SignedRequest(body=BODY, headers={"shippo-auth-signature": SIGNATURE.split(",")[1]}),
    SignedRequest(body=BODY, headers={"shippo-auth-signature": "t=1688493073,v1=ßß"}),
    SignedRequest(body=BODY),
], ids=["wrong secret", "one byte changed", "another timestamp", "no timestamp", "non-ascii", "unsigned"])
def test_anything_but_shippos_signature_of_this_timestamp_and_body_fails(request_):
    assert not shippo.verify(["new", "old"], request_)


def test_either_proof_alone_is_enough():
    signature = signed("hmac-secret", BODY).headers

    assert shippo.verify(["hmac-secret"], SignedRequest(body=BODY, headers=signature, query={"token": "wrong"}))
    assert shippo.verify(["url-token"], SignedRequest(body=BODY, headers=signature, query={"token": "url-token"}))
