"""Locations act on their shipments: accept, ship, reject; a rejection releases and re-sources."""

from __future__ import annotations

import pytest

from infra.faults import Fault, ProcessDied
from oms.store.inventory import InventoryStore
from tests.emf import counted
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


def test_a_location_accepts_then_ships_and_the_order_is_shipped(deployed, allocated, capsys):
    intake, _, order_id, shipment = allocated

    assert act(deployed, shipment, "accept")[0] == 200
    status, shipped = act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"})

    assert status == 200 and shipped["status"] == "shipped" and shipped["tracking_number"] == "1Z999AA10123456784"
    output = capsys.readouterr().out
    assert counted(output, "PickUpdates", service="fulfilment", action="accept") == 1
    assert counted(output, "PickUpdates", service="fulfilment", action="ship") == 1
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
    assert capacity_used(deployed, shipment["location_id"]) == 0
    order = read(intake, order_id)
    assert order["status"] == "cancelled" and order["shipments"][0]["status"] == "cancelled"
    assert act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": "1Z"})[0] == 409


def stock_of(deployed, sku: str) -> dict[str, tuple[int, int, int]]:
    store = InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))
    return {s.location_id: (s.on_hand, s.reserved, s.available) for s in store.stock(sku)}


def admin_call(deployed, function_id, method, resource, path, body=None, path_parameters=None, query=None):
    event = api_event(method, resource, path, body=body, principal=ADMIN, path_parameters=path_parameters)
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    answer = deployed.function(function_id).invoke(event)
    return answer["statusCode"], response_json(answer)


ADMIN = {"principalId": "admin", "kind": "admin"}
UPS = {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}


def test_shipping_takes_the_units_out_of_stock_and_records_the_movement(deployed, allocated):
    _, _, _, shipment = allocated
    where = shipment["location_id"]
    on_hand, reserved, available = stock_of(deployed, "TSHIRT-RED-M")[where]

    assert act(deployed, shipment, "ship", UPS)[0] == 200

    assert stock_of(deployed, "TSHIRT-RED-M")[where] == (on_hand - 2, reserved - 2, available)
    status, body = admin_call(deployed, "InventoryFunction", "GET", "/inventory/{sku}/{location_id}/movements",
                              f"/inventory/TSHIRT-RED-M/{where}/movements",
                              path_parameters={"sku": "TSHIRT-RED-M", "location_id": where})
    assert status == 200
    newest = body["movements"][0]
    assert (newest["kind"], newest["on_hand_change"], newest["reserved_change"], newest["shipment_id"]) == (
        "ship", -2, -2, shipment["shipment_id"])
    assert [m["kind"] for m in body["movements"]][:2] == ["ship", "reserve"]


@pytest.mark.parametrize("lines", [
    [{"sku": "TSHIRT-BLUE-L", "quantity": 1, "unit_price": "20.00"}, {"sku": "MUG-LOGO", "quantity": 1,
                                                                      "unit_price": "12.00"}],
    [{"sku": "TSHIRT-BLUE-L", "quantity": 1, "unit_price": "20.00"}, {"sku": "MUG-LOGO", "quantity": 1,
                                                                      "unit_price": "12.00"},
     {"sku": "CAP-BLACK", "quantity": 1, "unit_price": "0.00"}],
])
def test_an_order_of_two_or_three_shipments_is_shipped_when_the_last_one_leaves(deployed, lines):
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
        lines=lines, shipping="0", tax="0", total="32.00"), principal=channel_principal())))["order_id"]
    allocation.invoke(stream_event(deployed, order_id))
    shipments = read(intake, order_id)["shipments"]
    assert len(shipments) == len(lines)

    statuses = []
    for number, shipment in enumerate(shipments):
        assert act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": f"1Z{number}"})[0] == 200
        statuses.append(read(intake, order_id)["status"])

    assert statuses == ["partially_shipped"] * (len(lines) - 1) + ["shipped"]


def test_asking_again_for_what_is_done_changes_nothing(deployed, allocated):
    intake, _, order_id, shipment = allocated

    first, again = act(deployed, shipment, "accept"), act(deployed, shipment, "accept")
    shipped, reshipped = act(deployed, shipment, "ship", UPS), act(deployed, shipment, "ship", UPS)

    assert first == again and first[0] == 200
    assert shipped == reshipped and shipped[0] == 200
    assert reserved(deployed, "TSHIRT-RED-M")[shipment["location_id"]] == 0


def test_a_move_the_lifecycle_refuses_is_recorded_and_changes_nothing(deployed, allocated):
    intake, _, order_id, shipment = allocated
    act(deployed, shipment, "ship", UPS)
    before = stock_of(deployed, "TSHIRT-RED-M")

    status, body = act(deployed, shipment, "ship", {"carrier": "DHL", "tracking_number": "JD014600006281234567"})
    rejected = act(deployed, shipment, "reject", {"reason": "damaged"})

    assert status == 409 and "shipped" in body["message"] and rejected[0] == 409
    assert stock_of(deployed, "TSHIRT-RED-M") == before
    order = read(intake, order_id)
    assert order["status"] == "shipped" and order["shipments"][0]["carrier"] == "UPS"
    refused = [e for e in order["shipments"][0]["history"] if e["refused"]]
    assert [e["shipment"]["to_status"] for e in refused] == ["shipped", "rejected"]


def test_a_location_may_mark_a_shipment_picked(deployed, allocated):
    intake, _, order_id, shipment = allocated

    status, picked = act(deployed, shipment, "pick")

    assert status == 200 and picked["status"] == "picked"
    assert [e["shipment"]["to_status"] for e in read(intake, order_id)["shipments"][0]["history"]] == [
        "pending", "picked"]


def capacity_used(deployed, location_id: str) -> int:
    from oms.store.tables import Tables

    tables = Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))
    location = tables.inventory.location(location_id)
    from datetime import UTC, datetime

    return tables.capacity_used({location_id: location.today(datetime.now(UTC))}).get(location_id, 0)


def test_a_rejection_gives_the_days_capacity_back(deployed, allocated):
    _, _, _, shipment = allocated
    assert capacity_used(deployed, shipment["location_id"]) == 2

    act(deployed, shipment, "reject", {"reason": "no_capacity"})

    assert capacity_used(deployed, shipment["location_id"]) == 0


def test_a_full_day_is_not_sourced_to(deployed):
    from oms.store.tables import Tables

    tables = Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))
    for location in tables.inventory.locations():
        tables.inventory.save_location(location.model_copy(update={"daily_capacity": 3}))
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")

    placed = []
    for _ in range(3):  # 2 units each: the nearest location takes one order, then others do
        order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                         principal=channel_principal())))["order_id"]
        allocation.invoke(stream_event(deployed, order_id))
        placed.append(read(intake, order_id)["shipments"][0]["location_id"])

    assert len(set(placed)) == 3
    for location_id in set(placed):
        assert capacity_used(deployed, location_id) <= 3


def picks(deployed, principal, query=None):
    event = api_event("GET", "/shipments", "/shipments", principal=principal)
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    answer = deployed.function("FulfilmentFunction").invoke(event)
    return answer["statusCode"], response_json(answer)


def test_a_location_lists_its_open_picks_with_where_to_send_them(deployed, allocated):
    _, _, order_id, shipment = allocated
    where = shipment["location_id"]

    status, listed = picks(deployed, location(where))

    assert status == 200
    (pick,) = [p for p in listed["picks"] if p["order_id"] == order_id]
    assert pick["lines"] == [{"line_no": 1, "sku": "TSHIRT-RED-M", "name": None, "quantity": 2}]
    assert pick["ship_to"]["line1"] == "1 Main St" and pick["ship_to"]["postal_code"] == "94107"
    assert pick["ship_to"]["name"] == "Ada Lovelace"  # the address names no one: the buyer receives it
    assert pick["ship_by"] and pick["channel_order_number"] == "#1001" and pick["delivery_method"] == "standard"

    act(deployed, shipment, "accept")
    assert [p["shipment_id"] for p in picks(deployed, location(where))[1]["picks"]] == []
    assert [p["shipment_id"] for p in picks(deployed, location(where), {"status": "accepted"})[1]["picks"]] == [
        shipment["shipment_id"]]
    act(deployed, shipment, "ship", UPS)
    assert picks(deployed, location(where), {"status": "accepted"})[1]["picks"] == []


def test_operations_list_any_locations_picks_without_the_recipient(deployed, allocated):
    _, _, _, shipment = allocated

    status, listed = picks(deployed, ADMIN, {"location_id": shipment["location_id"]})
    missing = picks(deployed, ADMIN)
    other = picks(deployed, location("store-nyc"), {"location_id": shipment["location_id"]})

    assert status == 200
    (pick,) = listed["picks"]
    assert pick["ship_to"] == {"name": None, "company": None, "line1": None, "line2": None,
                               "city": "San Francisco", "region": "CA", "postal_code": "94107", "country": "US"}
    assert missing[0] == 400 and missing[1]["errors"][0]["field"] == "location_id"
    assert other[0] == 403


def test_the_order_shows_each_shipment_with_its_lines_and_history(deployed, allocated):
    intake, _, order_id, shipment = allocated
    act(deployed, shipment, "accept")
    act(deployed, shipment, "ship", UPS)

    (timeline,) = read(intake, order_id)["shipments"]

    assert timeline["status"] == "shipped" and timeline["lines"][0]["quantity"] == 2
    assert [e["shipment"]["to_status"] for e in timeline["history"]] == ["pending", "accepted", "shipped"]
    assert timeline["shipped_at"] and timeline["ship_by"]


def test_a_no_stock_rejection_releases_and_writes_off_in_one_transaction_or_not_at_all(deployed, allocated,
                                                                                        faults):
    _, _, _, shipment = allocated
    here = shipment["location_id"]
    before = stock_of(deployed, "TSHIRT-RED-M")[here]
    faults.next(Fault.DIE, "TransactWriteItems")  # the process ends as it commits the rejection

    with pytest.raises(ProcessDied):
        act(deployed, shipment, "reject", {"reason": "no_stock"})
    assert stock_of(deployed, "TSHIRT-RED-M")[here] == before  # nothing given back to be taken meanwhile
    status, rejected = act(deployed, shipment, "reject", {"reason": "no_stock"})  # the location tries again

    _, reserved, available = stock_of(deployed, "TSHIRT-RED-M")[here]
    assert status == 200 and rejected["status"] == "rejected"
    assert (reserved, available) == (before[1] - 2, 0)  # released, and what showed free written off
