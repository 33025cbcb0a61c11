"""Intake: channels post orders in the canonical JSON; each is stored once and read back.

The API key authorizer has already resolved the caller; this handler only decides what
that principal may touch.
"""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities import parameters
from chalice import Chalice, Response
from pydantic import ValidationError

from oms.access import caller
from oms.intake import Outcome, receive_order
from oms.json_body import BodyRejected, parse_json_object
from oms.models import OrderSubmission, field_errors
from oms.pii import CustomerHashes, DataKeys, PiiVault
from oms.settings import IntakeSettings
from oms.store.orders import OrderStore

settings = IntakeSettings.model_validate(dict(os.environ))
logger = Logger()
app = Chalice(app_name="oms-intake")
vault = PiiVault(
    DataKeys(boto3.client("kms"), settings.pii_key_id),
    CustomerHashes(lambda: parameters.get_secret(settings.pii_hash_secret, max_age=3600).encode()),
)
orders = OrderStore(settings.orders_table, boto3.client("dynamodb"), vault)

_STATUS_BY_OUTCOME = {Outcome.CREATED: 201, Outcome.DUPLICATE: 200, Outcome.CONFLICT: 409}


def _problem(status: int, message: str, errors: list[dict] | None = None, **extra) -> Response:
    body = {"message": message, **extra}
    if errors is not None:
        body["errors"] = errors
    return Response(body=body, status_code=status)


@app.route("/orders", methods=["POST"])
def post_order() -> Response:
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    try:
        payload = parse_json_object(app.current_request.raw_body)
    except BodyRejected as rejected:
        return _problem(rejected.status, rejected.message, rejected.errors)
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
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    order = orders.get(order_id) if order_id.startswith("ord_") else None
    if order is None:
        return _problem(404, f"no order {order_id}")
    if not principal.may_read_channel(order.channel):
        return _problem(403, "this key may not read another channel's orders")
    return Response(body=order.model_dump(mode="json"), status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    return app(event, context)
