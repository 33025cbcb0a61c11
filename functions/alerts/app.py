"""Alerts: a condition operations must act on, recorded in an order's history with an `alert`
(a cancellation after the parcel left, a channel's change that could not be applied), is
published to the ops topic from the Orders stream, so it is raised even if whoever recorded it
stops right after. The message names the order and what happened, never a person.
"""

from __future__ import annotations

import json
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source

from oms.queues import Message, relay, to_topic
from oms.settings import AlertSettings
from oms.store.keys import order_id_of_item

settings = AlertSettings.model_validate(dict(os.environ))
logger = Logger()
sns = boto3.client("sns")


@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context) -> dict:
    records = list(event.records)
    answer, unsent = relay([record.dynamodb.sequence_number for record in records],
                           [_message(record.dynamodb.keys, record.dynamodb.new_image) for record in records],
                           to_topic(sns, settings.ops_topic))
    logger.info("alerts raised", extra={"raised": len(records) - len(unsent), "not_raised": len(unsent)})
    return answer


def _message(item_keys: dict, event: dict) -> Message:
    order_id = order_id_of_item(item_keys)
    body = {"alert": event["alert"], "order_id": order_id, "at": event.get("at"), "by": event.get("actor"),
            "what": event.get("reason")}
    return Message(json.dumps(body), {"alert": event["alert"]})
