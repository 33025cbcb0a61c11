"""Locations act on their shipments: accept, ship, reject; a rejection releases and re-sources."""

from __future__ import annotations

import pytest

from oms.store.inventory import InventoryStore
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import read, stream_event


def location(location_id: str) -> dict:
    return {"principalId": f"location:{location_id}", "kind": "location", "location_id": location_id}


@pytest.fixture
def allocated(deployed):
    """An order for 2 TSHIRT-RED-M, allocated: (intake, allocation, order_id, its shipment)."""
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                     principal=channel_principal())))["order_id"]
    allocation.invoke(stream_event(deployed, order_id))
    (shipment,) = read(intake, order_id)["shipments"]
    return intake, allocation, order_id, shipment


def act(deployed, shipment, action, body=None, by=None):
    function = deployed.function("FulfilmentFunction")
    event = api_event("POST", f"/shipments/{{shipment_id}}/{action}", f"/shipments/{shipment['shipment_id']}/{action}",
                      body=body, principal=location(by or shipment["location_id"]),
                      path_parameters={"shipment_id": shipment["shipment_id"]})
    answer = function.invoke(event)
    return answer["statusCode"], response_json(answer)


def reserved(deployed, sku: str) -> dict[str, int]:
    store = InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))
    return {s.location_id: s.reserved for s in store.stock(sku)}


def test_a_location_accepts_then_ships_and_the_order_is_shipped(deployed, allocated):
    intake, _, order_id, shipment = allocated

    assert act(deployed, shipment, "accept")[0] == 200
    status, shipped = act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"})

    assert status == 200 and shipped["status"] == "shipped" and shipped["tracking_number"] == "1Z999AA10123456784"
    order = read(intake, order_id)
    assert order["status"] == "shipped" and order["shipments"][0]["carrier"] == "UPS"


def test_another_locations_key_cannot_touch_the_shipment(deployed, allocated):
    _, _, _, shipment = allocated
    other = "store-nyc" if shipment["location_id"] != "store-nyc" else "wh-reno"

    assert act(deployed, shipment, "accept", by=other)[0] == 403


def test_a_no_stock_rejection_releases_the_units_and_the_order_is_sourced_elsewhere(deployed, allocated):
    intake, allocation, order_id, shipment = allocated
    first = shipment["location_id"]
    assert reserved(deployed, "TSHIRT-RED-M")[first] == 2

    status, rejected = act(deployed, shipment, "reject", {"reason": "no_stock"})
    again = act(deployed, shipment, "reject", {"reason": "no_stock"})

    assert status == 200 and rejected["status"] == "rejected"
    assert again == (200, rejected)  # a retry: answered the same, released exactly once
    assert reserved(deployed, "TSHIRT-RED-M")[first] == 0
    levels = {s.location_id: s for s in InventoryStore(deployed.name_of("InventoryTable"),
                                                        deployed.client("dynamodb")).stock("TSHIRT-RED-M")}
    assert levels[first].available <= 0  # what it claimed to have free is written off
    assert read(intake, order_id)["status"] == "approved"

    allocation.invoke(stream_event(deployed, order_id))

    order = read(intake, order_id)
    assert order["status"] == "allocated"
    live = [s for s in order["shipments"] if s["status"] == "pending"]
    assert len(live) == 1 and live[0]["location_id"] != first
    assert sum(reserved(deployed, "TSHIRT-RED-M").values()) == 2


@pytest.mark.parametrize(("action", "body", "status"), [
    ("reject", {"reason": "bored"}, 422), ("ship", {"carrier": "UPS"}, 422), ("reject", None, 400),
])
def test_bad_requests_change_nothing(deployed, allocated, action, body, status):
    _, _, _, shipment = allocated

    assert act(deployed, shipment, action, body)[0] == status
    assert reserved(deployed, "TSHIRT-RED-M")[shipment["location_id"]] == 2


def test_an_unknown_shipment_is_404(deployed):
    fake = {"shipment_id": "shp_01JZZZZZZZZZZZZZZZZZZZZZZZ_01", "location_id": "wh-reno"}

    assert act(deployed, fake, "accept")[0] == 404


def test_cancelling_an_allocated_order_gives_its_stock_back_once(deployed, allocated):
    intake, _, order_id, shipment = allocated
    review = deployed.function("ReviewFunction")

    def cancel():
        return review.invoke(api_event("POST", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel",
                                       principal={"principalId": "admin", "kind": "admin"},
                                       path_parameters={"order_id": order_id}))["statusCode"]

    assert cancel() == 200
    assert cancel() == 409
    assert reserved(deployed, "TSHIRT-RED-M")[shipment["location_id"]] == 0
    order = read(intake, order_id)
    assert order["status"] == "cancelled" and order["shipments"][0]["status"] == "cancelled"
    assert act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": "1Z"})[0] == 409
