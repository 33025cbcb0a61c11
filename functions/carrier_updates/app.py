"""Carrier updates: the queued pushes of carriers and aggregators applied to shipments.

Each SQS message is one push, raw, with its provider: the provider's adapter turns it into
tracking events, and each tracking number's events are applied to its shipment in one change
(or parked until a shipment records that number). A push that cannot be read fails alone
(partial batch failures) and, after the queue's retries, waits in the dead-letter queue with
its alarm. A second function on the Orders stream applies parked events when a shipment
records its tracking number.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from oms import carrier_updates
from oms.carriers import adapter
from oms.settings import CarrierUpdateSettings
from oms.store.tables import Tables
from oms.store.tracking import TrackingStore

settings = CarrierUpdateSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
pushes = BatchProcessor(event_type=EventType.SQS)
recorded_numbers = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb = boto3.client("dynamodb")
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)
index = TrackingStore(settings.orders_table, dynamodb)
_METRIC_BY_OUTCOME = {carrier_updates.Outcome.APPLIED: "TrackingUpdatesApplied",
                      carrier_updates.Outcome.PARKED: "TrackingUpdatesParked"}


def _push(record: SQSRecord) -> None:
    provider = record.message_attributes["provider"].string_value
    now = datetime.now(UTC)
    for update in adapter(provider).to_tracking_updates(json.loads(record.body)):
        outcome = carrier_updates.record(update, store, index, now)
        logger.info("tracking update", extra={"provider": provider, "events": len(update.events),
                                              "outcome": outcome})
        if outcome in _METRIC_BY_OUTCOME:
            metrics.add_metric(name=_METRIC_BY_OUTCOME[outcome], unit=MetricUnit.Count, value=1)


def _number_recorded(record: DynamoDBRecord) -> None:
    number = record.dynamodb.new_image["tracking_number"]
    applied = carrier_updates.apply_parked(number, store, index, datetime.now(UTC))
    if applied:
        logger.info("parked tracking applied", extra={"pushes": applied})
        metrics.add_metric(name="ParkedUpdatesApplied", unit=MetricUnit.Count, value=applied)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=_push, processor=pushes, context=context)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def numbers_recorded(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=_number_recorded, processor=recorded_numbers,
                                    context=context)
