"""What a change of an order, shipment, stock level or chat case signals."""

from __future__ import annotations

from oms.alerting.signals import (
    Signal,
    back_in_stock,
    case_signals,
    history_signals,
    order_signals,
    shipment_signals,
    sold_out_signals,
    stock_signals,
)
from oms.models import Location

ORDER = "ord_01JAAAAAAAAAAAAAAAAAAAAAAA"
SHIPMENT = "shp_01JAAAAAAAAAAAAAAAAAAAAAAA_01"


def header(status: str, waiting: tuple[str, ...] = ()) -> dict:
    return {"entity": "order", "order_id": ORDER, "status": status, "channel": "web", "waiting_skus": list(waiting)}


def test_an_order_held_for_review_joins_the_held_condition_and_leaves_it_when_approved():
    assert order_signals(None, header("on_hold")) == [Signal("held", ORDER)]
    assert order_signals(header("on_hold"), header("on_hold")) == []
    assert order_signals(header("on_hold"), header("approved")) == [Signal("held", ORDER, holds=False)]


def test_a_backordered_order_waits_on_each_sku_it_lacks_until_it_is_sourced():
    waiting = order_signals(header("approved"), header("backordered", ("MUG", "TEE")))
    assert [(s.condition, s.holds) for s in waiting] == [("backordered#MUG", True), ("backordered#TEE", True)]
    assert order_signals(header("backordered", ("MUG", "TEE")), header("partially_allocated", ("TEE",))) == [
        Signal("backordered", ORDER, (("sku", "MUG"),), holds=False)]
    assert [s.holds for s in order_signals(header("backordered", ("TEE",)), header("cancelled", ("TEE",)))] == [False]


def test_an_order_sent_back_to_sourcing_by_a_stock_rise_still_waits_until_sourcing_decides():
    assert order_signals(header("backordered", ("MUG",)), header("approved", ("MUG",))) == []
    assert order_signals(header("approved", ("MUG",)), header("allocated", ())) == [
        Signal("backordered", ORDER, (("sku", "MUG"),), holds=False)]


def shipment(status: str, **fields) -> dict:
    return {"entity": "shipment", "shipment_id": SHIPMENT, "order_id": ORDER, "location_id": "store-soho",
            "status": status, **fields}


def test_a_rejected_pick_is_an_event_of_its_location():
    assert shipment_signals(shipment("accepted"), shipment("rejected")) == [
        Signal("location_rejection", SHIPMENT, (("location", "store-soho"),))]
    assert shipment_signals(shipment("rejected"), shipment("rejected")) == []


def test_a_delivery_exception_holds_until_the_parcel_moves_again():
    raised = shipment_signals(shipment("in_transit", carrier="ups"), shipment("exception", carrier="ups"))
    assert raised == [Signal("delivery_exception", SHIPMENT, (("carrier", "ups"),))]
    cleared = shipment_signals(shipment("exception", carrier="ups"), shipment("delivered", carrier="ups"))
    assert cleared == [Signal("delivery_exception", SHIPMENT, (("carrier", "ups"),), holds=False)]


def test_history_alerts_are_events_and_a_delay_for_an_exception_is_not_said_twice():
    assert history_signals({"alert": "cancelled_after_shipment"}, ORDER) == [Signal("cancelled_after_shipment", ORDER)]
    assert history_signals({"alert": "shipment_delayed", "delay": {"reason": "silent"}}, ORDER) == [
        Signal("shipment_delayed", ORDER, (("reason", "silent"),))]
    assert history_signals({"alert": "shipment_delayed", "delay": {"reason": "exception"}}, ORDER) == []
    assert history_signals({"alert": "something_new"}, ORDER)[0].kind == "something_new"


def test_a_chat_case_names_its_shop_and_the_verified_order_but_no_words():
    (signal,) = case_signals({"case_id": "case_1", "shop": "acme", "order_id": ORDER, "conversation": "ab12"})
    assert signal.condition == "chat_handoff#acme" and signal.member == "case_1"
    assert dict(signal.context) == {"order_id": ORDER}


def stock(available: int, reorder_point: int = 5) -> dict:
    return {"sku": "MUG", "location_id": "wh-reno", "available": available, "reorder_point": reorder_point}


def test_stock_falling_below_its_reorder_point_then_out_then_back():
    assert stock_signals(stock(9), stock(4)) == [Signal("low_stock", "MUG", (("location", "wh-reno"),))]
    assert stock_signals(stock(4), stock(3)) == []
    out = stock_signals(stock(3), stock(0))
    assert [(s.kind, s.holds) for s in out] == [("low_stock", False), ("out_of_stock", True)]
    back = stock_signals(stock(0), stock(20))
    assert [(s.kind, s.holds) for s in back] == [("out_of_stock", False)]
    assert back_in_stock(back[0]) == Signal("back_in_stock", "MUG", (("location", "wh-reno"),))


def test_a_sku_listed_with_nothing_yet_is_not_an_outage_and_no_reorder_point_is_never_low():
    assert stock_signals(None, stock(0)) == []
    assert stock_signals(stock(9, 0), stock(1, 0)) == []


def test_a_planned_reorder_point_counts_when_ops_set_none_and_theirs_wins_when_they_did():
    planned = {"planned": {"reorder_point": 30}}

    assert stock_signals({**stock(40, 0), **planned}, {**stock(25, 0), **planned})[0].kind == "low_stock"
    assert stock_signals({**stock(40, 10), **planned}, {**stock(25, 10), **planned}) == []


def location(location_id: str, *channels: str) -> Location:
    return Location(location_id=location_id, name=location_id, kind="warehouse", latitude=0, longitude=0, country="US",
                    channels=channels)


def test_a_sku_is_sold_out_for_a_channel_when_every_location_selling_to_it_is_out():
    locations = [location("wh-reno", "web", "amazon"), location("store-soho", "web", "pos")]
    signals = sold_out_signals("MUG", {"wh-reno": 0, "store-soho": 3}, locations)
    assert [(s.condition, s.holds) for s in signals] == [
        ("sold_out#amazon", True), ("sold_out#pos", False), ("sold_out#web", False)]
    signals = sold_out_signals("MUG", {"wh-reno": 0}, locations)  # the store does not stock it
    assert [(s.condition, s.holds) for s in signals] == [("sold_out#amazon", True), ("sold_out#web", True)]
