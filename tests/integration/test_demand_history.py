"""Demand history on moto: the Orders and Inventory streams counted into daily rollups, each
event once, read back day by day without a scan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from botocore.client import BaseClient

from infra.faults import Fault
from oms.demand import DailyDemand, DemandCount, Series
from oms.store.demand import DemandStore
from oms.store.inventory import InventoryStore
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import read, stream_event
from tests.integration.test_fulfilment import act

SKU = "TSHIRT-RED-M"  # the example order's: 2 units on the web channel, placed 2026-11-20
PLACED = date(2026, 11, 20)


@pytest.fixture
def demand(deployed) -> DemandStore:
    return DemandStore(deployed.name_of("PlanningTable"), deployed.client("dynamodb"))


@pytest.fixture
def inventory(deployed) -> InventoryStore:
    return InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Every AWS operation any client makes from here on, by name."""
    made: list[str] = []
    original = BaseClient._make_api_call

    def recorded(client, operation_name, api_params):
        made.append(operation_name)
        return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)
    return made


def deliver(deployed, source: str, twice: bool = False) -> None:
    """The demand function's stream records since the last delivery, as Lambda filters them."""
    event = deployed.stream_event("DemandFunction", source)
    function = deployed.function("DemandFunction")
    for _ in range(2 if twice else 1) if event["Records"] else ():  # Lambda never delivers nothing
        assert function.invoke(event) == {"batchItemFailures": []}


def allocated(deployed) -> tuple[str, dict]:
    """An order for 2 TSHIRT-RED-M taken in and sourced: its id and its shipment."""
    intake = deployed.function("IntakeFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                     principal=channel_principal())))["order_id"]
    deployed.function("AllocationFunction").invoke(stream_event(deployed, order_id))
    (shipment,) = read(intake, order_id)["shipments"]
    return order_id, shipment


def day_of(at: str) -> date:
    return datetime.fromisoformat(at).astimezone(UTC).date()


def one_day(store: DemandStore, series: Series, day: date) -> DailyDemand:
    (counted,) = store.history(series, day, day)
    return counted


def test_an_order_counts_on_its_channel_when_placed_and_at_its_location_when_sourced(deployed, demand, calls):
    # GIVEN an order taken in through the API and sourced
    _, shipment = allocated(deployed)
    calls.clear()

    # WHEN the Orders stream's records reach the demand function
    deliver(deployed, "OrderChanges")

    # THEN the order's units are on its channel's day and its shipment's location's day
    assert one_day(demand, Series.on_channel(SKU, "web"), PLACED) == DailyDemand(PLACED, 2, 0, False)
    sourced = day_of(shipment["created_at"])
    assert one_day(demand, Series.at_location(SKU, shipment["location_id"]), sourced) == DailyDemand(
        sourced, 2, 0, False)
    assert "Scan" not in calls and "Query" in calls  # the order's lines: one Query of its collection


def test_the_same_batch_delivered_twice_counts_once(deployed, demand):
    _, shipment = allocated(deployed)

    deliver(deployed, "OrderChanges", twice=True)

    assert one_day(demand, Series.on_channel(SKU, "web"), PLACED).ordered == 2
    assert one_day(demand, Series.at_location(SKU, shipment["location_id"]), day_of(shipment["created_at"])).ordered == 2


def test_a_rejected_shipment_sourced_elsewhere_counts_at_the_new_location_not_twice(deployed, demand):
    # GIVEN an allocated order whose shipment was counted at its location
    order_id, first = allocated(deployed)
    deliver(deployed, "OrderChanges")
    deliver(deployed, "StockChanges")  # the demo stock as it was

    # WHEN the location rejects it (it has none) and the order is sourced again
    assert act(deployed, first, "reject", {"reason": "no_stock"})[0] == 200
    deployed.function("AllocationFunction").invoke(stream_event(deployed, order_id))
    deliver(deployed, "OrderChanges", twice=True)
    deliver(deployed, "StockChanges")

    # THEN its units are demand where it is now sourced, not where it was, and once on the channel
    (second,) = [s for s in read(deployed.function("IntakeFunction"), order_id)["shipments"] if s["status"] == "pending"]
    assert second["location_id"] != first["location_id"]
    then, now = day_of(first["created_at"]), day_of(second["created_at"])
    assert one_day(demand, Series.at_location(SKU, first["location_id"]), then).ordered == 0
    assert one_day(demand, Series.at_location(SKU, second["location_id"]), now).ordered == 2
    assert one_day(demand, Series.on_channel(SKU, "web"), PLACED).ordered == 2
    # and the location that had none is marked out of stock that day (its free units were written off)
    assert one_day(demand, Series.at_location(SKU, first["location_id"]), datetime.now(UTC).date()).stock_out


def test_a_shipment_leaving_counts_shipped_at_its_location_and_on_its_channel(deployed, demand):
    _, shipment = allocated(deployed)
    assert act(deployed, shipment, "accept")[0] == 200
    status, shipped = act(deployed, shipment, "ship", {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"})
    assert status == 200

    deliver(deployed, "OrderChanges", twice=True)

    left = day_of(shipped["shipped_at"])
    assert one_day(demand, Series.at_location(SKU, shipment["location_id"]), left).shipped == 2
    assert one_day(demand, Series.on_channel(SKU, "web"), left).shipped == 2


def test_a_stock_item_reaching_nothing_to_promise_marks_its_day(deployed, demand, inventory):
    # GIVEN a SKU stocked at a location
    inventory.set_stock("DEMAND-MUG", "wh-columbus", on_hand=3)
    deliver(deployed, "StockChanges")
    today = datetime.now(UTC).date()
    series = Series.at_location("DEMAND-MUG", "wh-columbus")
    assert one_day(demand, series, today).stock_out is False

    # WHEN its last units are counted lost
    inventory.adjust("DEMAND-MUG", "wh-columbus", -3)
    deliver(deployed, "StockChanges", twice=True)

    # THEN today is a stock-out there, and only there
    assert demand.history(series, today - timedelta(days=1), today) == [
        DailyDemand(today - timedelta(days=1), 0, 0, False), DailyDemand(today, 0, 0, True)]
    assert one_day(demand, Series.at_location("DEMAND-MUG", "store-sf"), today).stock_out is False


def test_history_fills_the_days_with_nothing_and_reads_only_its_own_series(demand, calls):
    # GIVEN counts on a series and on its neighbours: another location, the SKU's channel, a SKU
    # whose name starts the same, and days either side of the range read
    mug = Series.at_location("MUG", "wh-reno")
    first = date(2026, 11, 1)
    demand.count([
        DemandCount(mug, first - timedelta(days=1), "e1", ordered=9),
        DemandCount(mug, first, "e2", ordered=3),
        DemandCount(mug, first + timedelta(days=3), "e3", ordered=2, shipped=1),
        DemandCount(mug, first + timedelta(days=3), "e4", ordered=1),
        DemandCount(mug, first + timedelta(days=5), "e5", ordered=7),
        DemandCount(Series.at_location("MUG", "wh-reno-2"), first + timedelta(days=1), "e6", ordered=5),
        DemandCount(Series.at_location("MUGS", "wh-reno"), first + timedelta(days=1), "e7", ordered=5),
        DemandCount(Series.on_channel("MUG", "web"), first + timedelta(days=2), "e8", ordered=5),
    ])
    demand.mark_stock_out("MUG", "wh-reno", first + timedelta(days=2))
    calls.clear()

    # WHEN five days of it are read
    history = demand.history(mug, first, first + timedelta(days=4))

    # THEN every day is there, oldest first, the empty ones zero, from Queries alone
    assert history == [
        DailyDemand(first, 3, 0, False),
        DailyDemand(first + timedelta(days=1), 0, 0, False),
        DailyDemand(first + timedelta(days=2), 0, 0, True),
        DailyDemand(first + timedelta(days=3), 3, 1, False),
        DailyDemand(first + timedelta(days=4), 0, 0, False),
    ]
    assert set(calls) == {"Query"}


def test_an_event_counted_is_not_counted_again_and_its_marker_expires(deployed, demand):
    count = DemandCount(Series.on_channel("MUG", "web"), date(2026, 11, 1), "ord_1#L001#ordered", ordered=4)

    assert demand.count([count, count]) == 1
    assert demand.count([count], expires_after_days=1) == 0

    assert one_day(demand, count.series, count.day).ordered == 4
    marker = deployed.client("dynamodb").get_item(
        TableName=deployed.name_of("PlanningTable"),
        Key={"pk": {"S": "COUNTED#ord_1#L001#ordered"}, "sk": {"S": "COUNTED"}})["Item"]
    expires_in = int(marker["expires_at"]["N"]) - datetime.now(UTC).timestamp()
    assert timedelta(days=39) < timedelta(seconds=expires_in) <= timedelta(days=40)


def test_a_count_losing_to_others_on_its_day_is_handed_back_then_outlasts_them_and_counts_once(
        deployed, demand, faults):
    # GIVEN an order sourced, and its channel's day busy with other counts for a while
    _, shipment = allocated(deployed)
    event = deployed.stream_event("DemandFunction", "OrderChanges")
    header, _ = event["Records"]
    function = deployed.function("DemandFunction")

    # WHEN the order's count keeps conflicting, the record is handed back (the shipment's still counts)
    faults.next(Fault.CONFLICT, "TransactWriteItems", times=4)
    assert function.invoke(event) == {"batchItemFailures": [{"itemIdentifier": header["dynamodb"]["SequenceNumber"]}]}

    # and delivered again, a few conflicts are outlasted
    faults.next(Fault.CONFLICT, "TransactWriteItems", times=3)
    assert function.invoke(event) == {"batchItemFailures": []}

    # THEN each counted once
    assert faults.injected[Fault.CONFLICT] == 7
    assert one_day(demand, Series.on_channel(SKU, "web"), PLACED).ordered == 2
    sourced = day_of(shipment["created_at"])
    assert one_day(demand, Series.at_location(SKU, shipment["location_id"]), sourced).ordered == 2
