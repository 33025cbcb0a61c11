"""Stock over the admin API: set, count, receive; availability per location and per channel."""

from __future__ import annotations

import pytest

from tests.emf import counted
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, response_json


@pytest.fixture
def inventory(deployed):
    return deployed.function("InventoryFunction")


def call(inventory, method, resource, params, body=None, principal=ADMIN_PRINCIPAL, query=None):
    path = resource.format(**params)
    event = api_event(method, resource, path, body=body, principal=principal, path_parameters=params)
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    answer = inventory.invoke(event)
    return answer["statusCode"], response_json(answer)


STOCK = "/inventory/{sku}/{location_id}"


def test_setting_stock_keeps_available_equal_to_on_hand_less_reserved_and_safety(deployed, inventory):
    status, stock = call(inventory, "PUT", STOCK, {"sku": "SOCK-9", "location_id": "store-sf"},
                         {"on_hand": 30, "safety_stock": 4})

    assert status == 200 and (stock["on_hand"], stock["safety_stock"], stock["available"]) == (30, 4, 26)


def test_counting_and_receiving_move_on_hand_and_available_together(deployed, inventory):
    where = {"sku": "MUG-LOGO", "location_id": "wh-reno"}  # demo: 300 on hand, 20 safety

    _, lost = call(inventory, "POST", STOCK + "/adjust", where, {"delta": -5, "reason": "broken in the aisle"})
    _, received = call(inventory, "POST", STOCK + "/receive", where, {"quantity": 50, "reference": "PO-7781"})

    assert (lost["on_hand"], lost["available"]) == (295, 275)
    assert (received["on_hand"], received["available"]) == (345, 325)


def test_receiving_a_new_sku_creates_its_stock_and_puts_it_in_the_catalogue(deployed, inventory):
    status, stock = call(inventory, "POST", STOCK + "/receive", {"sku": "NEW-1", "location_id": "wh-columbus"},
                         {"quantity": 12})
    _, view = call(inventory, "GET", "/inventory/{sku}", {"sku": "NEW-1"})

    assert status == 200 and stock["on_hand"] == 12
    assert view["available"] == 12 and [row["location_id"] for row in view["locations"]] == ["wh-columbus"]


@pytest.mark.parametrize(("resource", "where", "body", "status"), [
    (STOCK + "/adjust", {"sku": "MUG-LOGO", "location_id": "wh-reno"}, {"delta": -301, "reason": "count"}, 409),
    (STOCK + "/adjust", {"sku": "NOPE", "location_id": "wh-reno"}, {"delta": 1, "reason": "count"}, 404),
    (STOCK + "/adjust", {"sku": "MUG-LOGO", "location_id": "wh-reno"}, {"delta": 0, "reason": "count"}, 422),
    (STOCK + "/adjust", {"sku": "MUG-LOGO", "location_id": "wh-reno"}, {"delta": 1}, 422),
    (STOCK + "/receive", {"sku": "MUG-LOGO", "location_id": "nowhere"}, {"quantity": 1}, 404),
    (STOCK + "/receive", {"sku": "MUG-LOGO", "location_id": "wh-reno"}, {"quantity": -3}, 422),
])
def test_impossible_changes_are_refused_and_change_nothing(deployed, inventory, resource, where, body, status):
    before = call(inventory, "GET", "/inventory/{sku}", {"sku": "MUG-LOGO"})[1]

    assert call(inventory, "POST", resource, where, body)[0] == status
    assert call(inventory, "GET", "/inventory/{sku}", {"sku": "MUG-LOGO"})[1] == before


def test_availability_per_channel_counts_only_the_locations_serving_it(deployed, inventory):
    call(inventory, "PUT", STOCK, {"sku": "TSHIRT-RED-M", "location_id": "store-sf"}, {"on_hand": 12, "safety_stock": 2})
    _, everywhere = call(inventory, "GET", "/inventory/{sku}", {"sku": "TSHIRT-RED-M"})

    assert everywhere["available"] == 110 + 70 + 10  # demo stock less safety stock
    _, as_web = call(inventory, "GET", "/inventory/{sku}", {"sku": "TSHIRT-RED-M"}, principal=channel_principal("web"))
    assert as_web["channel"] == "web" and as_web["available"] == everywhere["available"]
    status, _ = call(inventory, "GET", "/inventory/{sku}", {"sku": "TSHIRT-RED-M"}, principal=channel_principal("web"),
                     query={"channel": "amazon"})
    assert status == 403


def test_locations_are_listed(deployed, inventory):
    _, body = call(inventory, "GET", "/locations", {})

    assert {"wh-reno", "store-sf"} <= {location["location_id"] for location in body["locations"]}


def test_a_bulk_change_applies_each_line_and_reports_each_by_position(deployed, inventory, capsys):
    body = {"changes": [
        {"sku": "MUG-LOGO", "location_id": "wh-reno", "delta": -10, "reason": "stock take"},
        {"sku": "MUG-LOGO", "location_id": "store-austin", "quantity": 5},
        {"sku": "SOCK-9", "location_id": "wh-columbus", "on_hand": 40, "safety_stock": 5},
        {"sku": "MUG-LOGO", "location_id": "nowhere", "quantity": 1},
        {"sku": "NOPE", "location_id": "wh-reno", "delta": 3, "reason": "found"},
    ]}

    status, answer = call(inventory, "POST", "/inventory/bulk", {}, body)

    assert status == 200
    assert [result["status"] for result in answer["results"]] == ["ok", "ok", "ok", "error", "error"]
    assert counted(capsys.readouterr().out, "StockUpdates", service="inventory") == 3
    _, mugs = call(inventory, "GET", "/inventory/{sku}", {"sku": "MUG-LOGO"})
    assert {row["location_id"]: row["on_hand"] for row in mugs["locations"]} == {"store-austin": 30, "wh-reno": 290}


def test_a_bulk_line_must_say_one_kind_of_change(deployed, inventory):
    body = {"changes": [{"sku": "MUG-LOGO", "location_id": "wh-reno", "quantity": 5, "on_hand": 3}]}

    status, answer = call(inventory, "POST", "/inventory/bulk", {}, body)

    assert status == 422 and answer["errors"][0]["field"] == "changes.0"
