"""Demand history: new orders and shipments (Orders stream) and stock that ran out (Inventory
stream, filtered) become each SKU's daily demand by location and by channel, in the Planning table.

A record delivered again counts nothing twice: each count is applied once, by its event.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from oms.demand import ordered_on_channel, shipment_counts, stocked_out
from oms.settings import DemandSettings
from oms.store.demand import DemandStore
from oms.store.keys import order_id_of_item, source_of
from oms.store.orders import OrderReview

settings = DemandSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb = boto3.client("dynamodb")
orders = OrderReview(settings.orders_table, dynamodb)  # order lines only, no PII
demand = DemandStore(settings.planning_table, dynamodb)


def on_change(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    old, new = change.old_image or None, change.new_image or None
    # When the change happened, not when it was read: a record retried after midnight keeps its day.
    at = (datetime.fromtimestamp(change.approximate_creation_date_time, UTC)
          if change.approximate_creation_date_time else datetime.now(UTC))
    if source_of(dict(change.keys)) == "stock":
        if stocked_out(new):
            demand.mark_stock_out(new["sku"], new["location_id"], at.date())
            metrics.add_metric(name="StockOutsMarked", unit=MetricUnit.Count, value=1)
        return
    entity = (new or {}).get("entity")
    if entity == "order" and record.event_name == DynamoDBRecordEventName.INSERT:
        # Its lines were written in the header's transaction: they are there to read.
        counts = ordered_on_channel(new, orders.lines(order_id_of_item(dict(change.keys))))
    elif entity == "shipment":
        counts = shipment_counts(old, new, at)
    else:
        return
    if not counts:  # a shipment moving on: accepted, picked, delivered
        return
    counted = demand.count(counts)
    metrics.add_metric(name="DemandCounted", unit=MetricUnit.Count, value=counted)
    if counted < len(counts):
        logger.info("counted already", extra={"event_id": record.event_id, "skipped": len(counts) - counted})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=on_change, processor=processor, context=context)
