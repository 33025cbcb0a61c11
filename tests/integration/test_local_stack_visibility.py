"""A started LocalStack runs its template's schedules by itself, and `oms alerts` tails its ops topic.

The stack runs tests/fixtures/schedules: a function that writes down every event it is handed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from unittest import mock

import boto3
import pytest

from infra.cli import main
from infra.local.stack import LocalStack
from infra.local.template import REGION
from tests.e2e.conftest import free_port

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schedules" / "template.yaml"
# rate(1 minute) fires every 0.1 s
SPEED = 600


@pytest.fixture(scope="module")
def stack():
    with mock.patch.dict(os.environ):  # the stack points the process's AWS clients at its moto
        stack = LocalStack(FIXTURE, port=free_port(), moto_port=free_port(), demo_data=False, schedule_speed=SPEED,
                           log=lambda *_, **__: None)
        stack.start()
        yield stack
        stack.stop()


def client(stack: LocalStack, service: str):
    return boto3.client(service, region_name=REGION, endpoint_url=stack.moto_url)


def markers(stack: LocalStack) -> list[dict]:
    items = client(stack, "dynamodb").scan(TableName=stack.intrinsics.resolve({"Ref": "MarkersTable"}))["Items"]
    return [json.loads(item["event"]["S"]) for item in items]


def wait_for_markers(stack: LocalStack, wanted, timeout: float = 15) -> list[dict]:
    deadline = time.monotonic() + timeout
    while not wanted(found := markers(stack)):
        assert time.monotonic() < deadline, f"no such markers within {timeout} s: {found}"
        time.sleep(0.05)
    return found


def test_a_schedule_fires_on_the_started_stack_without_anyone_invoking_anything(stack):
    found = wait_for_markers(stack, lambda events: sum(event.get("source") == "aws.scheduler" for event in events) >= 2)

    event = next(event for event in found if event.get("source") == "aws.scheduler")
    assert event["detail-type"] == "Scheduled Event" and event["detail"] == "{}"
    assert event["resources"] == [
        "arn:aws:scheduler:us-east-1:123456789012:schedule/default/oms-local-MarkerFunctionEveryMinute"]


def test_a_disabled_schedule_is_not_run(stack):
    assert stack.schedules.names == ["MarkerFunction.EveryMinute", "MarkerFunction.Daily"]


def test_a_test_can_fire_a_schedule_now_and_its_input_is_the_event(stack):
    assert stack.schedules.fire("MarkerFunction.Daily") == {"marked": True}

    wait_for_markers(stack, lambda events: {"marker": "daily"} in events)


def publish(stack: LocalStack, message: str) -> None:
    client(stack, "sns").publish(TopicArn=stack.intrinsics.resolve({"Ref": "OpsTopic"}), Message=message)


def test_oms_alerts_prints_what_the_ops_topic_published_and_then_nothing_twice(stack, capsys):
    publish(stack, json.dumps({"alert": "sold_out", "severity": "critical", "count": 2,
                               "summary": "2 SKU(s) out of stock at every location serving channel web",
                               "action": "Restock, or pause the listings on this channel."}))
    publish(stack, "not JSON")

    first = main(["alerts", "--endpoint-url", stack.moto_url])
    printed = capsys.readouterr().out.splitlines()
    again = main(["alerts", "--endpoint-url", stack.moto_url])

    assert first == again == 0
    assert len(printed) == 2
    assert printed[0].endswith(" critical sold_out  2 SKU(s) out of stock at every location serving channel web"
                               " — Restock, or pause the listings on this channel.")
    assert printed[1].endswith(" not JSON")
    assert capsys.readouterr().out == ""
