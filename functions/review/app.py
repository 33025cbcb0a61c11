"""Review: operations list orders by status (held ones first of all) and approve or cancel them."""

import dataclasses
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from oms.models import OrderStatus
from oms.cancellation import cancel
from oms.review import decide
from oms.settings import TablesSettings
from oms.store.orders import OrderReview
from oms.store.tables import Tables
from oms_http import Api, Problem

settings = TablesSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-review")
dynamodb = boto3.client("dynamodb")
review = OrderReview(settings.orders_table, dynamodb)
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)  # shipments and status only, no PII


@app.route("/orders", methods=["GET"])
def list_orders() -> Response:
    listing = app.query()
    if listing.number:
        orders, after = review.by_number(listing.number, listing.channel), None
    else:
        orders, after = review.in_status(listing.status, listing.limit, listing.after)
    return Response(body={"orders": [dataclasses.asdict(order) for order in orders], "after": after}, status_code=200)


@app.route("/orders/{order_id}/approve", methods=["POST"])
def approve(order_id: str) -> Response:
    return _decide(order_id, OrderStatus.APPROVED)


@app.route("/orders/{order_id}/cancel", methods=["POST"])
def cancel_order(order_id: str) -> Response:
    asked = app.body()
    if app.principal.kind == "channel":  # a channel cancels its own orders only
        order = store.order(order_id) if order_id.startswith("ord_") else None
        if order is None:
            raise Problem(404, f"no order {order_id}")
        if order.channel != app.principal.channel:
            raise Problem(403, "this key may not cancel another channel's orders")
    lines = {line.line_no: line.quantity for line in asked.lines} if asked.lines else None
    done = cancel(order_id, app.principal.name, asked.reason, store, lines)
    logger.info("order cancelled", extra={"order_id": order_id, "status": done.status, "by": app.principal.name,
                                          "units": sum(done.units.values())})
    _count_decision(OrderStatus.CANCELLED)
    return Response(body={"order_id": order_id, "status": done.status,
                          "cancelled": [{"line_no": n, "quantity": u} for n, u in sorted(done.units.items())],
                          "refund": done.refund.model_dump(mode="json") if done.refund else None}, status_code=200)


def _decide(order_id: str, wanted: OrderStatus) -> Response:
    decision = app.body()
    event = decide(order_id, wanted, app.principal.name, decision.reason, store)
    logger.info("order reviewed", extra={"order_id": order_id, "status": wanted, "by": app.principal.name})
    _count_decision(wanted)
    return Response(body={"order_id": order_id, "status": event.to_status, "event": event.model_dump(mode="json")},
                    status_code=200)


def _count_decision(decision: OrderStatus) -> None:
    metrics.add_dimension(name="decision", value=decision)
    metrics.add_metric(name="ReviewDecisions", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
