"""Review: operations list orders by status (held ones first of all) and approve or cancel them."""

import dataclasses
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from chalice import Chalice, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oms.access import caller
from oms.json_body import BodyRejected, parse_json_object
from oms.lifecycle import TransitionRefused
from oms.models import OrderStatus, field_errors
from oms.review import OrderNotFound, decide
from oms.settings import TablesSettings
from oms.store.orders import OrderReview, OrderStore, StatusChanged
from oms.store.shipments import ShipmentChanged, ShipmentStore

settings = TablesSettings.model_validate(dict(os.environ))
logger = Logger()
app = Chalice(app_name="oms-review")
dynamodb = boto3.client("dynamodb")
review = OrderReview(settings.orders_table, dynamodb)
orders = OrderStore(settings.orders_table, dynamodb, vault=None)  # shipments and status only, no PII
shipments = ShipmentStore(settings.orders_table, settings.inventory_table, dynamodb)


class Listing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus = OrderStatus.ON_HOLD
    limit: int = Field(default=50, ge=1, le=100)
    after: str | None = None


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


def _problem(status: int, message: str, errors: list[dict] | None = None) -> Response:
    return Response(body={"message": message, **({"errors": errors} if errors else {})}, status_code=status)


@app.route("/orders", methods=["GET"])
def list_orders() -> Response:
    if caller(app.current_request.context) is None:
        return _problem(403, "this key may not call this route")
    try:
        listing = Listing.model_validate(app.current_request.query_params or {})
    except ValidationError as error:
        return _problem(400, "query is invalid", field_errors(error))
    orders, after = review.in_status(listing.status, listing.limit, listing.after)
    return Response(body={"orders": [dataclasses.asdict(order) for order in orders], "after": after}, status_code=200)


@app.route("/orders/{order_id}/approve", methods=["POST"])
def approve(order_id: str) -> Response:
    return _decide(order_id, OrderStatus.APPROVED)


@app.route("/orders/{order_id}/cancel", methods=["POST"])
def cancel(order_id: str) -> Response:
    return _decide(order_id, OrderStatus.CANCELLED)


def _decide(order_id: str, wanted: OrderStatus) -> Response:
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    try:
        body = parse_json_object(app.current_request.raw_body) if app.current_request.raw_body else {}
        decision = Decision.model_validate(body)
    except BodyRejected as rejected:
        return _problem(rejected.status, rejected.message, rejected.errors)
    except ValidationError as error:
        return _problem(422, "decision is invalid", field_errors(error))
    try:
        event = decide(order_id, wanted, principal.name, decision.reason, review, orders, shipments)
    except OrderNotFound:
        return _problem(404, f"no order {order_id}")
    except (TransitionRefused, StatusChanged, ShipmentChanged) as refused:
        return _problem(409, str(refused) or "the order changed meanwhile; read it and try again")
    logger.info("order reviewed", extra={"order_id": order_id, "status": wanted, "by": principal.name})
    return Response(body={"order_id": order_id, "status": event.to_status, "event": event.model_dump(mode="json")},
                    status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    return app(event, context)
