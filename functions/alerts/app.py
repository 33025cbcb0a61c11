"""Alerts: changes of orders, shipments, stock and chat cases (three streams) become alerts on
the ops topic — once per condition until it clears, a burst summed up by the sweep — and the
order flow is counted as metrics where it happens, in the tables.

Messages name orders, SKUs, locations and cases, never a person.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from collections import Counter

import boto3
from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from oms.alerting.raising import Alerter
from oms.alerting.topic import to_ops_topic
from oms.alerting.watch import seen
from oms.models import Location
from oms.settings import AlertSettings
from oms.store.alerts import AlertBook
from oms.store.inventory import InventoryStore

settings = AlertSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb = boto3.client("dynamodb")
inventory = InventoryStore(settings.inventory_table, dynamodb)
alerter = Alerter(AlertBook(settings.alerts_table, dynamodb), to_ops_topic(boto3.client("sns"), settings.ops_topic))
_LOCATIONS_MAX_AGE_SECONDS = 300
_locations: tuple[float, list[Location]] = (0.0, [])
_counted: Counter = Counter()


def _stock_levels(sku: str) -> tuple[dict[str, int], list[Location]]:
    global _locations
    if time.monotonic() - _locations[0] > _LOCATIONS_MAX_AGE_SECONDS:
        _locations = (time.monotonic(), inventory.locations())
    return {stock.location_id: stock.available for stock in inventory.stock(sku)}, _locations[1]


def on_change(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    found = seen(change.keys, change.old_image, change.new_image, _stock_levels)
    notices = alerter.apply(found.signals, datetime.now(UTC))
    _counted.update(found.counts)  # only once the record went through: a retried one is not counted twice
    _counted.update([("AlertsSent", ())] * len(notices))
    for notice in notices:
        logger.info("alert sent", extra={"alert": notice.kind, "condition": notice.condition, "count": notice.count})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    _counted.clear()
    answer = process_partial_response(event=event, record_handler=on_change, processor=processor, context=context)
    for (name, dimensions), value in sorted(_counted.items()):
        if dimensions:
            _by_dimension(name, dict(dimensions), value)
        else:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return answer


def _by_dimension(name: str, dimensions: dict[str, str], value: int) -> None:
    # The function's own service named: the local stack runs every function in one process.
    with single_metric(name=name, unit=MetricUnit.Count, value=value,
                       default_dimensions={"service": logger.service, **dimensions}):
        pass
