"""Inventory: operations set, count and receive stock, read its movements, create and edit
locations, suppliers and what the catalogue says of a SKU; anyone allowed reads what can be
promised.

It also serves the API's contract (GET /openapi.json) to anyone, without a key: a file read
needs no function of its own to deploy and watch, and this one is light."""

import dataclasses
import functools
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from oms.inventory import availability
from oms.settings import StockAndLocationSettings
from oms.store.catalogue import CatalogueStore
from oms.store.inventory import InventoryStore, NotEnoughOnHand, UnknownStock
from oms.store.location_secrets import LocationSecrets
from oms_http import Api, Problem, openapi
from oms_http.request_models import BulkChange

settings = StockAndLocationSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-inventory")
dynamodb = boto3.client("dynamodb")
inventory = InventoryStore(settings.inventory_table, dynamodb)
catalogue = CatalogueStore(settings.inventory_table, dynamodb)


@functools.cache
def location_secrets() -> LocationSecrets:
    """SSM, created when a location first gets a webhook: stock changes never need it."""
    return LocationSecrets(boto3.client("ssm"), settings.location_secrets_path)


def _change(sku: str, location_id: str, apply) -> Response:
    change = app.body()
    if inventory.location(location_id) is None:
        raise Problem(404, f"no location {location_id}")
    try:
        stock = apply(change)
    except UnknownStock:
        raise Problem(404, f"no stock of {sku} at {location_id}; set or receive it first") from None
    except NotEnoughOnHand:
        raise Problem(409, f"{location_id} has fewer than {-change.delta} of {sku} on hand") from None
    logger.info("stock changed", extra={"sku": sku, "location_id": location_id, "by": app.principal.name,
                                        "change": type(change).__name__})
    metrics.add_metric(name="StockUpdates", unit=MetricUnit.Count, value=1)
    return Response(body={**stock.model_dump(mode="json"), "available": stock.available}, status_code=200)


@app.route("/inventory/{sku}/{location_id}", methods=["PUT"])
def set_stock(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, lambda level: inventory.set_stock(
        sku, location_id, level.on_hand, level.safety_stock, level.reorder_point, app.principal.name, level.reason))


@app.route("/inventory/{sku}/{location_id}/adjust", methods=["POST"])
def adjust(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, lambda change: inventory.adjust(
        sku, location_id, change.delta, app.principal.name, change.reason))


@app.route("/inventory/{sku}/{location_id}/receive", methods=["POST"])
def receive(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, lambda change: inventory.receive(
        sku, location_id, change.quantity, app.principal.name, change.reference))


@app.route("/inventory/{sku}/{location_id}/movements", methods=["GET"])
def movements(sku: str, location_id: str) -> Response:
    page = app.query()
    records, after = inventory.movements(sku, location_id, page.limit, page.after)
    return Response(body={"movements": [dataclasses.asdict(record) for record in records], "after": after},
                    status_code=200)


@app.route("/inventory/bulk", methods=["POST"])
def bulk() -> Response:
    """Many changes (a stock take, a delivery note): each applied on its own and reported by
    position, since one bad line must not hold up the rest."""
    changes = app.body().changes
    known = {location.location_id for location in inventory.locations()}
    results = [_apply_one(change, known) for change in changes]
    applied = sum(r["status"] == "ok" for r in results)
    logger.info("bulk stock change", extra={"by": app.principal.name, "changes": len(changes),
                                            "failed": len(changes) - applied})
    metrics.add_metric(name="StockUpdates", unit=MetricUnit.Count, value=applied)
    return Response(body={"results": results}, status_code=200)


def _apply_one(change: BulkChange, known_locations: set[str]) -> dict:
    where = {"sku": change.sku, "location_id": change.location_id}
    if change.location_id not in known_locations:
        return {**where, "status": "error", "problem": f"no location {change.location_id}"}
    actor = app.principal.name
    try:
        if change.on_hand is not None:
            inventory.set_stock(change.sku, change.location_id, change.on_hand, change.safety_stock, actor=actor,
                                reason=change.reason)
        elif change.delta is not None:
            inventory.adjust(change.sku, change.location_id, change.delta, actor, change.reason)
        else:
            inventory.receive(change.sku, change.location_id, change.quantity, actor, change.reason)
    except UnknownStock:
        return {**where, "status": "error", "problem": "no stock here yet; set or receive it first"}
    except NotEnoughOnHand:
        return {**where, "status": "error", "problem": "would take on hand below zero"}
    return {**where, "status": "ok"}


@app.route("/inventory/{sku}", methods=["GET"])
def available_to_promise(sku: str) -> Response:
    principal = app.principal
    channel = app.query().channel
    if principal.kind == "channel":
        if channel not in (None, principal.channel):
            raise Problem(403, f"this key reads {principal.channel}'s availability only")
        channel = principal.channel
    view = availability(sku, inventory.stock(sku), inventory.locations(), channel)
    return Response(body=view.model_dump(mode="json"), status_code=200)


@app.route("/locations", methods=["GET"])
def locations() -> Response:
    return Response(body={"locations": [location.model_dump(mode="json") for location in inventory.locations()]},
                    status_code=200)


@app.route("/locations/{location_id}", methods=["PUT"])
def put_location(location_id: str) -> Response:
    """Creates or replaces a location. A webhook URL without a signing secret gets one, shown
    in this answer only: the location's receiver keeps it to verify `X-OMS-Signature`."""
    edit = app.body()
    location = edit.location(location_id)
    existed = inventory.location(location_id) is not None
    inventory.save_location(location)
    issued = location_secrets().issue(location_id, edit.rotate_webhook_secret) if location.webhook_url else None
    logger.info("location saved", extra={"location_id": location_id, "by": app.principal.name,
                                         "webhook": bool(location.webhook_url), "secret_issued": bool(issued)})
    body = location.model_dump(mode="json") | ({"webhook_secret": issued} if issued else {})
    return Response(body=body, status_code=200 if existed else 201)


@app.route("/suppliers", methods=["GET"])
def suppliers() -> Response:
    return Response(body={"suppliers": [supplier.model_dump(mode="json") for supplier in catalogue.suppliers()]},
                    status_code=200)


@app.route("/suppliers/{supplier_id}", methods=["PUT"])
def put_supplier(supplier_id: str) -> Response:
    supplier = app.body().supplier(supplier_id)
    unknown = sorted(set(supplier.delivers_to) - {location.location_id for location in inventory.locations()})
    if unknown:
        raise Problem(422, "the supplier delivers to unknown locations",
                      [{"field": "delivers_to", "problem": f"no location {location_id}"} for location_id in unknown])
    created = catalogue.save_supplier(supplier)
    logger.info("supplier saved", extra={"supplier_id": supplier_id, "by": app.principal.name})
    return Response(body=supplier.model_dump(mode="json"), status_code=201 if created else 200)


@app.route("/catalogue/{sku}", methods=["GET"])
def catalogue_entry(sku: str) -> Response:
    entry = catalogue.entry(sku)
    if entry is None:
        raise Problem(404, f"no SKU {sku} in the catalogue")
    return Response(body=entry.model_dump(mode="json"), status_code=200)


@app.route("/catalogue/{sku}", methods=["PUT"])
def put_catalogue_entry(sku: str) -> Response:
    """What the catalogue says of a SKU (supplier, category, cost, price, weight); the SKU joins
    the catalogue if it was not in it, so orders for it are no longer held as unknown."""
    entry = app.body().entry(sku)
    if entry.supplier_id and catalogue.supplier(entry.supplier_id) is None:
        raise Problem(422, f"no supplier {entry.supplier_id}",
                      [{"field": "supplier_id", "problem": "no such supplier: PUT /suppliers/{id} first"}])
    created = catalogue.save_entry(entry)
    logger.info("catalogue entry saved", extra={"sku": sku, "by": app.principal.name, "new": created})
    return Response(body=entry.model_dump(mode="json"), status_code=201 if created else 200)


@app.route("/openapi.json", methods=["GET"], public=True)
def contract() -> Response:
    return Response(body=openapi.document(), status_code=200, headers={"Content-Type": "application/json"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
