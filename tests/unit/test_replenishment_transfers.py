"""Transfers: spare stock to locations below their reorder point, when it pays, never from what a
source needs for its own orders and demand; and what transfers leave for purchases."""

import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.planning import CatalogueEntry, Proposal, Supplier
from oms.replenishment import PlanningRules, StockPosition, kept, plan_sku
from oms.sourcing import CostModel
from tests.unit.test_replenishment_targets import PLACES, RUN_ON, NormalForecast, at, place

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ACME = Supplier(supplier_id="acme", name="Acme", lead_time_days=8)
MUG = CatalogueEntry(sku="MUG-1", supplier_id="acme", unit_cost=Decimal("5"), unit_price=Decimal("15"))


def plan(*positions: StockPosition, entry: CatalogueEntry | None = MUG, supplier: Supplier | None = ACME,
         rules: PlanningRules = PlanningRules(), cost_model: CostModel = CostModel()):
    return plan_sku("MUG-1", entry, supplier, positions, "B", rules, cost_model, RUN_ON, NOW)


def moved(transfers: tuple[Proposal, ...]) -> dict[tuple[str, str], int]:
    return {(t.from_location, t.to_location): t.lines[0].units for t in transfers}


def test_a_store_about_to_run_out_gets_its_need_from_the_warehouse_with_the_numbers_in_the_reason():
    # GIVEN store-nyc at 2 units (reorder point 21, order-up-to 37) and wh-columbus holding 200
    result = plan(at("store-nyc", 2), at("wh-columbus", 200))
    # THEN 35 units come over 766 km: 6.00 + 35 × (0.77 carriage + 0.50 handling), against the 11.95
    # units it would be short between the transfer landing (day 2) and a purchase (day 8) × 10.00 margin
    (transfer,) = result.transfers
    assert moved(result.transfers) == {("wh-columbus", "store-nyc"): 35}
    assert (transfer.cost, transfer.saves, str(transfer.arrives_by)) == (Decimal("50.33"), Decimal("119.50"),
                                                                         "2026-03-04")
    assert transfer.reason == (
        "store-nyc below reorder point 21 (position 2); wh-columbus holds 161 free beyond the 39 it keeps for "
        "17 days; transfer 35 units over 766 km, cost 50.33 vs 119.50 margin at risk (11.9 units short from day 2 "
        "to 8, when a purchase could arrive)")
    assert (transfer.lines[0].reorder_point, transfer.lines[0].position) == (21, 2)
    assert result.shortfalls == ()


def test_the_cheaper_source_gives_first_and_the_dearer_only_the_rest():
    # GIVEN store-boston 306 km away but a store (2.00 handling a unit), wh-columbus 766 km (0.50)
    dear = CatalogueEntry(sku="MUG-1", supplier_id="acme", unit_cost=Decimal("5"), unit_price=Decimal("40"))
    result = plan(at("store-nyc", 2), at("store-boston", 100), at("wh-columbus", 50), entry=dear)
    # THEN the warehouse gives its 11 free units, the store the other 24
    assert moved(result.transfers) == {("wh-columbus", "store-nyc"): 11, ("store-boston", "store-nyc"): 24}
    assert [t.from_location for t in result.transfers] == ["wh-columbus", "store-boston"]


def test_the_most_urgent_destination_is_served_first_from_scarce_stock():
    result = plan(at("store-la", 10), at("store-nyc", 0), at("wh-columbus", 60))  # 21 free
    assert moved(result.transfers) == {("wh-columbus", "store-nyc"): 21}
    assert {(s.location_id, s.units) for s in result.shortfalls} == {("store-nyc", 16), ("store-la", 27)}


def test_no_transfer_into_a_location_at_or_above_its_reorder_point():
    result = plan(at("store-nyc", 21), at("wh-columbus", 500))
    assert result.transfers == () and result.shortfalls == ()


def test_no_transfer_when_no_source_has_stock_to_spare():
    # wh-columbus keeps 39 (its need until a purchase could arrive, the margin, its safety stock);
    # wh-reno's 500 are all promised to its own orders; the dropship vendor's stock is the vendor's
    result = plan(at("store-nyc", 2), at("wh-columbus", 39), at("wh-reno", 500, reserved=490),
                  at("vendor-austin", 900))
    assert result.transfers == ()
    assert [(s.location_id, s.units, s.reorder_point, s.position) for s in result.shortfalls] == [
        ("store-nyc", 35, 21, 2), ("wh-reno", 27, 21, 10)]


def test_the_cost_against_the_margin_at_risk_decides():
    def priced(price: int):
        entry = CatalogueEntry(sku="MUG-1", supplier_id="acme", unit_cost=Decimal("5"), unit_price=Decimal(price))
        return plan(at("store-nyc", 2), at("wh-columbus", 200), entry=entry)
    # 11.9 units short before a purchase lands: at a 2.00 margin neither the whole need (50.33) nor
    # the 19 units to the reorder point (30.06) pay
    assert priced(7).transfers == ()
    # at 3.00, the 19 units to the reorder point do (35.72 at risk); the other 16 are bought
    (to_reorder_point,) = priced(8).transfers
    assert (to_reorder_point.lines[0].units, to_reorder_point.cost, to_reorder_point.saves) == (
        19, Decimal("30.06"), Decimal("35.72"))
    assert [(s.units, s.position) for s in priced(8).shortfalls] == [(16, 21)]
    # at 5.00, the whole need (59.75 at risk)
    (whole,) = priced(10).transfers
    assert (whole.lines[0].units, whole.cost, whole.saves) == (35, Decimal("50.33"), Decimal("59.75"))


def test_a_small_top_up_pays_by_the_purchase_line_it_replaces_when_the_margin_is_unknown():
    unpriced = CatalogueEntry(sku="MUG-1", supplier_id="acme")
    positions = (at("store-nyc", 5, per_day=0.5, sigma=0.5), at("wh-columbus", 200))
    (transfer,) = plan(*positions, entry=unpriced, cost_model=CostModel(shipment_cost=2.0)).transfers
    assert transfer.lines[0].units == 6 and transfer.cost == Decimal("9.60") and transfer.saves == Decimal("10.00")
    assert transfer.reason.endswith("cost 9.60 vs 10.00 for the purchase line it replaces")
    # dearer than the line: bought instead
    assert plan(*positions, entry=unpriced).transfers == ()


def test_a_destination_nobody_delivers_to_is_stocked_by_transfer_whatever_it_costs():
    reno_only = Supplier(supplier_id="acme", name="Acme", lead_time_days=8, delivers_to=("wh-reno",))
    unpriced = CatalogueEntry(sku="MUG-1", supplier_id="acme")
    (transfer,) = plan(at("store-boston", 2), at("wh-reno", 300), entry=unpriced, supplier=reno_only).transfers
    assert transfer.from_location == "wh-reno"
    assert transfer.reason.endswith("no supplier delivers to store-boston: only a transfer stocks it")


def test_transfers_switched_off_leave_every_need_to_purchases():
    result = plan(at("store-nyc", 2), at("wh-columbus", 200), rules=PlanningRules(transfers_enabled=False))
    assert result.transfers == () and [(s.location_id, s.units) for s in result.shortfalls] == [("store-nyc", 35)]


def test_ids_are_the_same_on_a_rerun_and_differ_by_lane_and_day():
    positions = (at("store-nyc", 2), at("store-la", 0), at("wh-columbus", 400))
    first, again = plan(*positions).transfers, plan(*positions).transfers
    assert [t.proposal_id for t in first] == [t.proposal_id for t in again]
    assert len({t.proposal_id for t in first}) == 2
    assert all(re.fullmatch(r"trp_20260302-mug-1-wh-columbus-store-(nyc|la)-[0-9a-f]{16}", t.proposal_id)
               for t in first)
    next_day = plan_sku("MUG-1", MUG, ACME, positions, "B", PlanningRules(), CostModel(), RUN_ON.replace(day=3), NOW)
    assert not {t.proposal_id for t in first} & {t.proposal_id for t in next_day.transfers}


_position = st.builds(
    lambda location_id, on_hand, reserved, inbound, per_day, sigma, safety, ships: StockPosition(
        place(location_id, can_ship=ships), on_hand, reserved, inbound, NormalForecast(per_day, sigma), safety),
    st.sampled_from(sorted(PLACES)), st.integers(0, 400), st.integers(0, 120), st.integers(0, 60),
    st.floats(0, 15), st.floats(0, 8), st.integers(0, 20), st.booleans())


@settings(max_examples=300)
@given(positions=st.lists(_position, min_size=1, max_size=6, unique_by=lambda p: p.location_id),
       lead=st.integers(0, 20), price=st.integers(0, 60), sku_class=st.sampled_from("ABC"),
       delivers=st.sets(st.sampled_from(sorted(PLACES))))
def test_transfers_never_take_a_source_below_its_reserved_units_and_its_own_need(positions, lead, price, sku_class,
                                                                                delivers):
    rules = PlanningRules()
    supplier = Supplier(supplier_id="acme", name="Acme", lead_time_days=lead, delivers_to=tuple(sorted(delivers)))
    entry = CatalogueEntry(sku="MUG-1", supplier_id="acme", unit_cost=Decimal(5), unit_price=Decimal(price))
    result = plan_sku("MUG-1", entry, supplier, positions, sku_class, rules, CostModel(), RUN_ON, NOW)
    goals = {goal.location_id: goal for goal in result.targets}
    out, into = Counter(), Counter()
    for transfer in result.transfers:
        out[transfer.from_location] += transfer.lines[0].units
        into[transfer.to_location] += transfer.lines[0].units
    for stock in positions:
        goal, held = goals[stock.location_id], kept(stock, goals[stock.location_id], rules)
        # a source keeps its reserved units, ops' buffer, its need over transfer + lead + margin days, its safety
        assert stock.on_hand - out[stock.location_id] >= held.units or not out[stock.location_id]
        assert out[stock.location_id] <= max(0, stock.on_hand - stock.reserved)
        assert not (out[stock.location_id] and into[stock.location_id])
        # a destination is below its reorder point, and gets no more than it needs; the rest is a shortfall
        assert into[stock.location_id] <= goal.need
        short = sum(s.units for s in result.shortfalls if s.location_id == stock.location_id)
        if stock.location.kind != "dropship":
            assert into[stock.location_id] + short == goal.need
        else:
            assert not short and not into[stock.location_id] and not out[stock.location_id]


def test_no_margin_is_at_risk_when_a_purchase_lands_as_soon_as_a_transfer_would():
    quick = Supplier(supplier_id="acme", name="Acme", lead_time_days=2)
    result = plan(at("store-nyc", 0, per_day=5.0), at("wh-columbus", 500), supplier=quick)
    assert result.transfers == () and result.shortfalls[0].units > 0
