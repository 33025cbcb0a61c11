"""Alerts: how many a burst of backorders sends, and how long an alert takes to reach the ops topic.

`alerts_for_500_backorders`: 500 orders for one SKU nobody has, through the real intake,
allocation and alerts handlers on in-process moto, then the sweep's summary a quarter of an
hour later (the sweep's own code, with its clock moved on).
`alert_latency_ms`: on the local stack (pumps live), from a held order's 201 to its alert on
a queue subscribed to the ops topic; the order is then approved, which clears the condition,
so each trial opens it afresh.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from datetime import UTC, datetime, timedelta

import boto3
from moto import mock_aws

from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from oms.alerting.raising import Alerter
from oms.alerting.service_levels import ServiceLevels
from oms.alerting.topic import to_ops_topic
from oms.store.alerts import AlertBook
from tests.bench.figures import Figure
from tests.e2e.conftest import start_local_stack, stop_local_stack
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.conftest import TEMPLATE, Deployed, fresh_powertools_parameters
from infra.local.template import Template

BACKORDERS = 500
TRIALS = 20
_HELD = {"lines": [{"sku": "MUG-LOGO", "quantity": 1, "unit_price": "9000.00"}], "shipping": "0", "tax": "0",
         "total": "9000.00"}  # above the screening rules' limit: held for review


def _drain(sqs, queue: str) -> list[dict]:
    messages = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        messages += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)])
    return messages


def _deliver(deployed: Deployed, function_id: str, event_name: str) -> None:
    """Every record the stream holds for the function now, in batches of 100 (a read returns a page)."""
    handler = deployed.function(function_id)
    while records := deployed.stream_event(function_id, event_name)["Records"]:
        for start in range(0, len(records), 100):
            handler.invoke({"Records": records[start:start + 100]})


def _alerts_for_backorders() -> tuple[int, float]:
    roll_back_touched_items_only()
    fresh_powertools_parameters()
    with mock_aws():
        template = Template(TEMPLATE)
        resources = LocalResources(template)
        intrinsics = resources.create_all()
        seed_demo_data(template, intrinsics, resources)
        deployed = Deployed(template, resources, intrinsics)
        sqs, inbox = deployed.client("sqs"), deployed.inbox("OpsTopic", "bench-ops")
        for source in ("StockChanges", "OrderChanges"):
            _deliver(deployed, "AlertFunction", source)
        _drain(sqs, inbox)  # what the demo data itself alerts

        intake = deployed.function("IntakeFunction")
        lines = [{"sku": "HOODIE-GREY-S", "quantity": 50, "unit_price": "30.00"}]  # 4 in stock, anywhere
        started = time.perf_counter()
        for _ in range(BACKORDERS):
            response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(
                lines=lines, shipping="0", tax="0", total="1500.00"), principal=channel_principal())))
        _deliver(deployed, "AllocationFunction", "ApprovedOrders")
        _deliver(deployed, "AlertFunction", "OrderChanges")
        book = AlertBook(deployed.name_of("AlertsTable"), deployed.client("dynamodb"))
        alerter = Alerter(book, to_ops_topic(deployed.client("sns"), deployed.name_of("OpsTopic")))
        now = datetime.now(UTC)
        for minutes in (5, 16, 40):
            alerter.sweep(now + timedelta(minutes=minutes), ServiceLevels())
        seconds = time.perf_counter() - started
        sent = [m for m in _drain(sqs, inbox) if m["alert"] == "backordered"]
        assert sent and sent[-1]["count"] >= BACKORDERS - 1, sent
        return len(sent), seconds


def _post(connection: http.client.HTTPConnection, path: str, key: str, body: dict) -> dict:
    connection.request("POST", path, json.dumps(body), {"x-api-key": key, "content-type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    assert response.status in (200, 201), (response.status, answer)
    return answer


def _alert_latencies(stack) -> list[float]:
    moto_url = next(line.split()[1] for line in stack.output if line.strip().startswith("moto"))
    local = {"endpoint_url": moto_url, "region_name": "us-east-1", "aws_access_key_id": "local",
             "aws_secret_access_key": "local"}
    sqs, sns, dynamodb = boto3.client("sqs", **local), boto3.client("sns", **local), boto3.client("dynamodb", **local)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if "OpsTopic" in t["TopicArn"])
    queue = sqs.create_queue(QueueName="bench-alert-latency")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    alerts_table = next(name for name in dynamodb.list_tables()["TableNames"] if "AlertsTable" in name)
    host, port = stack.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies = []
    for _ in range(TRIALS):
        order_id = _post(connection, "/orders", "local-web-key", unique_order_payload(**_HELD))["order_id"]
        posted = time.perf_counter()
        while not [m for m in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1,
                                                  MaxNumberOfMessages=10).get("Messages", [])
                   if json.loads(m["Body"])["alert"] == "held"]:
            assert time.perf_counter() - posted < 30, "no alert within 30 s"
        latencies.append((time.perf_counter() - posted) * 1000)
        _post(connection, f"/orders/{order_id}/approve", "local-admin-key", {})
        while dynamodb.get_item(TableName=alerts_table, Key={"pk": {"S": "CONDITIONS"}, "sk": {"S": "held"}}).get("Item"):
            time.sleep(0.05)  # cleared: the next held order opens the condition afresh
        _drain(sqs, queue)
    return latencies


def figures() -> list[Figure]:
    sent, seconds = _alerts_for_backorders()
    stack = start_local_stack()
    try:
        latencies = sorted(_alert_latencies(stack))
    finally:
        stop_local_stack(stack)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return [
        Figure("alerts_for_500_backorders", sent, "alerts", "<= 3",
               f"{BACKORDERS} orders short of one SKU through intake, allocation and alerts on moto, then the sweep "
               f"at +5, +16 and +40 min ({seconds:.0f} s)"),
        Figure("alert_latency_ms_p50", round(statistics.median(latencies), 1), "ms", "",
               f"local stack, pumps live: a held order's 201 to its alert on a queue subscribed to the ops topic; "
               f"{TRIALS} trials"),
        Figure("alert_latency_ms_p95", round(p95, 1), "ms", "", "as above"),
    ]

