"""Customer service: change an order's address, take its returns, confirm its refunds. The rules
are oms.policy's, the same the chatbot keeps; each refusal says why."""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters
from chalice import Response

from oms import refunds, returns
from oms.addresses import change_address
from oms.intake import pii_vault
from oms.models import Return
from oms.policy import ReturnRules
from oms.settings import ServiceSettings
from oms.store.orders import OrderStore
from oms.store.tables import Tables
from oms_http import Api, Problem

settings = ServiceSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-service")
dynamodb = boto3.client("dynamodb")
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)  # decides without personal data
sealed = OrderStore(settings.orders_table, dynamodb, pii_vault(settings, boto3.client("kms")))


def return_rules() -> ReturnRules:
    return ReturnRules.model_validate(parameters.get_parameter(settings.return_rules, transform="json", max_age=60))


@app.route("/orders/{order_id}/address", methods=["POST"])
def new_address(order_id: str) -> Response:
    address = app.body().shipping_address
    order = change_address(order_id, address, app.principal.name, store, sealed.resealed_with)
    logger.info("address changed", extra={"order_id": order_id, "status": order.status, "by": app.principal.name})
    _count_request("change_address")
    return Response(body={"order_id": order_id, "status": order.status,
                          "shipments": [s.model_dump(mode="json", exclude={"trace", "history"})
                                        for s in order.shipments]}, status_code=200)


@app.route("/orders/{order_id}/returns", methods=["POST"])
def ask_return(order_id: str) -> Response:
    asked = app.body()
    units = {line.line_no: line.quantity for line in asked.lines}
    if len(units) != len(asked.lines):
        raise Problem(422, "request is invalid", [{"field": "lines", "problem": "each line once"}])
    created = returns.request(order_id, units, {line.line_no: line.reason for line in asked.lines},
                              app.principal.name, return_rules(), store)
    return _answer("request_return", created, 201)


@app.route("/returns/{return_id}/authorise", methods=["POST"])
def authorise_return(return_id: str) -> Response:
    return _answer("authorise_return", returns.authorise(return_id, app.principal.name, store))


@app.route("/returns/{return_id}/reject", methods=["POST"])
def reject_return(return_id: str) -> Response:
    return _answer("reject_return", returns.reject(return_id, app.principal.name, app.body().reason, store))


@app.route("/returns/{return_id}/receive", methods=["POST"])
def receive_return(return_id: str) -> Response:
    receipt, principal = app.body(), app.principal
    if principal.kind == "location" and receipt.location_id not in (None, principal.location_id):
        raise Problem(403, "this key receives at its own location only")
    where = principal.location_id or receipt.location_id
    if where is None or store.inventory.location(where) is None:
        raise Problem(422, "request is invalid", [{"field": "location_id", "problem": "a known location is required"}])
    return _answer("receive_return", returns.receive(return_id, receipt.lines, where, principal.name, store))


@app.route("/refunds/{refund_id}/confirm", methods=["POST"])
def confirm_refund(refund_id: str) -> Response:
    confirmed = refunds.confirm(refund_id, app.principal.name, store, app.body().channel_refund_id)
    logger.info("refund confirmed", extra={"refund_id": refund_id, "by": app.principal.name})
    _count_request("confirm_refund")
    return Response(body=confirmed.model_dump(mode="json"), status_code=200)


def _answer(action: str, asked: Return, status: int = 200) -> Response:
    logger.info("return", extra={"return_id": asked.return_id, "status": asked.status, "by": app.principal.name})
    _count_request(action)
    return Response(body=asked.model_dump(mode="json"), status_code=status)


def _count_request(action: str) -> None:
    metrics.add_dimension(name="action", value=action)
    metrics.add_metric(name="CustomerRequests", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
