"""ABC classes: the few SKUs that make most of the forecast value are A, the long tail C."""

from __future__ import annotations

from collections.abc import Mapping

from oms.planning import CatalogueEntry
from oms.replenishment.rules import PlanningRules


def demand_values(units_by_sku: Mapping[str, float], entries: Mapping[str, CatalogueEntry]) -> dict[str, float]:
    """What each SKU's forecast units are worth: units × unit price when every SKU has a price,
    plain units otherwise. Dollars and units never meet in one ranking: one unpriced SKU ranks
    the whole catalogue by units rather than place it among priced ones at a guess."""
    prices = {sku: entries[sku].unit_price if sku in entries else None for sku in units_by_sku}
    if any(price is None for price in prices.values()):
        return {sku: float(units) for sku, units in units_by_sku.items()}
    return {sku: float(units) * float(prices[sku]) for sku, units in units_by_sku.items()}


def sku_classes(value_by_sku: Mapping[str, float], rules: PlanningRules) -> dict[str, str]:
    """"A", "B" or "C" per SKU. Ranked by value (then SKU, so ties split the same way every run), a
    SKU is A while the SKUs before it make less than A's share of the total, B while they make
    less than A's and B's: the SKU that crosses a threshold is still in the class it completes.
    A SKU worth nothing is C, whatever the shares, and so is everything when nothing is worth anything."""
    total = sum(max(0.0, value) for value in value_by_sku.values())
    a_share, b_share = rules.class_shares
    classes, before = {}, 0.0
    for sku, value in sorted(value_by_sku.items(), key=lambda item: (-item[1], item[0])):
        share = before / total if total else 1.0
        classes[sku] = "C" if value <= 0 else "A" if share < a_share else "B" if share < b_share else "C"
        before += max(0.0, value)
    return classes
