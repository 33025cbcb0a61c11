"""Intake: channels post orders in the canonical JSON; each is stored once and read back.

The API key authorizer has already resolved the caller; this handler only decides what
that principal may touch.
"""

import json
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from chalice import Chalice, Response
from pydantic import ValidationError

from oms.intake import Outcome, receive_order
from oms.models import OrderSubmission, field_errors
from oms.principals import Principal
from oms.settings import IntakeSettings
from oms.store.orders import OrderStore

settings = IntakeSettings.model_validate(dict(os.environ))
logger = Logger()
app = Chalice(app_name="oms-intake")
orders = OrderStore(settings.orders_table, boto3.client("dynamodb"))

_STATUS_BY_OUTCOME = {Outcome.CREATED: 201, Outcome.DUPLICATE: 200, Outcome.CONFLICT: 409}


def _problem(status: int, message: str, errors: list[dict] | None = None, **extra) -> Response:
    body = {"message": message, **extra}
    if errors is not None:
        body["errors"] = errors
    return Response(body=body, status_code=status)


def _principal() -> Principal | None:
    try:
        return Principal.model_validate(app.current_request.context.get("authorizer") or {})
    except ValidationError:
        return None


@app.route("/orders", methods=["POST"])
def post_order() -> Response:
    principal = _principal()
    if principal is None:
        return _problem(401, "missing or unknown x-api-key")
    if principal.kind != "channel":
        return _problem(403, "only a channel's key may post orders; the key decides the channel")
    try:
        payload = json.loads(app.current_request.raw_body or b"")
    except ValueError as error:
        return _problem(400, "body is not valid JSON", [{"field": "body", "problem": str(error)}])
    if not isinstance(payload, dict):
        return _problem(422, "order is invalid", [{"field": "body", "problem": "must be a JSON object"}])
    try:
        submission = OrderSubmission.model_validate(payload)
    except ValidationError as error:
        return _problem(422, "order is invalid", field_errors(error))

    receipt = receive_order(submission, principal.channel, orders)
    order = receipt.order
    logger.info("order received", extra={"order_id": order.order_id, "channel": order.channel, "outcome": receipt.outcome})
    metric = "OrdersReceived" if receipt.outcome == Outcome.CREATED else "DuplicateOrders"
    with single_metric(name=metric, unit=MetricUnit.Count, value=1, namespace=settings.metrics_namespace) as emitted:
        emitted.add_dimension(name="channel", value=order.channel)
    if receipt.outcome == Outcome.CONFLICT:
        return _problem(
            409,
            f"channel order {order.channel_order_id} was already received with different content",
            order_id=order.order_id,
        )
    return Response(
        body=order.model_dump(mode="json"),
        status_code=_STATUS_BY_OUTCOME[receipt.outcome],
        headers={"Location": f"/orders/{order.order_id}"},
    )


@app.route("/orders/{order_id}", methods=["GET"])
def get_order(order_id: str) -> Response:
    principal = _principal()
    if principal is None:
        return _problem(401, "missing or unknown x-api-key")
    order = orders.get(order_id) if order_id.startswith("ord_") else None
    if order is None:
        return _problem(404, f"no order {order_id}")
    if not principal.may_read_channel(order.channel):
        return _problem(403, "this key may not read another channel's orders")
    return Response(body=order.model_dump(mode="json"), status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    return app(event, context)
