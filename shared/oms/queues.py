"""Sending to SQS without losing anything: SendMessageBatch reports entries it did not take
(`Failed`) beside those it did, so each is sent again a few times, and what still did not go
is said, for the caller to keep (a stream record failed, a checkpoint held back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

BATCH = 10  # SendMessageBatch's most entries
RESENDS = 2


@dataclass(frozen=True)
class Message:
    body: str
    attributes: dict[str, str] = field(default_factory=dict)  # string message attributes


def send_all(sqs: Any, queue_url: str, messages: list[Message], resends: int = RESENDS) -> list[int]:
    """Sends every message; returns the positions of those not queued after `resends` more tries."""
    pending = list(range(len(messages)))
    for _ in range(1 + resends):
        if not pending:
            break
        pending = [index for start in range(0, len(pending), BATCH)
                   for index in _send(sqs, queue_url, messages, pending[start:start + BATCH])]
    return pending


def _send(sqs: Any, queue_url: str, messages: list[Message], chunk: list[int]) -> list[int]:
    entries = [{"Id": str(position), "MessageBody": messages[index].body,
                **({"MessageAttributes": {name: {"DataType": "String", "StringValue": value}
                                          for name, value in messages[index].attributes.items()}}
                   if messages[index].attributes else {})}
               for position, index in enumerate(chunk)]
    try:
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    except (BotoCoreError, ClientError):
        return chunk
    return [chunk[int(entry["Id"])] for entry in response.get("Failed", [])]
