"""Purchases: shortfalls bought per supplier and location, rounded to the supplier's terms; what
cannot be bought is reported, not dropped."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oms.planning import CatalogueEntry, Supplier
from oms.replenishment import Shortfall, Unbought, purchases

RUN_ON = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
SUPPLIERS = {
    "acme": Supplier(supplier_id="acme", name="Acme", lead_time_days=8, order_multiple=12,
                     minimum_order_quantity=24),
    "zenith": Supplier(supplier_id="zenith", name="Zenith", lead_time_days=10, order_multiple=5,
                       delivers_to=("wh-reno",)),
}
ENTRIES = {
    "MUG-1": CatalogueEntry(sku="MUG-1", supplier_id="acme", unit_cost=Decimal("4.50")),
    "CAP-2": CatalogueEntry(sku="CAP-2", supplier_id="acme", unit_cost=Decimal("7.25")),
    "TEE-3": CatalogueEntry(sku="TEE-3", supplier_id="zenith"),
    "PEN-4": CatalogueEntry(sku="PEN-4"),
}


def test_shortfalls_are_bought_per_supplier_and_location_in_the_suppliers_multiples_and_minimum():
    plan = purchases({
        "MUG-1": [Shortfall("store-nyc", 30, reorder_point=21, position=2), Shortfall("wh-reno", 5)],
        "CAP-2": [Shortfall("store-nyc", 3, reorder_point=9, position=4)],
        "TEE-3": [Shortfall("wh-reno", 11)],
    }, ENTRIES, SUPPLIERS, RUN_ON, NOW)
    bought = {(p.supplier_id, p.to_location): {line.sku: line.units for line in p.lines} for p in plan.proposals}
    # 30 → 36 (multiples of 12); 3 and 5 → 24 (the minimum); 11 → 15 (multiples of 5)
    assert bought == {("acme", "store-nyc"): {"CAP-2": 24, "MUG-1": 36}, ("acme", "wh-reno"): {"MUG-1": 24},
                      ("zenith", "wh-reno"): {"TEE-3": 15}}
    nyc = plan.proposals[0]
    assert [(line.sku, line.reorder_point, line.position) for line in nyc.lines] == [("CAP-2", 9, 4),
                                                                                     ("MUG-1", 21, 2)]
    assert nyc.cost == Decimal("336.00") and str(nyc.arrives_by) == "2026-03-10"  # 24 × 7.25 + 36 × 4.50
    assert nyc.reason == ("store-nyc: 2 SKUs below reorder point, 33 units short after transfers; buy 60 in "
                          "multiples of 12 (minimum 24 per SKU), 8 days' lead time")
    assert plan.proposals[2].reason.endswith("; cost leaves out 1 SKU without a unit cost")
    assert plan.unbought == []


def test_what_cannot_be_bought_is_reported_with_the_reason():
    plan = purchases({"PEN-4": [Shortfall("store-nyc", 4)], "TEE-3": [Shortfall("store-la", 6)],
                      "HAT-9": [Shortfall("store-la", 2)]}, ENTRIES, SUPPLIERS, RUN_ON, NOW)
    assert plan.proposals == []
    assert plan.unbought == [Unbought("HAT-9", "store-la", 2, "no supplier in the catalogue"),
                             Unbought("PEN-4", "store-nyc", 4, "no supplier in the catalogue"),
                             Unbought("TEE-3", "store-la", 6, "supplier zenith does not deliver to store-la")]


def test_ids_are_deterministic_per_day_supplier_and_location_whatever_the_order_of_the_input():
    first = purchases({"MUG-1": [Shortfall("store-nyc", 30)], "CAP-2": [Shortfall("store-nyc", 3)]},
                      ENTRIES, SUPPLIERS, RUN_ON, NOW).proposals
    again = purchases({"CAP-2": [Shortfall("store-nyc", 3)], "MUG-1": [Shortfall("store-nyc", 30)]},
                      ENTRIES, SUPPLIERS, RUN_ON, NOW).proposals
    assert first == again
    assert re.fullmatch(r"pup_20260302-acme-store-nyc-[0-9a-f]{16}", first[0].proposal_id)
    tomorrow = purchases({"MUG-1": [Shortfall("store-nyc", 30)]}, ENTRIES, SUPPLIERS, date(2026, 3, 3), NOW)
    assert tomorrow.proposals[0].proposal_id != first[0].proposal_id


@given(st.lists(st.tuples(st.sampled_from(["MUG-1", "CAP-2"]), st.sampled_from(["store-nyc", "wh-reno"]),
                          st.integers(0, 5000)), max_size=12))
def test_every_unit_short_is_bought_in_whole_multiples_at_least_the_minimum(shortfalls):
    by_sku: dict[str, list[Shortfall]] = {}
    for sku, location_id, units in shortfalls:
        by_sku.setdefault(sku, []).append(Shortfall(location_id, units))
    plan = purchases(by_sku, ENTRIES, SUPPLIERS, RUN_ON, NOW)
    acme = SUPPLIERS["acme"]
    for sku, location_id in {(sku, location_id) for sku, location_id, units in shortfalls if units}:
        short = sum(units for s, loc, units in shortfalls if (s, loc) == (sku, location_id))
        (line,) = [line for p in plan.proposals if p.to_location == location_id for line in p.lines if line.sku == sku]
        wanted = max(short, acme.minimum_order_quantity)
        # the smallest whole number of multiples that covers the need and the minimum
        assert line.units % acme.order_multiple == 0 and wanted <= line.units < wanted + acme.order_multiple
    assert len({p.proposal_id for p in plan.proposals}) == len(plan.proposals)


def test_a_supplier_s_order_longer_than_one_purchase_order_holds_is_cut_into_several():
    from oms.stock_orders import MAX_PURCHASE_LINES

    skus = [f"SKU-{n:03d}" for n in range(MAX_PURCHASE_LINES + 3)]
    plan = purchases({sku: [Shortfall("wh-reno", 5)] for sku in skus},
                     {sku: CatalogueEntry(sku=sku, supplier_id="acme") for sku in skus},
                     {"acme": Supplier(supplier_id="acme", name="Acme", lead_time_days=5)}, RUN_ON, NOW)

    assert [len(p.lines) for p in plan.proposals] == [MAX_PURCHASE_LINES, 3]
    assert len({p.proposal_id for p in plan.proposals}) == 2
    assert sorted(line.sku for p in plan.proposals for line in p.lines) == skus
