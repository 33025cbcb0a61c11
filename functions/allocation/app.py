"""Allocation: each newly approved order (Orders stream, filtered) is sourced, and its stock,
its locations' capacity and its shipments committed in one change. The committed shipments
reach their locations from the Orders stream (functions/pick_requests): nothing is sent here."""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from oms.allocation import StockKeptChanging, allocate
from oms.settings import TablesSettings
from oms.store.keys import order_id_of_item
from oms.store.tables import Tables

settings = TablesSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# Allocation reads places and lines, never personal data: it has no right to decrypt.
store = Tables(settings.orders_table, settings.inventory_table, boto3.client("dynamodb"))


def allocate_record(record: DynamoDBRecord) -> None:
    order_id = order_id_of_item(record.dynamodb.keys)
    try:
        allocated = allocate(order_id, store)
    except StockKeptChanging:
        metrics.add_metric(name="AllocationRacesLost", unit=MetricUnit.Count, value=1)
        raise
    if allocated:
        metrics.add_metric(name="AllocationsCommitted", unit=MetricUnit.Count, value=1)
        logger.info("order allocated", extra={"order_id": order_id, "status": allocated.status,
                                               "shipments": len(allocated.shipments)})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=allocate_record, processor=processor, context=context)
