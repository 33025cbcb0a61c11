"""`oms check` on in-process moto: orders placed, allocated, shipped, rejected and cancelled by the
handlers leave nothing broken; each invariant broken by hand in the tables is found, and only it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from infra import cli
from oms.store import keys
from oms.store.audit import audit
from tests.factories import api_event
from tests.integration.test_allocation import post, read, stream_event
from tests.integration.test_fulfilment import ADMIN, UPS, act


@pytest.fixture
def placed(deployed):
    """Orders in every state the handlers reach: {name: order as read}."""
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    orders = {name: post(intake)["order_id"] for name in ("open", "shipped", "rejected", "cancelled")}
    orders["short"] = post(intake, lines=[{"sku": "HOODIE-GREY-S", "quantity": 6, "unit_price": "10.00"}],
                           shipping="0", tax="0", total="60.00")["order_id"]
    orders["held"] = post(intake, lines=[{"sku": "NEVER-STOCKED", "quantity": 1, "unit_price": "39.98"}])["order_id"]
    allocation.invoke(stream_event(deployed, *orders.values()))

    def shipment(name):
        return read(intake, orders[name])["shipments"][-1]

    assert act(deployed, shipment("shipped"), "accept")[0] == 200
    assert act(deployed, shipment("shipped"), "ship", UPS)[0] == 200
    assert act(deployed, shipment("rejected"), "reject", {"reason": "damaged"})[0] == 200
    allocation.invoke(stream_event(deployed, orders["rejected"]))  # sourced again, elsewhere
    cancelled = deployed.function("ReviewFunction").invoke(api_event(
        "POST", "/orders/{order_id}/cancel", f"/orders/{orders['cancelled']}/cancel", principal=ADMIN,
        path_parameters={"order_id": orders["cancelled"]}))
    assert cancelled["statusCode"] == 200
    read_back = {name: read(intake, order_id) for name, order_id in orders.items()}
    assert [read_back[name]["status"] for name in ("open", "shipped", "rejected", "cancelled", "short", "held")] == [
        "allocated", "shipped", "allocated", "cancelled", "partially_allocated", "on_hold"]
    return read_back


def check(deployed, page_size=None):
    return audit(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"),
                 page_size=page_size)


def found(deployed) -> list[tuple[str, str]]:
    return [(v.kind, v.subject) for v in check(deployed).violations]


def update(deployed, table_id, key, expression, **values):
    deployed.client("dynamodb").update_item(
        TableName=deployed.name_of(table_id), Key=key, UpdateExpression=expression,
        ExpressionAttributeValues={f":{name}": value for name, value in values.items()})


def delete(deployed, table_id, key):
    deployed.client("dynamodb").delete_item(TableName=deployed.name_of(table_id), Key=key)


def test_what_the_handlers_did_breaks_nothing(deployed, placed):
    report = check(deployed)

    assert report.violations == ()
    assert report.orders == 6 and report.stock_items == 10  # the demo data's stock records


def test_every_page_is_read_and_a_tiny_page_finds_what_one_page_does(deployed, placed):
    pages = []
    deployed_client = deployed.client("dynamodb")
    deployed_client.meta.events.register("after-call.dynamodb.Scan", lambda **_: pages.append(1))
    update(deployed, "InventoryTable", keys.stock("MUG-LOGO", "wh-reno"), "SET reserved = reserved + :one",
           one={"N": "1"})

    paged = audit(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed_client, page_size=2)

    assert len(pages) > 20  # a few dozen items in each table, two to a page
    assert paged == check(deployed) and paged.counts == {"reserved_without_shipment": 1, "stock_arithmetic": 1}


def test_a_bumped_reservation_is_found(deployed, placed):
    location = placed["open"]["shipments"][0]["location_id"]
    update(deployed, "InventoryTable", keys.stock("TSHIRT-RED-M", location),
           "SET reserved = reserved + :one, available = available - :one", one={"N": "1"})

    assert found(deployed) == [("reserved_without_shipment", f"TSHIRT-RED-M@{location}")]


def test_a_reservation_given_back_while_its_shipment_is_open_is_found(deployed, placed):
    location = placed["short"]["shipments"][0]["location_id"]
    update(deployed, "InventoryTable", keys.stock("HOODIE-GREY-S", location),
           "SET reserved = :none, available = on_hand", none={"N": "0"})

    assert found(deployed) == [("shipment_not_reserved", f"HOODIE-GREY-S@{location}")]


def test_available_off_its_arithmetic_is_found(deployed, placed):
    update(deployed, "InventoryTable", keys.stock("CAP-BLACK", "store-sf"), "SET available = available + :one",
           one={"N": "1"})

    assert found(deployed) == [("stock_arithmetic", "CAP-BLACK@store-sf")]


def test_a_deleted_header_is_found(deployed, placed):
    order_id = placed["shipped"]["order_id"]
    delete(deployed, "OrdersTable", keys.order_header(order_id))

    assert found(deployed) == [("header_missing", order_id)]


def test_a_waiting_order_missing_from_its_skus_waiting_list_is_found(deployed, placed):
    order = placed["short"]
    delete(deployed, "OrdersTable", keys.waiting("HOODIE-GREY-S", order["placed_at"], order["order_id"]))

    assert found(deployed) == [("waiting_unlisted", order["order_id"])]


def test_a_deleted_uniqueness_item_is_found(deployed, placed):
    order = placed["held"]
    delete(deployed, "OrdersTable", keys.channel_order("web", order["channel_order_id"]))

    assert found(deployed) == [("uniqueness_missing", order["order_id"])]


def test_a_uniqueness_item_whose_order_is_gone_is_found(deployed, placed):
    order = placed["held"]
    orders = deployed.client("dynamodb")
    collection = orders.query(TableName=deployed.name_of("OrdersTable"), KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues={":pk": {"S": keys.order_pk(order["order_id"])}})["Items"]
    for item in collection:
        delete(deployed, "OrdersTable", {"pk": item["pk"], "sk": item["sk"]})

    assert found(deployed) == [("uniqueness_dangling", order["order_id"])]


def test_a_status_its_shipments_do_not_make_is_found(deployed, placed):
    order_id = placed["open"]["order_id"]
    deployed.client("dynamodb").update_item(
        TableName=deployed.name_of("OrdersTable"), Key=keys.order_header(order_id),
        UpdateExpression="SET #status = :shipped, status_key = :key", ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":shipped": {"S": "shipped"}, ":key": {"S": keys.status_key("shipped")}})

    assert found(deployed) == [("status_not_derived", order_id)]


def test_a_stale_index_attribute_is_found(deployed, placed):
    order_id = placed["shipped"]["order_id"]
    shipment = placed["shipped"]["shipments"][0]
    update(deployed, "OrdersTable", keys.shipment_key(order_id, shipment["shipment_id"]), "SET open_pick_key = :open",
           open={"S": keys.open_pick_key(shipment["location_id"], "accepted")})

    assert found(deployed) == [("index_stale", order_id)]


def test_a_shipment_carrying_units_cancelled_is_found(deployed, placed):
    order_id = placed["open"]["order_id"]  # its shipment carries both units of its one line
    update(deployed, "OrdersTable", keys.line_key(order_id, 1), "SET cancelled = :one", one={"N": "1"})

    assert found(deployed) == [("shipment_lines", order_id)]


def test_a_day_committed_beyond_its_shipments_is_found(deployed, placed):
    shipment = placed["open"]["shipments"][0]
    day = shipment["capacity_day"]
    deployed.client("dynamodb").update_item(
        TableName=deployed.name_of("InventoryTable"), Key=keys.capacity(shipment["location_id"], date.fromisoformat(day)),
        UpdateExpression="ADD committed :one", ExpressionAttributeValues={":one": {"N": "1"}})

    assert found(deployed) == [("capacity_mismatch", shipment["location_id"])]


def test_a_stocked_sku_missing_from_the_catalogue_is_found(deployed, placed):
    delete(deployed, "InventoryTable", keys.catalogue("MUG-LOGO"))

    assert found(deployed) == [("catalogue_missing", "MUG-LOGO")]


def test_the_command_reports_a_line_each_and_exits_1_or_0(deployed, placed, monkeypatch, capsys):
    monkeypatch.setattr("infra.local.clients.local_client", lambda service: deployed.client(service))
    arguments = ["check", "--stage", "local"]

    assert cli.main(arguments) == 0
    assert capsys.readouterr().out == "read 6 orders and 10 stock items: nothing broken\n"

    order_id = placed["held"]["order_id"]
    delete(deployed, "OrdersTable", keys.order_header(order_id))
    assert cli.main(arguments) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"header_missing {order_id}: no header, but ")
    assert lines[1] == "read 6 orders and 10 stock items: 1 violations (header_missing 1)"

    assert cli.main([*arguments, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"header_missing": 1} and report["violations"][0]["subject"] == order_id


def test_the_command_cannot_start_without_its_tables(monkeypatch, capsys):
    for name in ("OMS_ORDERS_TABLE", "OMS_INVENTORY_TABLE"):
        monkeypatch.delenv(name, raising=False)

    assert cli.main(["check", "--stage", "prod", "--orders-table", "orders"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
