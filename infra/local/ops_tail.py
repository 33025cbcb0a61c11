"""The ops topic's alerts on this machine: the local stack subscribes a queue of its own to the
template's OpsTopic when it starts, and `oms alerts` reads that queue.

The queue exists only locally, under a fixed name, so `oms alerts` finds it unnamed. Delivery is
raw: each message's body is what was published.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from infra.local.log_lines import json_object
from infra.local.template import STACK_NAME, Intrinsics

OPS_TOPIC = "OpsTopic"  # the template's logical id
QUEUE_NAME = f"{STACK_NAME}-ops-tail"


def subscribe_ops_tail(intrinsics: Intrinsics, sns: Any, sqs: Any) -> str | None:
    """The tail queue's URL, subscribed to the ops topic; None when the template has no ops topic."""
    if OPS_TOPIC not in intrinsics.physical:
        return None
    url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=intrinsics.resolve({"Ref": OPS_TOPIC}), Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    return url


def tail_queue_url(sqs: Any) -> str:
    try:
        return sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        raise LookupError(f"no queue {QUEUE_NAME}: is `oms local` running?") from None


def tail(sqs: Any, queue_url: str, out: TextIO, follow: bool, running: Callable[[], bool] = lambda: True,
         wait_seconds: int = 2) -> int:
    """Prints and deletes each waiting alert, oldest first; without `follow`, returns once none
    is waiting. Returns how many were printed."""
    printed = 0
    while running():
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds,
                                       AttributeNames=["SentTimestamp"]).get("Messages", [])
        for message in sorted(messages, key=_sent_at):
            out.write(alert_line(message["Body"], _sent_at(message)) + "\n")
            out.flush()
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            printed += 1
        if not messages and not follow:
            break
    return printed


def alert_line(body: str, sent_at: datetime) -> str:
    """`17:03:12 warning  backordered  3 order(s) waiting for stock of sku X — Receive or ...`;
    a message of another shape is shown as it came."""
    alert = json_object(body)
    if alert is None or "alert" not in alert or "summary" not in alert:
        return f"{sent_at:%H:%M:%S} {body}"
    action = f" — {alert['action']}" if alert.get("action") else ""
    return f"{sent_at:%H:%M:%S} {alert.get('severity', '-'):<8} {alert['alert']}  {alert['summary']}{action}"


def _sent_at(message: dict) -> datetime:
    return datetime.fromtimestamp(int(message["Attributes"]["SentTimestamp"]) / 1000)
