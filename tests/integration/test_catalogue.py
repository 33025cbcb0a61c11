"""Suppliers and what the catalogue says of a SKU, over the admin API; days of cover beside
availability once a replenishment run has planned the stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import boto3
import pytest

from oms.models import StockPlan
from oms.store.inventory import InventoryStore
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, response_json


@pytest.fixture
def inventory(deployed):
    return deployed.function("InventoryFunction")


def call(inventory, method, resource, params=None, body=None, principal=ADMIN_PRINCIPAL):
    params = params or {}
    event = api_event(method, resource, resource.format(**params), body=body, principal=principal,
                      path_parameters=params or None)
    answer = inventory.invoke(event)
    return answer["statusCode"], response_json(answer)


ACME = {"name": "Acme Mugs", "lead_time_days": 9, "order_multiple": 12, "minimum_order_quantity": 24}


def test_a_supplier_is_created_then_replaced_and_listed(deployed, inventory):
    created, first = call(inventory, "PUT", "/suppliers/{supplier_id}", {"supplier_id": "acme"}, ACME)
    replaced, second = call(inventory, "PUT", "/suppliers/{supplier_id}", {"supplier_id": "acme"},
                            {**ACME, "lead_time_days": 5, "delivers_to": ["wh-reno"]})
    _, listing = call(inventory, "GET", "/suppliers")

    assert (created, replaced) == (201, 200)
    assert first["supplier_id"] == "acme" and second["lead_time_days"] == 5
    assert [(s["supplier_id"], s["delivers_to"]) for s in listing["suppliers"] if s["supplier_id"] == "acme"] == [
        ("acme", ["wh-reno"])]


@pytest.mark.parametrize(("body", "field"), [
    ({**ACME, "lead_time_days": -1}, "lead_time_days"),
    ({**ACME, "order_multiple": 0}, "order_multiple"),
    ({"lead_time_days": 3}, "name"),
    ({**ACME, "delivers_to": ["nowhere"]}, "delivers_to"),
    ({**ACME, "colour": "red"}, "colour"),
])
def test_a_bad_supplier_is_refused_naming_the_field_and_nothing_is_stored(deployed, inventory, body, field):
    status, refusal = call(inventory, "PUT", "/suppliers/{supplier_id}", {"supplier_id": "acme"}, body)
    _, listing = call(inventory, "GET", "/suppliers")

    assert status in (400, 422) and field in [error["field"] for error in refusal["errors"]]
    assert "acme" not in {supplier["supplier_id"] for supplier in listing["suppliers"]}


def test_a_catalogue_entry_names_its_supplier_and_survives_stock_counts(deployed, inventory):
    call(inventory, "PUT", "/suppliers/{supplier_id}", {"supplier_id": "acme"}, ACME)
    entry = {"supplier_id": "acme", "category": "mugs", "unit_cost": "3.10", "unit_price": "12.00",
             "unit_weight_kg": "0.4"}

    status, saved = call(inventory, "PUT", "/catalogue/{sku}", {"sku": "MUG-LOGO"}, entry)
    call(inventory, "PUT", "/inventory/{sku}/{location_id}", {"sku": "MUG-LOGO", "location_id": "wh-reno"},
         {"on_hand": 250})
    call(inventory, "POST", "/inventory/{sku}/{location_id}/receive", {"sku": "MUG-LOGO", "location_id": "wh-reno"},
         {"quantity": 5})
    _, read = call(inventory, "GET", "/catalogue/{sku}", {"sku": "MUG-LOGO"})

    assert status == 200  # the demo's SKU was in the catalogue already
    assert saved["supplier_id"] == "acme"
    assert (read["category"], read["unit_cost"], read["unit_weight_kg"]) == ("mugs", "3.10", "0.4")


def test_a_new_sku_joins_the_catalogue_and_an_unknown_supplier_is_refused(deployed, inventory):
    created, _ = call(inventory, "PUT", "/catalogue/{sku}", {"sku": "NEW-MUG"}, {"category": "mugs"})
    refused, refusal = call(inventory, "PUT", "/catalogue/{sku}", {"sku": "NEW-MUG"}, {"supplier_id": "nobody"})
    missing, _ = call(inventory, "GET", "/catalogue/{sku}", {"sku": "NO-SUCH"})
    known = InventoryStore(deployed.name_of("InventoryTable"), boto3.client("dynamodb"))

    assert created == 201 and "NEW-MUG" in known.catalogue() and known.unknown_skus(["NEW-MUG"]) == ()
    assert refused == 422 and refusal["errors"][0]["field"] == "supplier_id"
    assert missing == 404


def test_catalogue_and_suppliers_are_for_admins_only(deployed, inventory):
    status, _ = call(inventory, "PUT", "/suppliers/{supplier_id}", {"supplier_id": "acme"}, ACME,
                     principal=channel_principal("web"))

    assert status == 403


def test_availability_shows_days_of_cover_once_stock_is_planned(deployed, inventory):
    store = InventoryStore(deployed.name_of("InventoryTable"), boto3.client("dynamodb"))
    plan = StockPlan(as_of=date(2026, 12, 1), per_day=Decimal("12.5"), method="holt_winters", pattern="smooth",
                     service_level=Decimal("0.95"), lead_time_days=9, safety_stock=30, reorder_point=143,
                     order_up_to=230)

    assert store.record_plan("MUG-LOGO", "wh-reno", plan)
    assert not store.record_plan("MUG-LOGO", "nowhere", plan)
    _, view = call(inventory, "GET", "/inventory/{sku}", {"sku": "MUG-LOGO"})

    rows = {row["location_id"]: row for row in view["locations"]}
    assert rows["wh-reno"]["days_of_cover"] == 24.0  # 300 on hand, none reserved, 12.5 a day
    assert rows["wh-reno"]["planned_reorder_point"] == 143
    assert all(row["days_of_cover"] is None for where, row in rows.items() if where != "wh-reno")


def test_a_planned_stock_is_still_answered_when_it_is_counted(deployed, inventory):
    store = InventoryStore(deployed.name_of("InventoryTable"), boto3.client("dynamodb"))
    store.record_plan("MUG-LOGO", "wh-reno", StockPlan(
        as_of=date(2026, 12, 1), per_day=Decimal("2.5"), method="ses", pattern="smooth",
        service_level=Decimal("0.95"), lead_time_days=7, safety_stock=6, reorder_point=24, order_up_to=41))

    status, stock = call(inventory, "PUT", "/inventory/{sku}/{location_id}",
                         {"sku": "MUG-LOGO", "location_id": "wh-reno"}, {"on_hand": 280})

    assert status == 200 and stock["planned"]["as_of"] == "2026-12-01" and stock["on_hand"] == 280
