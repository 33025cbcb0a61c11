"""Alerts on moto: from the tables' streams and the sweep to the ops topic, once per condition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oms.alerting.raising import Alerter
from oms.alerting.service_levels import ServiceLevels
from oms.alerting.signals import Signal
from oms.store.alerts import AlertBook
from oms.store.inventory import InventoryStore
from tests.factories import api_event, channel_principal, response_json, unique_order_payload

SKU, LOCATION = "ALERT-MUG", "wh-columbus"  # nothing there is low in the demo data


@pytest.fixture
def ops(deployed):
    inbox = deployed.inbox("OpsTopic", "ops-inbox")

    def read() -> list[dict]:
        return deployed.drain(inbox)

    for source in ("StockChanges", "OrderChanges"):  # what the demo data itself alerts (a low stock or two)
        deliver(deployed, source)
    read()
    return read


@pytest.fixture
def inventory(deployed) -> InventoryStore:
    return InventoryStore(deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


def deliver(deployed, event_name: str, twice: bool = False) -> None:
    event = deployed.stream_event("AlertFunction", event_name)
    alerts = deployed.function("AlertFunction")
    for _ in range(2 if twice else 1) if event["Records"] else ():  # Lambda never delivers nothing
        assert alerts.invoke(event) == {"batchItemFailures": []}


def test_low_stock_alerts_once_stays_quiet_while_it_holds_and_alerts_again_after_it_clears(deployed, ops, inventory):
    inventory.set_stock(SKU, LOCATION, on_hand=10, reorder_point=5)
    deliver(deployed, "StockChanges")
    assert ops() == []

    inventory.adjust(SKU, LOCATION, -6)  # 4 left, below 5
    deliver(deployed, "StockChanges", twice=True)  # a record delivered again changes nothing
    (alert,) = ops()
    assert (alert["alert"], alert["severity"], alert["location"], alert["skus"]) == ("low_stock", "warning", LOCATION, [SKU])
    assert "reorder point" in alert["summary"] and alert["action"]

    inventory.adjust(SKU, LOCATION, -1)
    deliver(deployed, "StockChanges")
    assert ops() == []  # still low: said already

    inventory.receive(SKU, LOCATION, 10)
    deliver(deployed, "StockChanges")
    assert ops() == []  # cleared, quietly

    inventory.adjust(SKU, LOCATION, -12)
    deliver(deployed, "StockChanges")
    assert [alert["alert"] for alert in ops()] == ["low_stock"]


def test_out_of_stock_everywhere_a_channel_sells_from_is_critical_and_coming_back_is_news(deployed, ops, inventory):
    inventory.set_stock(SKU, LOCATION, on_hand=3)
    deliver(deployed, "StockChanges")
    inventory.adjust(SKU, LOCATION, -3)
    deliver(deployed, "StockChanges")
    raised = {(alert["alert"], alert.get("location") or alert.get("channel")): alert for alert in ops()}
    assert raised[("out_of_stock", LOCATION)]["skus"] == [SKU]
    sold_out = [alert for (kind, _), alert in raised.items() if kind == "sold_out"]
    assert sold_out and all(alert["severity"] == "critical" for alert in sold_out)

    inventory.receive(SKU, LOCATION, 5)
    deliver(deployed, "StockChanges")
    assert [(alert["alert"], alert["skus"]) for alert in ops()] == [("back_in_stock", [SKU])]


def test_a_held_order_alerts_and_a_second_held_order_waits_for_the_summary(deployed, ops):
    intake = deployed.function("IntakeFunction")
    for _ in range(2):
        response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
            lines=[{"sku": "CAP-BLACK", "quantity": 1, "unit_price": "9000.00"}], shipping="0", tax="0",
            total="9000.00"), principal=channel_principal())))
    deliver(deployed, "OrderChanges")
    (alert,) = ops()
    assert alert["alert"] == "held" and alert["count"] == 1 and alert["phase"] == "opened"

    alerter = Alerter(AlertBook(deployed.name_of("AlertsTable"), deployed.client("dynamodb")), publish=None)
    assert alerter.sweep(datetime.now(UTC) + timedelta(minutes=1), ServiceLevels()) == []  # too soon to sum up


def publish_to(deployed):
    from oms.alerting.topic import to_ops_topic

    return to_ops_topic(deployed.client("sns"), deployed.name_of("OpsTopic"))


def test_a_burst_of_500_backorders_on_one_sku_is_one_alert_and_one_summary(deployed, ops):
    book = AlertBook(deployed.name_of("AlertsTable"), deployed.client("dynamodb"))
    alerter, now = Alerter(book, publish_to(deployed)), datetime.now(UTC)
    for n in range(500):
        alerter.apply([Signal("backordered", f"ord_{n:04d}", (("sku", "TEE-M"),))], now + timedelta(milliseconds=n))
    levels = ServiceLevels()
    alerter.sweep(now + timedelta(minutes=5), levels)
    alerter.sweep(now + timedelta(minutes=16), levels)
    alerter.sweep(now + timedelta(minutes=40), levels)  # nothing new since the summary

    opened, summary = ops()
    assert (opened["count"], opened["phase"]) == (1, "opened")
    assert (summary["count"], summary["new"], summary["phase"], summary["sku"]) == (500, 499, "summary", "TEE-M")


def test_an_event_condition_closes_after_a_quiet_spell_and_the_next_event_alerts_at_once(deployed, ops):
    book = AlertBook(deployed.name_of("AlertsTable"), deployed.client("dynamodb"))
    alerter, now = Alerter(book, publish_to(deployed)), datetime.now(UTC)
    rejected = Signal("location_rejection", "shp_1", (("location", LOCATION),))
    alerter.apply([rejected], now)
    alerter.sweep(now + timedelta(minutes=61), ServiceLevels())
    alerter.apply([Signal("location_rejection", "shp_2", (("location", LOCATION),))], now + timedelta(minutes=62))
    assert [alert["shipment_ids"] for alert in ops()] == [["shp_1"], ["shp_2"]]


def test_a_notice_the_topic_refused_is_sent_by_the_next_try(deployed, ops):
    book = AlertBook(deployed.name_of("AlertsTable"), deployed.client("dynamodb"))
    refusing = Alerter(book, lambda notice: False)
    signal = Signal("held", "ord_1")
    with pytest.raises(RuntimeError):
        refusing.apply([signal], datetime.now(UTC))
    Alerter(book, publish_to(deployed)).sweep(datetime.now(UTC), ServiceLevels())
    assert [alert["order_ids"] for alert in ops()] == [["ord_1"]]


def test_the_sweep_alerts_an_order_approved_and_not_allocated_past_its_service_level(deployed, ops):
    intake = deployed.function("IntakeFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                     principal=channel_principal())))["order_id"]
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    deployed.client("dynamodb").update_item(
        TableName=deployed.name_of("OrdersTable"), Key={"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}},
        UpdateExpression="SET updated_at = :then", ExpressionAttributeValues={":then": {"S": an_hour_ago}})
    sweep = deployed.function("AlertSweepFunction")

    assert sweep.invoke({})["stuck"] == 1
    (alert,) = ops()
    assert (alert["alert"], alert["severity"], alert["order_ids"]) == ("stuck_unallocated", "critical", [order_id])
    assert sweep.invoke({})["alerts_sent"] == 0  # still stuck: said already
