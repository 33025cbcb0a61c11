"""ABC classes by forecast value."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oms.planning import CatalogueEntry
from oms.replenishment import PlanningRules, demand_values, sku_classes


def test_the_sku_that_crosses_a_share_completes_its_class():
    values = {"mug": 50.0, "cap": 30.0, "tee": 10.0, "pen": 5.0, "pin": 5.0, "bag": 0.0}
    # shares before each: mug 0, cap 0.5, tee 0.8, pen 0.9, pin 0.95, bag 1.0
    assert sku_classes(values, PlanningRules()) == {"mug": "A", "cap": "A", "tee": "B", "pen": "B", "pin": "C",
                                                    "bag": "C"}


def test_ties_split_by_sku_and_nothing_worth_anything_is_c():
    assert sku_classes({"b": 1.0, "a": 1.0}, PlanningRules(class_shares=(0.5, 0.9))) == {"a": "A", "b": "B"}
    assert sku_classes({"a": 0.0, "b": 0.0}, PlanningRules()) == {"a": "C", "b": "C"}


@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.floats(0, 1e6), min_size=1))
def test_a_more_valuable_sku_is_never_in_a_lower_class(values):
    classes = sku_classes(values, PlanningRules())
    for sku, value in values.items():
        for other, other_value in values.items():
            if value > other_value:
                assert classes[sku] <= classes[other]


def test_values_are_money_when_every_sku_has_a_price_and_units_otherwise():
    entries = {"mug": CatalogueEntry(sku="mug", unit_price=Decimal("12.50")),
               "cap": CatalogueEntry(sku="cap", unit_price=Decimal("20"))}
    assert demand_values({"mug": 10.0, "cap": 2.0}, entries) == {"mug": 125.0, "cap": 40.0}
    assert demand_values({"mug": 10.0, "cap": 2.0, "pen": 30.0}, entries) == {"mug": 10.0, "cap": 2.0, "pen": 30.0}
