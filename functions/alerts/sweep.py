"""Alert sweep (every five minutes): orders stuck past their service levels join or leave their
alert conditions, bursts are summed up, and quiet event conditions close. Service levels are
in Parameter Store (`ServiceLevelsParameter`), read at most every five minutes."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters

from oms.alerting.raising import Alerter
from oms.alerting.service_levels import ServiceLevels
from oms.alerting.stuck import open_stuck_conditions, reconcile, stuck_now
from oms.alerting.topic import to_ops_topic
from oms.settings import AlertSweepSettings
from oms.store.alerts import AlertBook
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderReview
from oms.store.shipments import ShipmentStore

settings = AlertSweepSettings.model_validate(dict(os.environ))
logger = Logger()
metrics = EphemeralMetrics()
dynamodb = boto3.client("dynamodb")
book = AlertBook(settings.alerts_table, dynamodb)
alerter = Alerter(book, to_ops_topic(boto3.client("sns"), settings.ops_topic))
review = OrderReview(settings.orders_table, dynamodb)
shipments = ShipmentStore(settings.orders_table, dynamodb)
inventory = InventoryStore(settings.inventory_table, dynamodb)
_LEVELS_MAX_AGE_SECONDS = 300


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    now = datetime.now(UTC)
    levels = ServiceLevels.model_validate(
        parameters.get_parameter(settings.service_levels, transform="json", max_age=_LEVELS_MAX_AGE_SECONDS))
    stuck = stuck_now(review, shipments, inventory.locations(), levels, now)
    notices = alerter.apply(reconcile(stuck, open_stuck_conditions(book)), now) + alerter.sweep(now, levels)
    metrics.add_metric(name="StuckOrders", unit=MetricUnit.Count, value=len(stuck))
    metrics.add_metric(name="AlertsSent", unit=MetricUnit.Count, value=len(notices))
    logger.info("alert sweep", extra={"stuck": len(stuck), "alerts_sent": len(notices)})
    return {"stuck": len(stuck), "alerts_sent": len(notices)}
