"""What a person running `oms local` sees: readable log lines, the JSON log file, `oms metrics`
and `oms alerts`."""

from __future__ import annotations

import json
import os
import time
import uuid
from unittest import mock

import boto3
import pytest

from infra.cli import main
from infra.local.template import REGION
from tests.factories import unique_order_payload

pytestmark = pytest.mark.e2e

WEB_KEY = "local-web-key"


def moto_url(stack) -> str:
    return next(line.split()[1] for line in stack.output if line.strip().startswith("moto"))


def after_ready(stack) -> list[str]:
    ready = next(index for index, line in enumerate(stack.output) if "ready" in line)
    return stack.output[ready + 1:]


def test_the_banner_names_the_log_file_and_the_schedules(local_stack):
    banner = "".join(local_stack.output)

    assert str(local_stack.log_file) in banner
    assert "of the template's, run as deployed" in banner


def test_a_log_record_is_one_readable_line_in_the_terminal_and_json_in_the_log_file(local_stack):
    order_id = local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY).body["order_id"]

    local_stack.wait_for_output(f"order received  order_id={order_id}")

    line = next(line for line in local_stack.output if f"order_id={order_id}" in line)
    assert " intake " in line and " INFO " in line
    assert not [line for line in after_ready(local_stack) if line.startswith("{")]  # no JSON on the terminal
    logged = [json.loads(line) for line in local_stack.log_file.read_text().splitlines()]
    assert any(record.get("order_id") == order_id and record.get("message") == "order received" for record in logged)
    assert any("_aws" in record for record in logged)  # metrics too


def test_oms_metrics_sums_the_metrics_the_stack_emitted(local_stack, capsys):
    local_stack.request("POST", "/orders", unique_order_payload(), api_key=WEB_KEY)

    deadline = time.monotonic() + 30
    while True:
        assert main(["metrics", "--log-file", str(local_stack.log_file)]) == 0
        table = capsys.readouterr().out.splitlines()
        if any(row.startswith("OrdersReceived ") and "channel=web" in row for row in table):
            break
        assert time.monotonic() < deadline, table
        time.sleep(0.2)
    assert table[0].split() == ["METRIC", "DIMENSIONS", "TOTAL", "UNIT", "NAMESPACE"]


def test_oms_alerts_prints_what_the_ops_topic_publishes(local_stack, capsys):
    endpoint = moto_url(local_stack)
    summary = f"a test alert {uuid.uuid4().hex}"
    with mock.patch.dict(os.environ, {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}):
        sns = boto3.client("sns", region_name=REGION, endpoint_url=endpoint)
        topic = next(topic["TopicArn"] for topic in sns.list_topics()["Topics"] if "OpsTopic" in topic["TopicArn"])
        sns.publish(TopicArn=topic, Message=json.dumps({"alert": "held", "severity": "warning", "summary": summary,
                                                        "action": "Review them."}))

    assert main(["alerts", "--endpoint-url", endpoint]) == 0

    printed = capsys.readouterr().out
    assert f"warning  held  {summary} — Review them." in printed
