"""The consistency rules over records built by hand: each holds of what the code writes, and
each finds its own breakage."""

from __future__ import annotations

from datetime import UTC, date, datetime

from oms.consistency import IndexEntry, OrderRecord, Report, StockRecord, order_violations, stock_violations
from oms.models import CHANNEL_DATA, Order, Shipment
from oms.reconciliation import CapacityRecord, Reconciliation

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
ORDER = "ord_01M8RCQTWV8W01VGZE6GKW9D1C"
DAY = date(2026, 12, 1)


def shipment(number: int = 1, status: str = "pending", quantity: int = 2, sku: str = "MUG", line_no: int = 1,
             location: str = "wh-reno", order_id: str = ORDER) -> Shipment:
    return Shipment(shipment_id=f"shp_{order_id.removeprefix('ord_')}_{number:02d}", order_id=order_id,
                    location_id=location, status=status, created_at=AT, capacity_day=DAY,
                    lines=[{"line_no": line_no, "sku": sku, "quantity": quantity}])


def order(status: str = "allocated", shipments=(), quantity: int = 2, cancelled: int = 0, history=()) -> Order:
    return Order.model_validate({
        "order_id": ORDER, "channel": "web", "channel_order_id": "W-1", "placed_at": AT, "currency": "USD",
        "customer": None, "delivery": {"method": "standard"}, "payment": {"method": "card", "status": "paid"},
        "shipping_address": {"line1": "1 Main St", "city": "Denver", "country": "US"},
        "lines": [{"sku": "MUG", "quantity": quantity, "unit_price": "1.00", "cancelled": cancelled}],
        "total": str(quantity), "status": status, "created_at": AT, "updated_at": AT,
        "shipments": list(shipments), "history": list(history),
    }, context=CHANNEL_DATA)


def record(held: Order | None = None, **overrides) -> OrderRecord:
    held = order(shipments=[shipment()]) if held is None else held
    fields = dict(order_id=ORDER, entities=("line", "order", "shipment"), order=held, shipments=held.shipments,
                  line_numbers=(1,), uniqueness_key="CHANNEL_ORDER#web#W-1")
    return OrderRecord(**{**fields, **overrides})


def kinds(violations) -> list[str]:
    return [violation.kind for violation in violations]


# ---------------------------------------------------------------- stock


def test_stock_kept_by_its_arithmetic_is_whole():
    assert stock_violations(StockRecord("MUG", "wh-reno", on_hand=10, reserved=3, safety_stock=2, available=5)) == []
    # a loss beyond what is free leaves available negative, as the store allows
    assert stock_violations(StockRecord("MUG", "wh-reno", on_hand=1, reserved=3, safety_stock=0, available=-2)) == []


def test_available_off_its_arithmetic_is_found():
    (found,) = stock_violations(StockRecord("MUG", "wh-reno", on_hand=10, reserved=3, safety_stock=2, available=7))

    assert (found.kind, found.subject) == ("stock_arithmetic", "MUG@wh-reno") and "= 5" in found.detail


def test_negative_on_hand_or_reserved_is_found():
    found = stock_violations(StockRecord("MUG", "wh-reno", on_hand=-1, reserved=-2, safety_stock=0, available=1))

    assert kinds(found) == ["stock_negative"] and found[0].detail == "on_hand -1, reserved -2"


# ---------------------------------------------------------------- an order's collection


def test_an_allocated_order_with_its_open_shipment_is_whole():
    assert order_violations(record()) == []


def test_items_without_their_header_are_found():
    found = order_violations(record(None, entities=("history", "history", "shipment"), order=None))

    assert kinds(found) == ["header_missing"] and found[0].detail == "no header, but 2 history, 1 shipment"


def test_a_collection_that_does_not_read_is_found():
    found = order_violations(record(None, order=None, problems=("lines: List should have at least 1 item",)))

    assert kinds(found) == ["order_unreadable"]


def test_lines_not_numbered_from_one_are_found():
    assert kinds(order_violations(record(line_numbers=(1, 3)))) == ["order_unreadable"]
    assert kinds(order_violations(record(line_numbers=(None,)))) == ["order_unreadable"]


def test_a_shipment_of_another_order_in_the_collection_is_found():
    stray = shipment(order_id="ord_01M8RCQTWV8W01VGZE6GKW9D1D")

    assert kinds(order_violations(record(shipments=(stray,)))) == ["order_unreadable"]


def test_a_status_its_shipments_do_not_make_is_found():
    found = order_violations(record(order("shipped", [shipment()])))

    assert kinds(found) == ["status_not_derived"] and "make it allocated" in found[0].detail


def test_statuses_not_derived_are_left_as_set():
    # approved after a rejection (source again), and a channel's shipped order never sourced
    assert order_violations(record(order("approved", [shipment(status="rejected")]))) == []
    assert order_violations(record(order("shipped"), entities=("line", "order"))) == []


def test_a_sourced_order_that_lost_its_shipments_is_found():
    sourced = {"at": AT, "actor": "allocation", "from_status": "approved", "to_status": "allocated"}

    assert kinds(order_violations(record(order("allocated", history=[sourced])))) == ["status_not_derived"]


def test_a_shipment_line_that_is_not_the_orders_is_found():
    assert kinds(order_violations(record(order(shipments=[shipment(sku="CAP")])))) == ["shipment_lines"]
    assert kinds(order_violations(record(order("backordered", [shipment(line_no=2, status="rejected")])))) == [
        "shipment_lines"]


def test_live_shipments_carrying_more_than_is_wanted_are_found():
    twice = order("shipped", [shipment(1), shipment(2, status="shipped")])
    cancelled_but_open = order(shipments=[shipment()], cancelled=1)

    assert kinds(order_violations(record(twice))) == ["shipment_lines"]
    assert kinds(order_violations(record(cancelled_but_open))) == ["shipment_lines"]


def test_a_stale_index_attribute_is_found():
    fresh = IndexEntry("header", "status_key", "STATUS#allocated", ("STATUS#allocated",))
    stale = IndexEntry("shipment shp_x", "open_pick_key", "OPEN#wh-reno#pending", (None,))

    assert order_violations(record(indexes=(fresh,))) == []
    (found,) = order_violations(record(indexes=(fresh, stale)))
    assert found.kind == "index_stale" and found.detail.endswith("should be absent")


# ---------------------------------------------------------------- across records


def reconciled(*records: OrderRecord, stock=(), capacity=(), uniqueness=(("CHANNEL_ORDER#web#W-1", ORDER),),
               catalogue=("MUG",), listing=("MUG",)) -> list:
    totals = Reconciliation()
    for each in records:
        totals.order(each)
    for each in stock:
        totals.stock(each)
    for each in capacity:
        totals.capacity(each)
    for key, order_id in uniqueness:
        totals.uniqueness(key, order_id)
    for sku in catalogue:
        totals.catalogue(sku)
    for sku in listing:
        totals.listing(sku)
    return totals.violations()


def stock(reserved: int, sku: str = "MUG", location: str = "wh-reno") -> StockRecord:
    return StockRecord(sku, location, on_hand=10, reserved=reserved, safety_stock=0, available=10 - reserved)


USED = (CapacityRecord("wh-reno", DAY.isoformat(), 2),)


def test_reservations_match_the_open_shipments_that_hold_them():
    shipments = [shipment(1, "rejected"), shipment(2, "cancelled"), shipment(3, "shipped"), shipment(4, "picked")]
    held = record(order("partially_shipped", shipments, quantity=4))

    assert reconciled(held, stock=[stock(2)], capacity=[CapacityRecord("wh-reno", DAY.isoformat(), 4)]) == []


def test_a_transfer_holds_its_units_where_it_leaves_from():
    transfer = shipment().model_copy(update={"mode": "transfer", "transfer_to": "store-sf"})

    assert reconciled(record(order(shipments=[transfer])), stock=[stock(2), stock(0, location="store-sf")],
                      capacity=USED) == []


def test_reserved_units_no_open_shipment_holds_are_found():
    found = reconciled(record(), stock=[stock(3), stock(1, location="store-sf")], capacity=USED)

    assert [(v.kind, v.subject) for v in found] == [("reserved_without_shipment", "MUG@store-sf"),
                                                    ("reserved_without_shipment", "MUG@wh-reno")]


def test_open_shipment_units_not_reserved_are_found():
    assert kinds(reconciled(record(), stock=[stock(1)], capacity=USED)) == ["shipment_not_reserved"]
    (missing,) = reconciled(record(), capacity=USED, catalogue=(), listing=())
    assert missing.kind == "shipment_not_reserved" and missing.detail.startswith("no stock record")


def test_a_day_committed_otherwise_than_its_shipments_is_found():
    (found,) = reconciled(record(), stock=[stock(2)], capacity=[CapacityRecord("wh-reno", DAY.isoformat(), 3)])

    assert (found.kind, found.subject) == ("capacity_mismatch", "wh-reno")
    assert kinds(reconciled(record(), stock=[stock(2)])) == ["capacity_mismatch"]


def test_an_order_without_its_uniqueness_item_is_found():
    (found,) = reconciled(record(), stock=[stock(2)], capacity=USED, uniqueness=())

    assert (found.kind, found.subject) == ("uniqueness_missing", ORDER)


def test_a_uniqueness_item_of_another_order_is_found():
    other = "ord_01M8RCQTWV8W01VGZE6GKW9D1D"

    found = reconciled(record(), stock=[stock(2)], capacity=USED, uniqueness=(("CHANNEL_ORDER#web#W-1", other),))

    assert kinds(found) == ["uniqueness_dangling", "uniqueness_missing"]


def test_a_uniqueness_item_whose_order_has_items_but_no_header_is_not_dangling():
    headless = record(None, entities=("shipment",), order=None, uniqueness_key=None)

    assert reconciled(headless, stock=[stock(2)], capacity=USED) == []


def test_a_stocked_sku_missing_from_the_catalogue_is_found():
    found = reconciled(stock=[stock(0)], catalogue=(), uniqueness=())

    assert [(v.kind, v.subject) for v in found] == [("catalogue_missing", "MUG")]
    assert kinds(reconciled(stock=[stock(0)], listing=(), uniqueness=())) == ["catalogue_missing"]


def test_the_report_counts_violations_by_kind():
    report = Report(tuple(reconciled(record(), stock=[stock(3), stock(1, location="store-sf")], uniqueness=())),
                    orders=1, stock_items=2)

    assert not report.ok
    assert report.counts == {"capacity_mismatch": 1, "reserved_without_shipment": 2, "uniqueness_missing": 1}
