"""`oms notices`: prints the customer notices a stack publishes, as they come.

It subscribes a queue of its own to the customer notices topic and reads it: on the local stack
that shows what customers would be told, in their language, as orders move. The queue and its
subscription go when it stops.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO


def notices_topic(sns: Any) -> str:
    """The stack's customer notices topic (its name holds the template's logical id)."""
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            if "CustomerNoticesTopic" in topic["TopicArn"].rsplit(":", 1)[-1]:
                return topic["TopicArn"]
    raise LookupError("no customer notices topic: is the stack running?")


def tail(sns: Any, sqs: Any, topic_arn: str, out: TextIO, running: Callable[[], bool], wait_seconds: int = 2) -> None:
    queue_url = sqs.create_queue(QueueName="oms-notices-tail")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    try:
        while running():
            answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
            for message in answer.get("Messages", []):
                out.write(_line(json.loads(message["Body"])) + "\n")
                out.flush()
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    finally:
        sns.unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=queue_url)


def _line(notice: dict) -> str:
    return f"[{notice['notice']} · {notice['language']} · {notice['channel']} {notice['order_number']}] " \
           f"{notice['subject']} — {notice['text']}"
