"""The local event-source pump against moto's server, with the fixture stack in tests/fixtures/pump."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto.dynamodbstreams.models import dynamodbstreams_backends
from moto.server import ThreadedMotoServer

from infra.local import moto_streams

from infra.local.event_filter import InvalidPattern
from infra.local.moto_atomic import make_dynamodb_atomic
from infra.local.pump import Pump
from infra.local.queue_source import QueueSettings
from infra.local.resources import LocalResources
from infra.local.stream_source import StreamSettings
from infra.local.template import ACCOUNT_ID, REGION, Intrinsics, Template

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pump"
DRAIN_SECONDS = 15


@pytest.fixture(scope="module")
def moto_endpoint():
    make_dynamodb_atomic()
    moto_streams.bound_shard_iterators()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint,
        }.items():
            patch.setenv(name, value)
        yield endpoint
    server.stop()


@dataclass
class Stack:
    """The fixture stack on moto, its pump (not yet started), and what its functions logged."""

    intrinsics: Intrinsics
    pump: Pump
    record_dir: Path
    endpoint: str

    def client(self, service: str):
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint)

    def ref(self, logical_id: str) -> str:
        return self.intrinsics.resolve({"Ref": logical_id})

    def arn(self, logical_id: str, attribute: str = "Arn") -> str:
        return self.intrinsics.resolve({"Fn::GetAtt": [logical_id, attribute]})

    def put_item(self, pk: str, kind: str = "order", fail: str | None = None, **extra: str) -> None:
        item = {"pk": pk, "kind": kind, **({"fail": fail} if fail else {}), **extra}
        self.client("dynamodb").put_item(
            TableName=self.ref("ItemsTable"), Item={name: {"S": value} for name, value in item.items()}
        )

    def send(self, message_id: str, kind: str = "job", fail: str | None = None, **attributes: str) -> None:
        body = {"id": message_id, "kind": kind, **({"fail": fail} if fail else {})}
        self.send_raw(json.dumps(body), **attributes)

    def send_raw(self, body: str, **attributes: str) -> None:
        self.client("sqs").send_message(
            QueueUrl=self.ref("WorkQueue"),
            MessageBody=body,
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
            },
        )

    def events_of(self, function: str) -> list[dict]:
        path = self.record_dir / f"{function}.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def stream_calls(self) -> list[list[str]]:
        return [[record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
                for event in self.events_of("stream_consumer")]

    def queue_calls(self) -> list[list[str]]:
        return [[json.loads(record["body"])["id"] for record in event["Records"]]
                for event in self.events_of("queue_consumer")]

    def receive_all(self, logical_id: str) -> list[dict]:
        return self.client("sqs").receive_message(
            QueueUrl=self.ref(logical_id), MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])

    def backlog(self, logical_id: str) -> int:
        attributes = self.client("sqs").get_queue_attributes(QueueUrl=self.ref(logical_id), AttributeNames=["All"])
        counts = attributes["Attributes"]
        return sum(int(value) for name, value in counts.items() if name.startswith("ApproximateNumber"))


@pytest.fixture
def build_stack(moto_endpoint, tmp_path, monkeypatch):
    pumps = []

    def build(template_name: str) -> Stack:
        urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
        template = Template(FIXTURES / template_name, {"RecordDir": str(tmp_path)})
        intrinsics = LocalResources(template, moto_endpoint).create_all()
        for function in template.functions():
            for name, value in function.environment(intrinsics).items():
                monkeypatch.setenv(name, value)
        pumps.append(Pump(template, intrinsics, moto_endpoint, poll_interval=0.05))
        return Stack(intrinsics, pumps[-1], tmp_path, moto_endpoint)

    yield build
    for pump in pumps:
        pump.stop()


@pytest.fixture
def stack(build_stack):
    return build_stack("template.yaml")


def test_every_enabled_stream_and_queue_event_gets_a_source(stack):
    # GIVEN the fixture template (its IdleQueue event is disabled)
    # WHEN the pump reads it
    names = sorted(source.name for source in stack.pump.sources)

    # THEN each enabled DynamoDB and SQS event has a source
    assert names == ["QueueConsumer.Work", "StreamConsumer.ItemChanges"]


def test_stream_batches_hold_at_most_batch_size_records_in_order(stack):
    # GIVEN five orders already in the stream (BatchSize 2, TRIM_HORIZON)
    for pk in ("o1", "o2", "o3", "o4", "o5"):
        stack.put_item(pk)

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN the function got them in order, two at a time, in Lambda's record shape
    assert stack.stream_calls() == [["o1", "o2"], ["o3", "o4"], ["o5"]]
    record = stack.events_of("stream_consumer")[0]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "INSERT"
    assert record["eventSourceARN"] == stack.arn("ItemsTable", "StreamArn")
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "o1"}}
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "o1"}, "kind": {"S": "order"}}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)


def test_stream_filter_consumes_records_no_pattern_matches(stack):
    # GIVEN an order, a note, a change to the order and another order
    # (the filter takes INSERTs of kind "order" only)
    stack.put_item("o1")
    stack.put_item("n1", kind="note")
    stack.put_item("o1", colour="red")
    stack.put_item("o2")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN only the two inserted orders reach the function, as one batch, and nothing failed
    assert stack.stream_calls() == [["o1", "o2"]]
    assert stack.receive_all("StreamFailures") == []


def test_stream_partial_failure_retries_from_the_first_failed_record(stack):
    # GIVEN four orders, the second of which the function reports as failed once
    stack.put_item("a")
    stack.put_item("b", fail="report:1")
    stack.put_item("c")
    stack.put_item("d")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN the retry starts at the failed record; the one before it is not delivered again
    assert stack.stream_calls() == [["a", "b"], ["b", "c"], ["d"]]
    assert stack.receive_all("StreamFailures") == []


def test_stream_batch_that_keeps_failing_goes_to_the_on_failure_destination_and_the_shard_moves_on(stack):
    # GIVEN an order the function always fails on, followed by a good one
    # (BisectBatchOnFunctionError, MaximumRetryAttempts 2)
    stack.put_item("x", fail="raise:always")
    stack.put_item("y")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN the batch is split, the bad record is tried 1 + 2 times alone, then the next one is delivered
    assert stack.stream_calls() == [["x", "y"], ["x"], ["x"], ["x"], ["y"]]
    # AND the OnFailure queue describes where the discarded record is
    [message] = stack.receive_all("StreamFailures")
    report = json.loads(message["Body"])
    x_sequence = stack.events_of("stream_consumer")[0]["Records"][0]["dynamodb"]["SequenceNumber"]
    assert report["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert report["requestContext"]["functionArn"].endswith(":function:oms-local-StreamConsumer")
    assert report["requestContext"]["approximateInvokeCount"] == 3
    assert report["responseContext"]["functionError"] == "Unhandled"
    batch_info = report["DDBStreamBatchInfo"]
    assert batch_info["startSequenceNumber"] == batch_info["endSequenceNumber"] == x_sequence
    assert batch_info["batchSize"] == 1
    assert batch_info["streamArn"] == stack.arn("ItemsTable", "StreamArn")
    assert batch_info["shardId"].startswith("shardId-")


def test_batching_window_gathers_records_and_latest_skips_what_came_before(build_stack):
    # GIVEN sources with a one-second batching window, the stream one starting at LATEST,
    # and an order written before the pump started
    stack = build_stack("windowed.yaml")
    stack.put_item("before")
    stack.pump.start()

    # WHEN two orders and two jobs arrive a moment apart
    stack.put_item("a1")
    stack.send("j1")
    time.sleep(0.2)
    stack.put_item("a2")
    stack.send("j2")
    stack.pump.drain(DRAIN_SECONDS)

    # THEN each function got both in one call, and the earlier order not at all
    assert stack.stream_calls() == [["a1", "a2"]]
    assert stack.queue_calls() == [["j1", "j2"]]


def test_queue_batches_hold_at_most_batch_size_messages(stack):
    # GIVEN seven jobs waiting in the queue (BatchSize 3), one with a message attribute
    stack.send("j1", channel="web")
    for number in range(2, 8):
        stack.send(f"j{number}")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN every job was delivered once, at most three per call, and deleted
    calls = stack.queue_calls()
    assert [len(call) for call in calls] == [3, 3, 1]
    assert sorted(sum(calls, [])) == [f"j{number}" for number in range(1, 8)]
    assert stack.backlog("WorkQueue") == 0
    # AND the records have Lambda's SQS shape
    records = [record for event in stack.events_of("queue_consumer") for record in event["Records"]]
    first = next(record for record in records if json.loads(record["body"])["id"] == "j1")
    assert first["eventSource"] == "aws:sqs"
    assert first["eventSourceARN"] == stack.arn("WorkQueue")
    assert first["attributes"]["ApproximateReceiveCount"] == "1"
    assert first["messageAttributes"] == {
        "channel": {"stringValue": "web", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    assert first["md5OfBody"] and first["receiptHandle"] and first["messageId"]


def test_queue_filter_deletes_messages_no_pattern_matches(stack):
    # GIVEN two jobs, a message of another kind and a body that is not JSON
    stack.send("j1")
    stack.send("n1", kind="noise")
    stack.send_raw("plain text")
    stack.send("j2")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN only the jobs reach the function, and the others are consumed, not dead-lettered
    assert sorted(sum(stack.queue_calls(), [])) == ["j1", "j2"]
    assert stack.backlog("WorkQueue") == 0
    assert stack.backlog("WorkDeadLetters") == 0


def test_queue_partial_failure_returns_only_the_failed_message(stack):
    # GIVEN three jobs, the second of which the function reports as failed once
    stack.send("m1")
    stack.send("m2", fail="report:1")
    stack.send("m3")

    # WHEN the pump runs until drained (the failed one is visible again after 1 s)
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN only the failed job came back, on its second receive, and then everything was deleted
    assert stack.queue_calls() == [["m1", "m2", "m3"], ["m2"]]
    retried = stack.events_of("queue_consumer")[1]["Records"][0]
    assert retried["attributes"]["ApproximateReceiveCount"] == "2"
    assert stack.backlog("WorkQueue") == 0
    assert stack.backlog("WorkDeadLetters") == 0


def test_poison_message_ends_in_the_dead_letter_queue_and_the_pump_goes_on(stack):
    # GIVEN a job that makes the function raise every time (maxReceiveCount 2)
    stack.send("poison", fail="raise:always")

    # WHEN the pump runs until drained
    stack.pump.start().drain(DRAIN_SECONDS)

    # THEN it was delivered twice, then SQS moved it to the dead-letter queue
    assert stack.queue_calls() == [["poison"], ["poison"]]
    assert stack.backlog("WorkQueue") == 0
    [dead] = stack.receive_all("WorkDeadLetters")
    assert json.loads(dead["Body"])["id"] == "poison"

    # AND WHEN a good job follows, the same poller still delivers it
    stack.send("after")
    stack.pump.drain(DRAIN_SECONDS)
    assert stack.queue_calls()[-1] == ["after"]


def test_stop_returns_promptly_and_ends_every_poller(stack):
    # GIVEN a running pump with nothing to do
    stack.pump.start().drain(DRAIN_SECONDS)

    # WHEN it is stopped
    started = time.monotonic()
    stack.pump.stop()
    elapsed = time.monotonic() - started

    # THEN it returns at once and no poller thread is left
    assert elapsed < 1
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("pump-")]


def test_queue_filters_on_anything_but_the_body_are_refused():
    # GIVEN an SQS event whose filter looks at the message attributes
    properties = {
        "Queue": "arn:aws:sqs:us-east-1:123456789012:work",
        "FilterCriteria": {"Filters": [{"Pattern": '{"attributes": {"ApproximateReceiveCount": ["1"]}}'}]},
    }

    # WHEN / THEN it is refused, as Lambda refuses it
    with pytest.raises(InvalidPattern):
        QueueSettings.from_properties(properties)


def test_stream_failures_go_to_sqs_destinations_only():
    # GIVEN a stream event whose OnFailure destination is an SNS topic
    properties = {
        "Stream": "arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/2024-01-01T00:00:00.000",
        "StartingPosition": "LATEST",
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sns:us-east-1:123456789012:ops"}},
    }

    # WHEN / THEN the local pump says it cannot honour it rather than dropping failures
    with pytest.raises(ValueError, match="SQS only"):
        StreamSettings.from_properties(properties)


def test_moto_remembers_a_bounded_number_of_shard_iterators(stack, monkeypatch):
    # GIVEN moto's streams backend bounded to the 20 newest shard iterators
    monkeypatch.setattr(moto_streams, "KEPT_ITERATORS", 20)
    streams = stack.client("dynamodbstreams")
    stream_arn = stack.arn("ItemsTable", "StreamArn")
    [shard] = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
    )["ShardIterator"]

    # WHEN a reader polls far more often than that, following NextShardIterator
    for _ in range(60):
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]
    stack.put_item("late")

    # THEN moto keeps no more than 20, and the reader still gets what arrives next
    assert len(dynamodbstreams_backends[ACCOUNT_ID][REGION].shard_iterators) <= 20
    [record] = streams.get_records(ShardIterator=iterator)["Records"]
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "late"}}
