"""Privacy: erases a customer's personal data on an admin's request (DELETE /customers/{email_hash})
and, once a day, from orders delivered longer ago than the retention period."""

import os
import re

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from oms.erasure import erase_customer, erase_expired
from oms.settings import PrivacySettings
from oms.store.orders import OrderErasure
from oms_http import Api, Problem

settings = PrivacySettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-privacy")
orders = OrderErasure(settings.orders_table, boto3.client("dynamodb"))

_EMAIL_HASH = re.compile(r"^[0-9a-f]{64}$")


@app.route("/customers/{email_hash}", methods=["DELETE"])
def erase(email_hash: str) -> Response:
    if not _EMAIL_HASH.match(email_hash):
        raise Problem(400, "email_hash must be 64 lowercase hex digits",
                      [{"field": "email_hash", "problem": "not a keyed hash"}])
    erased = erase_customer(email_hash, orders, actor=app.principal.name)
    logger.info("customer erased", extra={"orders_erased": len(erased), "by": app.principal.name})
    metrics.add_metric(name="OrdersErased", unit=MetricUnit.Count, value=len(erased))
    return Response(body={"erased_orders": erased}, status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    if event.get("sweep") == "retention":
        erased = erase_expired(orders, settings.retention_days)
        logger.info("retention sweep", extra={"orders_erased": len(erased), "retention_days": settings.retention_days})
        metrics.add_metric(name="OrdersErased", unit=MetricUnit.Count, value=len(erased))
        return {"erased_orders": len(erased)}
    return app(event, context)
