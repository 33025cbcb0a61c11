"""UPS Track Alert pushes (one activity of one package) become tracking updates."""

import copy
from datetime import UTC, date, datetime

import pytest

from oms.carriers import CarrierPayloadError, Place, SignedRequest, TrackingStatus, ups
from tests.unit.carriers.senders import fixture, raw
from tests.unit.carriers.senders import ups as signed


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_an_out_for_delivery_push_is_one_event_at_its_gmt_time():
    # GIVEN UPS's own out-for-delivery example: 09:15:19 local, 13:15:19 GMT
    payload = fixture("ups", "out_for_delivery.json")

    # WHEN it is adapted
    [update] = ups.to_tracking_updates(payload)

    # THEN its one event is at the GMT time, out for delivery by its code OT
    assert (update.provider, update.carrier, update.tracking_number) == ("ups", "UPS", "1Z204W4R0308071865")
    [event] = update.events
    assert (event.at, event.status, event.carrier_code, event.description) == (
        datetime(2024, 4, 23, 13, 15, 19, tzinfo=UTC), TrackingStatus.OUT_FOR_DELIVERY, "OT", "Out for Delivery")
    assert event.place == Place(city="Charlotte", region="NC", postal_code="30004", country="US")
    assert (update.estimated_delivery, update.estimated_at) == (date(2024, 4, 23), event.at)


def test_a_delivery_push():
    [update] = ups.to_tracking_updates(fixture("ups", "delivered.json"))

    [event] = update.events
    assert (event.at, event.status, event.carrier_code) == (
        datetime(2024, 4, 23, 13, 50, 4, tzinfo=UTC), TrackingStatus.DELIVERED, "FS")
    assert update.estimated_delivery == date(2019, 10, 14)  # the docs example's scheduled date, as UPS sent it


def test_without_the_gmt_pair_the_local_time_less_the_gmt_offset_is_used():
    payload = fixture("ups", "out_for_delivery.json") | {"gmtActivityDate": "", "gmtActivityTime": "",
                                                          "gmtOffset": "-04.00"}

    [update] = ups.to_tracking_updates(payload)

    assert update.events[0].at == datetime(2024, 4, 23, 13, 15, 19, tzinfo=UTC)


@pytest.mark.parametrize(("native", "status"), sorted(ups.TYPE.items()))
def test_every_documented_activity_type_maps(native, status):
    payload = fixture("ups", "delivered.json")
    payload["activityStatus"]["type"] = native

    [update] = ups.to_tracking_updates(payload)

    assert update.events[0].status == status


@pytest.mark.parametrize(("change", "field"), [
    (lambda p: p["activityStatus"].update(type="Z"), "activityStatus.type"),
    (lambda p: p.pop("activityStatus"), "activityStatus.type"),
    (lambda p: p.update(gmtActivityDate="", gmtActivityTime=""), "gmtActivityDate"),
    (lambda p: p.update(gmtActivityTime="251519"), "gmtActivityDate"),
    (lambda p: p.update(trackingNumber=" "), "trackingNumber"),
])
def test_a_malformed_payload_names_the_native_field(change, field):
    payload = copy.deepcopy(fixture("ups", "out_for_delivery.json"))
    change(payload)

    with pytest.raises(CarrierPayloadError) as error:
        ups.to_tracking_updates(payload)

    assert field in fields_of(error)


BODY = raw("ups", "out_for_delivery.json")


def test_the_credential_chosen_at_subscription_proves_a_push_under_either_secret():
    assert ups.verify(["new-credential", "old-credential"], signed("old-credential", BODY))
    assert ups.verify(["new-credential", "old-credential"], signed("new-credential", BODY))


@pytest.mark.parametrize("headers", [{}, {"credential": ""}, {"credential": "old-credential2"},
                                     {"credential": "Old-Credential"}, {"credential": "crédential"}])
def test_a_missing_or_different_credential_does_not(headers):
    assert not ups.verify(["new-credential", "old-credential"], SignedRequest(body=BODY, headers=headers))
