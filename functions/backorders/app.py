"""Backorders: a rise in a SKU's promisable stock (Inventory stream, filtered) sends the orders
waiting for it back to be sourced, oldest first."""

from __future__ import annotations

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from oms.backorders import resource_waiting_orders
from oms.settings import TablesSettings
from oms.store.orders import OrderReview
from oms.store.tables import Tables

settings = TablesSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb = boto3.client("dynamodb")
review = OrderReview(settings.orders_table, dynamodb)
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)  # lines and shipments only, no PII


def on_stock_change(record: DynamoDBRecord) -> None:
    new, old = record.dynamodb.new_image or {}, record.dynamodb.old_image or {}
    rise = int(new.get("available", 0)) - max(int(old.get("available", 0)), 0)
    if rise <= 0:
        return  # a reservation or a loss: nothing new to promise
    moved = resource_waiting_orders(new["sku"], rise, review, store)
    metrics.add_metric(name="OrdersResourced", unit=MetricUnit.Count, value=len(moved))
    logger.info("stock rose", extra={"sku": new["sku"], "orders_resourced": len(moved)})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=on_stock_change, processor=processor, context=context)
