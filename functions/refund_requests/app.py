"""Refund requests: every refund the OMS records as due (Orders stream INSERT, filtered) is
published to the refund requests topic, for the channel's or payment system's integration
(subscriptions filter on the `channel` attribute) to pay it and confirm it.

The Orders stream is the outbox, as for pick requests: a request cannot be lost between the
commit that owes the money and the message that asks for it. A subscriber may see one twice
(the stream delivers a failed batch again): `refund_id` names it.
"""

from __future__ import annotations

import json
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source

from oms.models import Refund
from oms.queues import Message, relay, to_topic
from oms.settings import RefundRequestSettings

settings = RefundRequestSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
sns = boto3.client("sns")
EVENT = "refund.requested"


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context) -> dict:
    records = list(event.records)
    refunds = [Refund.model_validate({name: value for name, value in record.dynamodb.new_image.items()
                                      if name in Refund.model_fields}) for record in records]
    messages = [Message(json.dumps({"event": EVENT, "refund": refund.model_dump(mode="json")}),
                        {"channel": refund.channel, "reason": refund.reason}) for refund in refunds]
    answer, unsent = relay([record.dynamodb.sequence_number for record in records], messages,
                           to_topic(sns, settings.refund_requests_topic))
    if unsent:
        logger.warning("refund requests not published; the stream delivers them again",
                       extra={"refunds": [refunds[index].refund_id for index in unsent]})
    published = len(records) - len(unsent)
    logger.info("refund requests published", extra={"published": published})
    metrics.add_metric(name="RefundRequestsPublished", unit=MetricUnit.Count, value=published)
    return answer
