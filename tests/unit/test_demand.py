"""Daily demand counted from stream images: what each order, shipment and stock change adds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oms.demand import DemandCount, Series, ordered_on_channel, shipment_counts, stocked_out
from oms.models import OrderLine

SHIPMENT = "shp_01JAAAAAAAAAAAAAAAAAAAAAAA_01"
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def line(sku: str, quantity: int) -> OrderLine:
    return OrderLine(sku=sku, quantity=quantity, unit_price=Decimal("1.00"))


def shipment(status: str = "pending", channel: str | None = "shopify", **fields) -> dict:
    """A shipment as a stream image gives it: numbers deserialised as Decimal."""
    image = {"entity": "shipment", "shipment_id": SHIPMENT, "order_id": "ord_1", "location_id": "wh-reno",
             "status": status, "created_at": "2026-11-18T23:30:00.000Z",
             "lines": [{"line_no": Decimal(1), "sku": "MUG", "quantity": Decimal(2)},
                       {"line_no": Decimal(2), "sku": "CAP", "quantity": Decimal(1)},
                       {"line_no": Decimal(3), "sku": "MUG", "quantity": Decimal(3)}], **fields}
    return {**image, "channel": channel} if channel else image


def test_a_new_order_counts_each_line_on_its_channel_on_the_utc_day_it_was_placed():
    # GIVEN an order placed late on the 3rd in New York: the 4th in UTC
    header = {"order_id": "ord_1", "channel": "web", "placed_at": "2026-11-03T22:30:00-05:00"}

    # WHEN its lines are counted
    counts = ordered_on_channel(header, {1: line("MUG", 2), 2: line("CAP", 1), 3: line("MUG", 4)})

    # THEN one count per line, each its own event, all on the channel's day
    assert counts == [
        DemandCount(Series.on_channel("MUG", "web"), date(2026, 11, 4), "ord_1#L001#ordered", ordered=2),
        DemandCount(Series.on_channel("CAP", "web"), date(2026, 11, 4), "ord_1#L002#ordered", ordered=1),
        DemandCount(Series.on_channel("MUG", "web"), date(2026, 11, 4), "ord_1#L003#ordered", ordered=4),
    ]


def test_a_new_shipment_counts_its_units_per_sku_at_its_location_on_the_day_it_was_made():
    counts = shipment_counts(None, shipment(), AT)

    assert counts == [
        DemandCount(Series.at_location("MUG", "wh-reno"), date(2026, 11, 18), f"{SHIPMENT}#MUG#ordered", ordered=5),
        DemandCount(Series.at_location("CAP", "wh-reno"), date(2026, 11, 18), f"{SHIPMENT}#CAP#ordered", ordered=1),
    ]
    assert shipment_counts({}, shipment(), AT) == counts  # a missing image may come as empty


def test_a_rejected_shipment_takes_its_units_back_from_its_location_on_the_day_it_added_them():
    counts = shipment_counts(shipment("accepted"), shipment("rejected"), AT)

    assert counts == [
        DemandCount(Series.at_location("MUG", "wh-reno"), date(2026, 11, 18), f"{SHIPMENT}#MUG#withdrawn", ordered=-5),
        DemandCount(Series.at_location("CAP", "wh-reno"), date(2026, 11, 18), f"{SHIPMENT}#CAP#withdrawn", ordered=-1),
    ]


def test_a_cancelled_shipment_gives_its_units_back_once_and_a_rejected_one_cancelled_later_not_again():
    assert [c.ordered for c in shipment_counts(shipment("pending"), shipment("cancelled"), AT)] == [-5, -1]
    assert shipment_counts(shipment("rejected"), shipment("cancelled"), AT) == []
    assert shipment_counts(shipment("rejected"), shipment("rejected"), AT) == []


def test_a_shipment_leaving_counts_shipped_units_at_its_location_and_on_its_channel_on_the_day_it_left():
    left = shipment("shipped", shipped_at="2026-11-19T16:00:00.000Z")

    counts = shipment_counts(shipment("picked"), left, AT)

    day = date(2026, 11, 19)
    assert counts == [
        DemandCount(Series.at_location("MUG", "wh-reno"), day, f"{SHIPMENT}#MUG#shipped#location", shipped=5),
        DemandCount(Series.on_channel("MUG", "shopify"), day, f"{SHIPMENT}#MUG#shipped#channel", shipped=5),
        DemandCount(Series.at_location("CAP", "wh-reno"), day, f"{SHIPMENT}#CAP#shipped#location", shipped=1),
        DemandCount(Series.on_channel("CAP", "shopify"), day, f"{SHIPMENT}#CAP#shipped#channel", shipped=1),
    ]


def test_a_shipment_of_an_order_from_before_shipments_named_their_channel_counts_at_its_location_only():
    counts = shipment_counts(shipment("picked", channel=None),
                             shipment("shipped", channel=None, shipped_at="2026-11-19T16:00:00.000Z"), AT)

    assert {c.series.kind for c in counts} == {"location"} and [c.shipped for c in counts] == [5, 1]


def test_a_shipment_said_shipped_without_a_time_counts_on_the_day_of_the_change():
    counts = shipment_counts(shipment("picked"), shipment("shipped"), AT)

    assert {c.day for c in counts} == {AT.date()} and len(counts) == 4


def test_moves_after_leaving_and_other_changes_count_nothing():
    left = {"shipped_at": "2026-11-19T16:00:00.000Z"}
    assert shipment_counts(shipment("shipped", **left), shipment("in_transit", **left), AT) == []
    assert shipment_counts(shipment("in_transit", **left), shipment("delivered", **left), AT) == []
    assert shipment_counts(shipment("pending"), shipment("accepted"), AT) == []
    assert shipment_counts(shipment("accepted"), None, AT) == []  # removed


def test_a_stock_item_with_nothing_to_promise_is_a_stock_out():
    assert stocked_out({"sku": "MUG", "location_id": "wh-reno", "available": Decimal(0)})
    assert stocked_out({"sku": "MUG", "location_id": "wh-reno", "available": Decimal(-2)})  # a loss beyond what was free
    assert not stocked_out({"sku": "MUG", "location_id": "wh-reno", "available": Decimal(1)})
    assert not stocked_out({"pk": "SKU#MUG", "sk": "LOC#wh-reno"})  # made by a transaction: keys first
    assert not stocked_out(None)


# A shipment's life as its stream shows it: each step a status, shipped_at set once it has left.
_NEXT = {"pending": ["accepted", "rejected", "cancelled"], "accepted": ["picked", "rejected", "cancelled"],
         "picked": ["shipped", "rejected", "cancelled"], "shipped": ["in_transit", "delivered"],
         "in_transit": ["delivered", "exception"], "exception": ["delivered", "returned"]}


@st.composite
def lives(draw) -> list[dict]:
    statuses = ["pending"]
    while _NEXT.get(statuses[-1]) and draw(st.booleans()):
        statuses.append(draw(st.sampled_from(_NEXT[statuses[-1]])))
    channel = draw(st.sampled_from(["web", None]))
    images, left = [], {}
    for status in statuses:
        if status == "shipped":
            left = {"shipped_at": "2026-11-19T16:00:00.000Z"}
        images.append(shipment(status, channel=channel, **left))
    return images


@given(lives(), st.integers(min_value=1, max_value=3))
def test_over_any_life_a_shipment_counts_once_where_it_ended_and_every_event_is_its_own(life, deliveries):
    # WHEN each change is delivered one or more times (the store applies an event once)
    applied: dict[str, DemandCount] = {}
    for old, new in zip([None, *life], life, strict=False):
        for _ in range(deliveries):
            for count in shipment_counts(old, new, AT):
                applied.setdefault(count.event, count)

    # THEN its units stay ordered at its location unless it gave them back, and shipped once if it left
    final = life[-1]
    ordered = sum(c.ordered for c in applied.values() if c.series.kind == "location")
    shipped = sum(c.shipped for c in applied.values() if c.series.kind == "location")
    assert ordered == (0 if final["status"] in ("rejected", "cancelled") else 6)
    assert shipped == (6 if "shipped_at" in final else 0)
    on_channel = sum(c.shipped for c in applied.values() if c.series.kind == "channel")
    assert on_channel == (shipped if final.get("channel") else 0)
