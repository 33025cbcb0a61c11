"""Customer notices: each history event that tells the customer something (confirmed, shipped,
out for delivery, delivered, delayed, cancelled, return authorised, refunded) becomes one
notice on the customer notices topic, in the order's language, once.

Once: powertools idempotency keys each notice by order, event and subject, so a stream batch
delivered again, or a change that records the same event twice, sends nothing more. The
notice carries the order's number, status, ETA and tracking link, and no person: a sender
subscribed to the topic (the optional email sender, a channel's messaging) finds the
recipient from the order id.
"""

from __future__ import annotations

import json
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from oms.models import HistoryEvent
from oms.notices import Notice, due, notice
from oms.settings import NoticeSettings
from oms.store.items import without_keys
from oms.store.keys import order_id_of_item
from oms.store.orders import OrderStore

settings = NoticeSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb, sns = boto3.client("dynamodb"), boto3.client("sns")
orders = OrderStore(settings.orders_table, dynamodb, vault=None)  # places and numbers only: no one is named
idempotency = IdempotencyConfig(event_key_jmespath="key", raise_on_no_idempotency_key=True,
                                # Longer than the stream keeps a record: a redelivery is always recognised.
                                expires_after_seconds=7 * 24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=dynamodb)


def _record(record: DynamoDBRecord) -> None:
    event = HistoryEvent.model_validate(without_keys(dict(record.dynamodb.new_image)))
    wanted = due(event)
    if wanted is None:
        return
    order = orders.get(order_id_of_item(record.dynamodb.keys), with_pii=False)
    told = notice(order, wanted, event) if order else None
    if told is not None:
        _publish(notice=_message(told))


@idempotent_function(data_keyword_argument="notice", persistence_store=persistence, config=idempotency)
def _publish(notice: dict) -> None:
    sns.publish(TopicArn=settings.customer_notices_topic, Subject=notice["subject"][:100],
                Message=json.dumps(notice, ensure_ascii=False),
                MessageAttributes={name: {"DataType": "String", "StringValue": notice[name]}
                                   for name in ("notice", "channel", "language")})
    metrics.add_metric(name="NoticesPublished", unit=MetricUnit.Count, value=1)
    logger.info("customer notice", extra={"notice": notice["notice"], "order_id": notice["order_id"]})


def _message(told: Notice) -> dict:
    return {"notice": str(told.kind), "key": told.key, "order_id": told.order_id, "language": told.language,
            "subject": told.subject, "text": told.text, **told.fields}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
