"""An SQS event source: receives from the queue and feeds the function.

As Lambda does: messages no filter matches are deleted without a call; after a call,
the messages that succeeded are deleted (all of them, or all but the reported
batchItemFailures); the others stay in flight, come back after the queue's
VisibilityTimeout, and SQS's redrive policy moves them to the dead-letter queue after
maxReceiveCount receives (moto does this when a receive finds them visible again).
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass
from typing import Any

from infra.local import event_filter
from infra.local.event_source import Activity, Consumer, logger, queue_url, warn_unsupported

_RECEIVE_LIMIT = 10  # ReceiveMessage's maximum per call
_GATHER_PAUSE_SECONDS = 0.05
_BACKLOG_ATTRIBUTES = (
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
)
_SUPPORTED = {
    "Queue", "BatchSize", "MaximumBatchingWindowInSeconds", "FilterCriteria", "FunctionResponseTypes", "Enabled",
}


@dataclass(frozen=True)
class QueueSettings:
    """The event's properties, intrinsics resolved, with Lambda's defaults filled in."""

    queue_arn: str
    batch_size: int
    batching_window_seconds: float
    patterns: list[dict]
    report_item_failures: bool

    @classmethod
    def from_properties(cls, properties: dict) -> QueueSettings:
        patterns = event_filter.patterns_of(properties.get("FilterCriteria"))
        if any(set(pattern) != {"body"} for pattern in patterns):
            raise event_filter.InvalidPattern("SQS event sources filter on the message body only, as Lambda does")
        return cls(
            queue_arn=properties["Queue"],
            batch_size=int(properties.get("BatchSize", 10)),
            batching_window_seconds=float(properties.get("MaximumBatchingWindowInSeconds", 0)),
            patterns=patterns,
            report_item_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
        )


class QueueSource:
    """Polls one queue for one function."""

    def __init__(self, name: str, consumer: Consumer, settings: QueueSettings, sqs: Any):
        self.name = name
        self.consumer = consumer
        self.settings = settings
        self._sqs = sqs
        self._url = queue_url(sqs, settings.queue_arn)
        self._region = settings.queue_arn.split(":")[3]

    @classmethod
    def from_event(cls, name: str, consumer: Consumer, properties: dict, sqs: Any) -> QueueSource:
        warn_unsupported(name, properties, _SUPPORTED)
        return cls(name, consumer, QueueSettings.from_properties(properties), sqs)

    def open(self) -> None:
        """Nothing to position: a queue hands out whatever is visible."""

    def poll(self, stopping: threading.Event) -> Activity:
        messages = self._receive_batch(stopping)
        if not messages:
            return Activity.WAITING if self._has_backlog() else Activity.IDLE
        records = [self._lambda_record(message) for message in messages]
        wanted = [record for record in records if event_filter.matches(self.settings.patterns, record)]
        failed: frozenset[str] = frozenset()
        if wanted:
            outcome = self.consumer.deliver(self.name, wanted, _message_id, self.settings.report_item_failures)
            failed = outcome.failed
        # Filtered-out messages are deleted too: Lambda consumes them.
        self._delete([record for record in records if record["messageId"] not in failed])
        return Activity.WORKED

    def _receive_batch(self, stopping: threading.Event) -> list[dict]:
        # By id: a message whose visibility runs out while the batch gathers comes
        # back, and only its newest receipt handle can delete it.
        messages: dict[str, dict] = {}
        gather_until = time.monotonic() + self.settings.batching_window_seconds
        while not stopping.is_set():
            received = self._sqs.receive_message(
                QueueUrl=self._url,
                MaxNumberOfMessages=min(_RECEIVE_LIMIT, self.settings.batch_size - len(messages)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            messages.update((message["MessageId"], message) for message in received)
            if not messages or len(messages) >= self.settings.batch_size or time.monotonic() >= gather_until:
                break
            if not received:
                stopping.wait(_GATHER_PAUSE_SECONDS)
        return list(messages.values())

    def _has_backlog(self) -> bool:
        """Messages in flight or delayed will be visible again: the source is not drained."""
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=list(_BACKLOG_ATTRIBUTES))
        return any(int(attributes["Attributes"].get(name, "0")) for name in _BACKLOG_ATTRIBUTES)

    def _delete(self, records: list[dict]) -> None:
        for start in range(0, len(records), _RECEIVE_LIMIT):
            chunk = records[start : start + _RECEIVE_LIMIT]
            entries = [{"Id": str(n), "ReceiptHandle": record["receiptHandle"]} for n, record in enumerate(chunk)]
            response = self._sqs.delete_message_batch(QueueUrl=self._url, Entries=entries)
            for failure in response.get("Failed", []):
                logger.warning(
                    "%s: could not delete message %s (%s); it will be delivered again",
                    self.name, chunk[int(failure["Id"])]["messageId"], failure.get("Code"),
                )

    def _lambda_record(self, message: dict) -> dict:
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: _lambda_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.settings.queue_arn,
            "awsRegion": self._region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        return record


def _lambda_attribute(value: dict) -> dict:
    """boto3's MessageAttributeValue in Lambda's camelCase, binaries base64-encoded."""
    attribute: dict[str, Any] = {
        "stringListValues": value.get("StringListValues", []),
        "binaryListValues": [_base64(item) for item in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _base64(value["BinaryValue"])
    return attribute


def _base64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _message_id(record: dict) -> str:
    return record["messageId"]
