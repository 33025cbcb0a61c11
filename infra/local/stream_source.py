"""A DynamoDB stream event source: reads the table's shards and feeds the function.

Per shard, as Lambda does: records are handed over in order, in batches of at most
BatchSize; records no filter matches are consumed without a call; a failed batch is
retried from its first failed record (ReportBatchItemFailures) or whole, optionally
split in two (BisectBatchOnFunctionError); when the retries are spent, the batch's
description goes to the OnFailure destination and the shard moves on.

Local choices, where Lambda's own defaults would not suit a laptop:
- MaximumRetryAttempts defaults to 3 (Lambda's default, -1, retries until the records
  expire from the stream, which would wedge a shard for a day). -1 still means forever.
- Splitting a batch does not spend a retry; once the failure is isolated, every failed
  call of the remaining batch does.
- A retry backs off exponentially, as Lambda's do, from 0.5 s doubling to at most 30 s: a crashed
  invocation's idempotency record stays "in progress" until its timeout, and retries at poll
  speed would spend every attempt before it expires.
- The checkpoint lives in memory: a restarted pump starts again from StartingPosition.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infra.local import event_filter
from infra.local.event_source import Activity, BatchOutcome, Consumer, logger, queue_url, warn_unsupported

LOCAL_MAXIMUM_RETRY_ATTEMPTS = 3
_RETRY_BASE_SECONDS = 0.5
_RETRY_CEILING_SECONDS = 30.0
_READ_LIMIT = 1000  # GetRecords' maximum
_SUPPORTED = {
    "Stream", "StartingPosition", "BatchSize", "MaximumBatchingWindowInSeconds", "FilterCriteria",
    "FunctionResponseTypes", "MaximumRetryAttempts", "BisectBatchOnFunctionError", "DestinationConfig", "Enabled",
}


@dataclass(frozen=True)
class StreamSettings:
    """The event's properties, intrinsics resolved, with Lambda's defaults filled in."""

    stream_arn: str
    starting_position: str
    batch_size: int
    batching_window_seconds: float
    patterns: list[dict]
    report_item_failures: bool
    maximum_retry_attempts: int
    bisect_on_error: bool
    on_failure_arn: str | None

    @classmethod
    def from_properties(cls, properties: dict) -> StreamSettings:
        on_failure = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if on_failure and not on_failure.startswith("arn:aws:sqs:"):
            raise ValueError(f"the local pump sends stream failures to SQS only, not {on_failure}")
        return cls(
            stream_arn=properties["Stream"],
            starting_position=properties["StartingPosition"],
            batch_size=int(properties.get("BatchSize", 100)),
            batching_window_seconds=float(properties.get("MaximumBatchingWindowInSeconds", 0)),
            patterns=event_filter.patterns_of(properties.get("FilterCriteria")),
            report_item_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
            maximum_retry_attempts=int(properties.get("MaximumRetryAttempts", LOCAL_MAXIMUM_RETRY_ATTEMPTS)),
            bisect_on_error=bool(properties.get("BisectBatchOnFunctionError", False)),
            on_failure_arn=on_failure,
        )


@dataclass
class _Shard:
    """One shard's read position, the matching records read but not yet checkpointed, and retry state."""

    shard_id: str
    iterator: str | None
    batch_size: int
    pending: list[dict] = field(default_factory=list)
    failures: int = 0  # failed calls since the checkpoint last moved
    window: int = 0  # the most records the next batch may hold; less than batch_size while bisecting
    bisected: int = 0  # records of the split batch not yet checkpointed
    oldest_pending_at: float | None = None
    retry_at: float = 0.0  # time.monotonic() before which a failed batch is not tried again

    def __post_init__(self) -> None:
        self.window = self.batch_size

    def next_batch(self) -> list[dict]:
        return self.pending[: self.window]

    def hold(self, records: list[dict]) -> None:
        if records and not self.pending:
            self.oldest_pending_at = time.monotonic()
        self.pending.extend(records)

    def checkpoint(self, count: int) -> None:
        if count == 0:
            return
        del self.pending[:count]
        self.failures = 0
        self.bisected -= count
        if self.bisected <= 0:
            self.bisected, self.window = 0, self.batch_size
        self.oldest_pending_at = time.monotonic() if self.pending else None

    def bisect(self, batch: list[dict]) -> None:
        if self.bisected <= 0:
            self.bisected = len(batch)
        self.window = max(1, len(batch) // 2)


class StreamSource:
    """Polls every shard of one stream for one function."""

    def __init__(self, name: str, consumer: Consumer, settings: StreamSettings, streams: Any, sqs: Any):
        self.name = name
        self.consumer = consumer
        self.settings = settings
        self._streams = streams
        self._sqs = sqs
        self._on_failure_url = queue_url(sqs, settings.on_failure_arn) if settings.on_failure_arn else None
        self._shards: list[_Shard] = []

    @classmethod
    def from_event(cls, name: str, consumer: Consumer, properties: dict, streams: Any, sqs: Any) -> StreamSource:
        warn_unsupported(name, properties, _SUPPORTED)
        return cls(name, consumer, StreamSettings.from_properties(properties), streams, sqs)

    def open(self) -> None:
        """Takes the starting position now, so that LATEST means 'from when the pump started'."""
        description = self._streams.describe_stream(StreamArn=self.settings.stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.settings.stream_arn,
                ShardId=shard["ShardId"],
                ShardIteratorType=self.settings.starting_position,
            )["ShardIterator"]
            self._shards.append(_Shard(shard["ShardId"], iterator, self.settings.batch_size))

    def poll(self, stopping: threading.Event) -> Activity:
        activity = Activity.IDLE
        for shard in self._shards:
            if stopping.is_set():
                break
            activity = max(activity, self._poll_shard(shard))
        return activity

    def _poll_shard(self, shard: _Shard) -> Activity:
        read = self._read(shard)
        if not shard.pending:
            return Activity.WORKED if read else Activity.IDLE
        if self._gathering(shard) or time.monotonic() < shard.retry_at:
            return Activity.WAITING
        batch = shard.next_batch()
        outcome = self.consumer.deliver(self.name, batch, _sequence_number, self.settings.report_item_failures)
        if outcome.succeeded:
            shard.checkpoint(len(batch))
            return Activity.WORKED
        return self._handle_failure(shard, batch, outcome)

    def _read(self, shard: _Shard) -> bool:
        if shard.iterator is None or len(shard.pending) >= shard.batch_size:
            return False
        response = self._streams.get_records(ShardIterator=shard.iterator, Limit=_READ_LIMIT)
        shard.iterator = response.get("NextShardIterator")
        records = [lambda_record(record, self.settings.stream_arn) for record in response["Records"]]
        # Lambda consumes what no filter matches; it never reaches the function.
        shard.hold([record for record in records if event_filter.matches(self.settings.patterns, record)])
        return bool(records)

    def _gathering(self, shard: _Shard) -> bool:
        window = self.settings.batching_window_seconds
        return (
            window > 0
            and shard.failures == 0
            and len(shard.pending) < shard.batch_size
            and shard.oldest_pending_at is not None
            and time.monotonic() - shard.oldest_pending_at < window
        )

    def _handle_failure(self, shard: _Shard, batch: list[dict], outcome: BatchOutcome) -> Activity:
        first_failed = next(
            index for index, record in enumerate(batch) if _sequence_number(record) in outcome.failed
        )
        shard.checkpoint(first_failed)
        unfinished = batch[first_failed:]
        if outcome.function_error and self.settings.bisect_on_error and len(unfinished) > 1:
            shard.bisect(unfinished)
            return Activity.WAITING
        shard.failures += 1
        retries = self.settings.maximum_retry_attempts
        if retries < 0 or shard.failures <= retries:
            shard.retry_at = time.monotonic() + min(_RETRY_CEILING_SECONDS, _RETRY_BASE_SECONDS * 2 ** (shard.failures - 1))
            return Activity.WAITING
        self._give_up(shard, unfinished, outcome)
        shard.checkpoint(len(unfinished))
        return Activity.WORKED

    def _give_up(self, shard: _Shard, batch: list[dict], outcome: BatchOutcome) -> None:
        first, last = _sequence_number(batch[0]), _sequence_number(batch[-1])
        if self._on_failure_url is None:
            logger.error(
                "%s: discarding records %s..%s of shard %s after %d calls; no OnFailure destination",
                self.name, first, last, shard.shard_id, shard.failures,
            )
            return
        report = self._failure_report(shard, batch, outcome)
        self._sqs.send_message(QueueUrl=self._on_failure_url, MessageBody=json.dumps(report))
        logger.warning(
            "%s: records %s..%s of shard %s sent to the OnFailure destination after %d calls",
            self.name, first, last, shard.shard_id, shard.failures,
        )

    def _failure_report(self, shard: _Shard, batch: list[dict], outcome: BatchOutcome) -> dict:
        """Lambda's on-failure record for a stream batch: where the records are, not what they hold."""
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if outcome.function_error:
            response_context["functionError"] = "Unhandled"
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.consumer.arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": shard.failures,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": _iso(time.time(), milliseconds=True),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": _sequence_number(batch[0]),
                "endSequenceNumber": _sequence_number(batch[-1]),
                "approximateArrivalOfFirstRecord": _iso(batch[0]["dynamodb"]["ApproximateCreationDateTime"]),
                "approximateArrivalOfLastRecord": _iso(batch[-1]["dynamodb"]["ApproximateCreationDateTime"]),
                "batchSize": len(batch),
                "streamArn": self.settings.stream_arn,
            },
        }


def lambda_record(record: dict, stream_arn: str) -> dict:
    """A GetRecords record as Lambda delivers it: JSON-ready, epoch seconds, base64 binaries."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    for image in ("Keys", "NewImage", "OldImage"):
        if image in change:
            change[image] = {name: _json_attribute(value) for name, value in change[image].items()}
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record["eventVersion"],
        "eventSource": record["eventSource"],
        "awsRegion": record["awsRegion"],
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


def _json_attribute(value: dict) -> dict:
    (kind, content), = value.items()
    if kind == "B":
        return {kind: base64.b64encode(content).decode("ascii")}
    if kind == "BS":
        return {kind: [base64.b64encode(item).decode("ascii") for item in content]}
    if kind == "M":
        return {kind: {name: _json_attribute(item) for name, item in content.items()}}
    if kind == "L":
        return {kind: [_json_attribute(item) for item in content]}
    return {kind: content}


def _sequence_number(record: dict) -> str:
    return record["dynamodb"]["SequenceNumber"]


def _iso(epoch_seconds: float, milliseconds: bool = False) -> str:
    moment = datetime.fromtimestamp(epoch_seconds, UTC)
    if milliseconds:
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
