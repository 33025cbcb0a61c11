"""Handlers on in-process moto, with every resource created from template.yaml."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS
from moto import mock_aws

from infra.local import event_filter
from infra.local.invoke import InstancePool, LocalLambda
from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from infra.local.stream_source import lambda_record
from infra.local.template import Intrinsics, Template

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
# Read once: every test deploys the same template, and nothing here changes it.
_TEMPLATE = Template(TEMPLATE)


@dataclass
class Deployed:
    """The template's resources on moto, and the handlers declared beside them."""

    template: Template
    resources: LocalResources
    intrinsics: Intrinsics
    _stream_positions: dict = field(default_factory=dict)

    def client(self, service: str):
        return self.resources.client(service)

    def name_of(self, logical_id: str) -> str:
        return self.intrinsics.resolve({"Ref": logical_id})

    def environment(self, function_id: str) -> dict[str, str]:
        return self.template.function(function_id).environment(self.intrinsics)

    def function(self, function_id: str) -> LocalLambda:
        return LocalLambda(self.template.function(function_id), self.environment(function_id))

    def pool(self, function_id: str, instances: int) -> InstancePool:
        return InstancePool(self.template.function(function_id), self.environment(function_id), instances)

    def stream_event(self, function_id: str, event_name: str) -> dict:
        """What the function's stream event source would deliver now: the table's stream
        records since the last call for this source, as Lambda shapes and filters them."""
        event = next(e for e in self.template.function(function_id).events if e.name == event_name)
        properties = self.intrinsics.resolve(event.properties)
        streams = self.client("dynamodbstreams")
        stream_arn = properties["Stream"]
        iterators = self._stream_positions.setdefault((function_id, event_name), {})
        if not iterators:
            for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
                iterators[shard["ShardId"]] = streams.get_shard_iterator(
                    StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        patterns = event_filter.patterns_of(properties.get("FilterCriteria"))
        records = []
        for shard_id, iterator in iterators.items():
            response = streams.get_records(ShardIterator=iterator)
            iterators[shard_id] = response["NextShardIterator"]
            records += [r for r in (lambda_record(record, stream_arn) for record in response["Records"])
                        if event_filter.matches(patterns, r)]
        return {"Records": records}

    def inbox(self, topic_id: str, name: str, **attributes: str) -> str:
        """A queue subscribed to the topic (raw delivery), as a subscriber of it would read it."""
        sqs = self.client("sqs")
        queue = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.client("sns").subscribe(TopicArn=self.name_of(topic_id), Protocol="sqs", Endpoint=arn,
                                     Attributes={"RawMessageDelivery": "true", **attributes})
        return queue

    def drain(self, queue_url: str) -> list[dict]:
        """Every message waiting on the queue, its JSON body parsed; the queue is left empty."""
        sqs, messages = self.client("sqs"), []
        while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            messages += batch
            sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)])
        return [json.loads(m["Body"]) for m in messages]

    def items(self, table_id: str) -> list[dict]:
        pages = self.client("dynamodb").get_paginator("scan").paginate(TableName=self.name_of(table_id))
        return [item for page in pages for item in page["Items"]]


def fresh_powertools_parameters() -> None:
    """powertools keeps its parameter caches and its default providers (each holding a boto3
    client, with the endpoint of when it was made) in its module, which every loaded handler
    shares here; each test's functions start cold, as new containers would."""
    parameters.clear_caches()
    DEFAULT_PROVIDERS.clear()


@pytest.fixture
def deployed():
    roll_back_touched_items_only()
    fresh_powertools_parameters()
    with mock_aws():
        template = _TEMPLATE
        resources = LocalResources(template)
        intrinsics = resources.create_all()
        seed_demo_data(template, intrinsics, resources)
        yield Deployed(template, resources, intrinsics)


@pytest.fixture
def intake(deployed):
    return deployed.function("IntakeFunction")


@pytest.fixture
def allocation(deployed):
    return deployed.function("AllocationFunction")
