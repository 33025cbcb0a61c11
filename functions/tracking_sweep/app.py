"""Tracking sweep, on a schedule: shipments on their way that no carrier has reported on for
OMS_SILENT_AFTER_DAYS are fetched again from EasyPost's Trackers API (when an API key is in
the carrier credentials secret), and called delayed if still silent, once each."""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime, timedelta

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters

from oms.carrier_updates import sweep_silent
from oms.carriers.easypost_api import TrackersApi
from oms.models import Shipment
from oms.settings import TrackingSweepSettings
from oms.store.tables import Tables
from oms.store.tracking import TrackingStore
from trackers_transport import easypost_transport

settings = TrackingSweepSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
dynamodb = boto3.client("dynamodb")
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)
index = TrackingStore(settings.orders_table, dynamodb)


@functools.cache
def _trackers() -> TrackersApi | None:
    credentials = parameters.get_secret(settings.carrier_credentials, transform="json") or {}
    api_key = (credentials.get("easypost") or {}).get("api_key")
    return TrackersApi(easypost_transport(api_key)) if api_key else None


def _refetch(shipment: Shipment):
    trackers = _trackers()
    if not (trackers and shipment.tracking_number):
        return []
    metrics.add_metric(name="ShipmentsRefetched", unit=MetricUnit.Count, value=1)
    return trackers.tracking(shipment.tracking_number, shipment.carrier)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    now = datetime.now(UTC)
    after = timedelta(days=settings.silent_after_days)
    delayed = sweep_silent(index.orders_on_their_way_since(now - after), store, _refetch, after, now)
    logger.info("tracking sweep", extra={"delayed": delayed, "refetching": _trackers() is not None})
    metrics.add_metric(name="SilentShipmentsDelayed", unit=MetricUnit.Count, value=delayed)
    return {"delayed": delayed}
