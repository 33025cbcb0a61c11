"""The daily replenishment run on moto: demand history in, reorder points beside the stock,
transfer and purchase proposals out, and ops told once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import boto3
import pytest

from infra import cli
from oms.demand import DemandCount, Series
from oms.planning import CatalogueEntry, Supplier
from oms.store.catalogue import CatalogueStore
from oms.store.demand import DemandStore
from oms.store.inventory import InventoryStore
from oms.store.proposals import ProposalStore

DAYS = 120
# Units a day each demo location sells: Austin sells mugs fast, Reno's warehouse slowly; Reno's
# hoodies sell faster than its 4 on hand last.
SELLS = {("MUG-LOGO", "store-austin"): 6, ("MUG-LOGO", "wh-reno"): 2, ("HOODIE-GREY-S", "wh-reno"): 3}


@pytest.fixture
def stores(deployed):
    client = boto3.client("dynamodb")
    inventory, planning = deployed.name_of("InventoryTable"), deployed.name_of("PlanningTable")
    return (InventoryStore(inventory, client), CatalogueStore(inventory, client), DemandStore(planning, client),
            ProposalStore(planning, client))


@pytest.fixture
def history(stores):
    _, catalogue, demand, _ = stores
    catalogue.save_supplier(Supplier(supplier_id="acme", name="Acme", lead_time_days=9, order_multiple=12,
                                     minimum_order_quantity=24))
    for sku in ("MUG-LOGO", "HOODIE-GREY-S"):
        catalogue.save_entry(CatalogueEntry(sku=sku, supplier_id="acme", category="merch", unit_cost=Decimal("3.10"),
                                            unit_price=Decimal("12.00"), unit_weight_kg=Decimal("0.4")))
    today = datetime.now(UTC).date()
    demand.count(DemandCount(Series.at_location(sku, location_id), today - timedelta(days=back),
                             f"seed#{sku}#{location_id}#{back}", ordered=units + (back % 7 == 0))
                 for (sku, location_id), units in SELLS.items() for back in range(1, DAYS + 1))


@pytest.fixture
def ops(deployed):
    inbox = deployed.inbox("OpsTopic", "planning-ops-inbox")
    return lambda: deployed.drain(inbox)


def test_a_run_plans_each_stock_proposes_a_transfer_and_a_purchase_and_tells_ops_once(deployed, stores, history,
                                                                                       ops):
    inventory, _, _, proposals = stores
    planner = deployed.function("PlanningFunction")

    figures = planner.invoke({})
    made = {p.proposal_id: p for p in proposals.listing()[0]}
    again = planner.invoke({})

    transfers = [p for p in made.values() if p.kind == "transfer"]
    purchases = [p for p in made.values() if p.kind == "purchase"]
    (mugs,) = [t for t in transfers if t.lines[0].sku == "MUG-LOGO"]
    assert (mugs.from_location, mugs.to_location) == ("wh-reno", "store-austin")
    assert "store-austin" in mugs.reason and "wh-reno" in mugs.reason
    hoodies = next(line for p in purchases for line in p.lines if line.sku == "HOODIE-GREY-S")
    assert hoodies.units >= 24 and hoodies.units % 12 == 0
    assert next(p for p in purchases if "HOODIE-GREY-S" in {line.sku for line in p.lines}).supplier_id == "acme"

    austin = inventory.stock_at("MUG-LOGO", "store-austin").planned
    assert austin.lead_time_days == 9 and austin.reorder_point > 6 * 9 and austin.method
    assert figures["series"] == 10 and figures["transfers"] == len(transfers)

    (summary,) = ops()  # the second run of the day re-planned but told no one
    assert summary["alert"] == "replenishment_planned" and summary["count"] == len(made)
    assert again["ops_told"] is False
    assert {p.proposal_id for p in proposals.listing()[0]} == set(made)


def test_stock_that_is_out_marks_the_day_so_its_demand_reads_as_missing(deployed, stores, history):
    inventory, _, demand, _ = stores
    inventory.adjust("CAP-BLACK", "store-sf", -9, reason="stolen")

    deployed.function("PlanningFunction").invoke({})

    today = datetime.now(UTC).date()
    (day,) = demand.history(Series.at_location("CAP-BLACK", "store-sf"), today, today)
    assert day.stock_out and day.ordered == 0


def test_oms_forecast_draws_each_location_s_history_and_forecast_with_the_run_s_plan(deployed, stores, history,
                                                                                    capsys):
    deployed.function("PlanningFunction").invoke({})

    status = cli.main(["forecast", "MUG-LOGO", "--days", "28",
                       "--inventory-table", deployed.name_of("InventoryTable"),
                       "--planning-table", deployed.name_of("PlanningTable")])

    printed = capsys.readouterr().out
    assert status == 0
    austin = printed[printed.index("MUG-LOGO at store-austin"):printed.index("MUG-LOGO at wh-reno")]
    assert "over the last 28 days" in austin and "reorder point" in austin and "days of cover" in austin
    assert "┤" in austin  # the chart's axis
    assert cli.main(["forecast", "NOT-STOCKED", "--inventory-table", "x", "--planning-table", "y"]) == 2
    assert cli.main(["forecast", "NOT-STOCKED", "--inventory-table", deployed.name_of("InventoryTable"),
                     "--planning-table", deployed.name_of("PlanningTable")]) == 1
