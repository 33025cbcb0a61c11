"""Replenishment planning (daily): forecasts every stocked SKU at each location, keeps its targets
beside the stock, writes the day's transfer and purchase proposals, and sends ops one summary.
The rules (service levels per SKU class, review and transfer days) are in Parameter Store
(`ReplenishmentRulesParameter`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters

from oms.alerting.replenishment import summary_notice
from oms.alerting.topic import to_ops_topic
from oms.planner import run
from oms.replenishment import PlanningRules
from oms.settings import PlanningSettings
from oms.store.planning_tables import PlanningTables

settings = PlanningSettings.model_validate(dict(os.environ))
logger = Logger()
metrics = EphemeralMetrics()
tables = PlanningTables(settings.inventory_table, settings.planning_table, boto3.client("dynamodb"))
publish = to_ops_topic(boto3.client("sns"), settings.ops_topic)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    now = datetime.now(UTC)
    rules = PlanningRules.model_validate(parameters.get_parameter(settings.replenishment_rules, transform="json",
                                                                   max_age=300))
    summary = run(tables, rules, now)
    # A retried run re-plans from fresher stock, but ops hear of the day once.
    told = tables.first_run_of_day(summary.run_on) and publish(summary_notice(summary, now))
    metrics.add_metric(name="ReplenishmentTransfers", unit=MetricUnit.Count, value=len(summary.transfers))
    metrics.add_metric(name="ReplenishmentPurchases", unit=MetricUnit.Count, value=len(summary.purchases))
    figures = {"skus": summary.skus, "series": summary.series, "below_reorder_point": summary.below_reorder_point,
               "transfers": len(summary.transfers), "purchases": len(summary.purchases),
               "unsupplied": len(summary.unsupplied), "ops_told": bool(told)}
    logger.info("replenishment planned", extra=figures)
    return figures
