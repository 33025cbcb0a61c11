"""One stream record of the Orders, Inventory or Chat table: the signals it raises and the
order-flow counts it adds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from oms.alerting.flow import Count, order_counts, shipment_counts
from oms.alerting.signals import (
    Image,
    Signal,
    case_signals,
    history_signals,
    order_signals,
    shipment_signals,
    sold_out_signals,
    stock_signals,
)
from oms.models import Location
from oms.store.keys import order_id_of_item, source_of

# A SKU's units free to promise by location, and the locations: what a sell-out is judged on.
StockLevels = Callable[[str], tuple[dict[str, int], list[Location]]]


@dataclass(frozen=True)
class Seen:
    signals: list[Signal] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)


def seen(item_keys: Mapping[str, str], old: Image | None, new: Image | None, stock_levels: StockLevels) -> Seen:
    source = source_of(dict(item_keys))
    old, new = old or None, new or None  # a stream record's missing image may come as empty
    if new is None:  # removed: nothing happened to report
        return Seen()
    if source == "case":
        signals = case_signals(new)
        return Seen(signals, [("ChatHandoffs", ())])
    if source == "stock":
        # moto streams an item a transaction creates once with its keys alone: nothing to read yet.
        return _stock(old, new, stock_levels) if "available" in new else Seen()
    entity = new.get("entity")
    if entity == "order":
        return Seen(order_signals(old, new), order_counts(old, new))
    if entity == "shipment":
        return Seen(shipment_signals(old, new), shipment_counts(old, new))
    if entity == "history" and new.get("alert") and old is None:
        return Seen(history_signals(new, order_id_of_item(dict(item_keys))))
    return Seen()


def _stock(old: Image | None, new: Image, stock_levels: StockLevels) -> Seen:
    signals = stock_signals(old, new)
    counts: list[Count] = [("LowStockSkus", ()) for s in signals if s.kind == "low_stock" and s.holds]
    if any(s.kind == "out_of_stock" for s in signals):
        available, locations = stock_levels(new["sku"])
        # The record is newer than what a read may still return for its own location.
        available = {**available, new["location_id"]: int(new.get("available", 0))}
        signals += sold_out_signals(new["sku"], available, locations)
    return Seen(signals, counts)
