"""Fulfilment: a store or warehouse accepts, ships or rejects the shipments sourced to it."""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from chalice import Chalice, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oms.access import caller
from oms.fulfilment import (
    NotThisLocations,
    RejectionReason,
    ShipmentNotFound,
    ShipmentRefused,
    accept,
    reject,
    ship,
)
from oms.json_body import BodyRejected, parse_json_object
from oms.lifecycle import TransitionRefused
from oms.models import field_errors
from oms.settings import TablesSettings
from oms.store.inventory import InventoryStore
from oms.store.orders import OrderStore
from oms.store.shipments import ShipmentChanged, ShipmentStore

settings = TablesSettings.model_validate(dict(os.environ))
logger = Logger()
app = Chalice(app_name="oms-fulfilment")
dynamodb = boto3.client("dynamodb")
shipments = ShipmentStore(settings.orders_table, settings.inventory_table, dynamodb)
orders = OrderStore(settings.orders_table, dynamodb, vault=None)  # places and lines only, no PII
inventory = InventoryStore(settings.inventory_table, dynamodb)


class Shipped(BaseModel):
    model_config = ConfigDict(extra="forbid")

    carrier: str = Field(min_length=1, max_length=64)
    tracking_number: str = Field(min_length=1, max_length=64)


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RejectionReason


def _problem(status: int, message: str, errors: list[dict] | None = None) -> Response:
    return Response(body={"message": message, **({"errors": errors} if errors else {})}, status_code=status)


def _act(shipment_id: str, body_model: type[BaseModel] | None, action) -> Response:
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    try:
        body = body_model.model_validate(parse_json_object(app.current_request.raw_body)) if body_model else None
        shipment = action(principal.location_id, body)
    except BodyRejected as rejected:
        return _problem(rejected.status, rejected.message, rejected.errors)
    except ValidationError as error:
        return _problem(422, "request is invalid", field_errors(error))
    except ShipmentNotFound:
        return _problem(404, f"no shipment {shipment_id}")
    except NotThisLocations:
        return _problem(403, "this shipment is another location's")
    except (ShipmentRefused, TransitionRefused, ShipmentChanged) as refused:
        return _problem(409, str(refused) or "the shipment changed meanwhile; read it and try again")
    logger.info("shipment updated", extra={"shipment_id": shipment_id, "status": shipment.status,
                                           "by": principal.name})
    return Response(body=shipment.model_dump(mode="json", exclude={"trace"}), status_code=200)


@app.route("/shipments/{shipment_id}/accept", methods=["POST"])
def accept_shipment(shipment_id: str) -> Response:
    return _act(shipment_id, None, lambda location_id, _: accept(shipment_id, location_id, shipments))


@app.route("/shipments/{shipment_id}/ship", methods=["POST"])
def ship_shipment(shipment_id: str) -> Response:
    return _act(shipment_id, Shipped, lambda location_id, body: ship(
        shipment_id, location_id, body.carrier, body.tracking_number, shipments, orders))


@app.route("/shipments/{shipment_id}/reject", methods=["POST"])
def reject_shipment(shipment_id: str) -> Response:
    return _act(shipment_id, Rejection, lambda location_id, body: reject(
        shipment_id, location_id, body.reason, shipments, orders, inventory))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    return app(event, context)
