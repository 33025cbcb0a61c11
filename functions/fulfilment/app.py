"""Fulfilment: a store or warehouse lists its open picks and accepts, picks, ships or rejects
the shipments sourced to it."""

import functools
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from oms.fulfilment import accept, pick, reject, ship
from oms.models import Shipment
from oms.picks import may_see_recipient, pick_of
from oms.pii import opening_vault
from oms.settings import FulfilmentSettings
from oms.store.orders import OrderStore
from oms.store.shipments import ShipmentStore
from oms.store.tables import Tables
from oms_http import Api, Problem

settings = FulfilmentSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-fulfilment")
dynamodb = boto3.client("dynamodb")
store = Tables(settings.orders_table, settings.inventory_table, dynamodb)  # decides on orders without PII
shipments = ShipmentStore(settings.orders_table, dynamodb)


@functools.cache
def recipients() -> OrderStore:
    """Order headers with the ship-to opened: only for a location's own open picks (KMS Decrypt)."""
    return OrderStore(settings.orders_table, dynamodb, opening_vault(boto3.client("kms"), settings.pii_key_id))


@app.route("/shipments", methods=["GET"])
def open_picks() -> Response:
    """A location's own open picks (admin: any location's, without the recipient), oldest first."""
    listing, principal = app.query(), app.principal
    if principal.kind == "location" and listing.location_id not in (None, principal.location_id):
        raise Problem(403, "this key lists its own location's picks only")
    location_id = principal.location_id or listing.location_id
    if location_id is None:
        raise Problem(400, "query is invalid", [{"field": "location_id", "problem": "required with an admin key"}])
    found, after = shipments.open_picks(location_id, listing.status, listing.limit, listing.after)
    reveal = principal.kind == "location"
    headers = (recipients() if reveal else store.orders).headers([s.order_id for s in found], with_pii=reveal)
    picks = [pick_of(s, headers[s.order_id], may_see_recipient(s, principal.location_id)).model_dump(mode="json")
             for s in found if s.order_id in headers]
    return Response(body={"picks": picks, "after": after}, status_code=200)


@app.route("/shipments/{shipment_id}/accept", methods=["POST"])
def accept_shipment(shipment_id: str) -> Response:
    return _answer("accept", accept(shipment_id, app.principal.location_id, store))


@app.route("/shipments/{shipment_id}/pick", methods=["POST"])
def pick_shipment(shipment_id: str) -> Response:
    return _answer("pick", pick(shipment_id, app.principal.location_id, store))


@app.route("/shipments/{shipment_id}/ship", methods=["POST"])
def ship_shipment(shipment_id: str) -> Response:
    shipped = app.body()
    return _answer("ship", ship(shipment_id, app.principal.location_id, shipped.carrier, shipped.tracking_number,
                                store, service=shipped.service))


@app.route("/shipments/{shipment_id}/reject", methods=["POST"])
def reject_shipment(shipment_id: str) -> Response:
    return _answer("reject", reject(shipment_id, app.principal.location_id, app.body().reason, store))


def _answer(action: str, shipment: Shipment) -> Response:
    logger.info("shipment updated", extra={"shipment_id": shipment.shipment_id, "status": shipment.status,
                                           "by": app.principal.name})
    metrics.add_dimension(name="action", value=action)
    metrics.add_metric(name="PickUpdates", unit=MetricUnit.Count, value=1)
    return Response(body=shipment.model_dump(mode="json", exclude={"trace", "history"}), status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
