"""Sending to SQS or SNS without losing anything: SendMessageBatch and PublishBatch report entries
they did not take (`Failed`) beside those they did, so each is sent again a few times, and what
still did not go is said, for the caller to keep (a stream record failed, a checkpoint held back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

BATCH = 10  # the most entries either batch call takes
RESENDS = 2


@dataclass(frozen=True)
class Message:
    body: str
    attributes: dict[str, str] = field(default_factory=dict)  # string message attributes


# Sends entries {"Id", "MessageBody" | "Message", "MessageAttributes"}; returns the Ids not taken.
Sender = Callable[[list[Message], list[str]], list[str]]


def to_queue(sqs: Any, queue_url: str) -> Sender:
    def send(messages: list[Message], ids: list[str]) -> list[str]:
        entries = [{"Id": id_, "MessageBody": m.body, **_attributes(m)} for id_, m in zip(ids, messages, strict=True)]
        return _failed(lambda: sqs.send_message_batch(QueueUrl=queue_url, Entries=entries), ids)

    return send


def to_topic(sns: Any, topic_arn: str) -> Sender:
    def send(messages: list[Message], ids: list[str]) -> list[str]:
        entries = [{"Id": id_, "Message": m.body, **_attributes(m)} for id_, m in zip(ids, messages, strict=True)]
        return _failed(lambda: sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=entries), ids)

    return send


def send_all(send: Sender, messages: list[Message], resends: int = RESENDS) -> list[int]:
    """Sends every message; returns the positions of those not taken after `resends` more tries."""
    pending = list(range(len(messages)))
    for _ in range(1 + resends):
        if not pending:
            break
        still = []
        for start in range(0, len(pending), BATCH):
            chunk = pending[start:start + BATCH]
            failed = set(send([messages[index] for index in chunk], [str(n) for n in range(len(chunk))]))
            still += [index for n, index in enumerate(chunk) if str(n) in failed]
        pending = still
    return pending


def relay(sequence_numbers: list[str], messages: list[Message], send: Sender) -> tuple[dict, list[int]]:
    """Each stream record's message sent (the Orders stream as an outbox); the answer that has
    Lambda deliver again the records whose message did not go, and their positions."""
    unsent = send_all(send, messages)
    return {"batchItemFailures": [{"itemIdentifier": sequence_numbers[index]} for index in unsent]}, unsent


def _attributes(message: Message) -> dict:
    if not message.attributes:
        return {}
    return {"MessageAttributes": {name: {"DataType": "String", "StringValue": value}
                                  for name, value in message.attributes.items()}}


def _failed(call: Callable[[], dict], ids: list[str]) -> list[str]:
    try:
        response = call()
    except (BotoCoreError, ClientError):
        return ids
    return [entry["Id"] for entry in response.get("Failed", [])]
