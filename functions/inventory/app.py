"""Inventory: operations set, count and receive stock, read its movements, and create and edit
locations; anyone allowed reads what can be promised."""

import dataclasses
import functools
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oms.inventory import availability
from oms.models import Location
from oms.settings import StockAndLocationSettings
from oms.store.inventory import InventoryStore, NotEnoughOnHand, UnknownStock
from oms.store.location_secrets import LocationSecrets
from oms.store.cursors import Cursor
from oms_http import Api, Problem

settings = StockAndLocationSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-inventory")
inventory = InventoryStore(settings.inventory_table, boto3.client("dynamodb"))


@functools.cache
def location_secrets() -> LocationSecrets:
    """SSM, created when a location first gets a webhook: stock changes never need it."""
    return LocationSecrets(boto3.client("ssm"), settings.location_secrets_path)


class StockLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on_hand: int = Field(ge=0, le=10_000_000)
    safety_stock: int = Field(default=0, ge=0)
    reorder_point: int = Field(default=0, ge=0)
    reason: str | None = Field(default=None, max_length=200)


class Adjustment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delta: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)

    @field_validator("delta")
    @classmethod
    def _changes_something(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("must not be 0")
        return delta


class Receipt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(gt=0, le=10_000_000)
    reference: str | None = Field(default=None, max_length=200)


class BulkChange(BaseModel):
    """One line of a bulk change: exactly one of on_hand (set), delta (count) or quantity (receive)."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    location_id: str = Field(min_length=1, max_length=64)
    on_hand: int | None = Field(default=None, ge=0, le=10_000_000)
    safety_stock: int = Field(default=0, ge=0)
    delta: int | None = Field(default=None, ge=-10_000_000, le=10_000_000)
    quantity: int | None = Field(default=None, gt=0, le=10_000_000)
    reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> "BulkChange":
        if sum(value is not None for value in (self.on_hand, self.delta, self.quantity)) != 1:
            raise ValueError("give exactly one of on_hand, delta or quantity")
        if self.delta is not None and (self.delta == 0 or not self.reason):
            raise ValueError("a count needs a non-zero delta and a reason")
        return self


class Bulk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: list[BulkChange] = Field(min_length=1, max_length=500)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=100)
    after: Cursor | None = None


class LocationEdit(BaseModel):
    """A location as PUT describes it; its id is the path's. `rotate_webhook_secret` issues a
    new signing secret and keeps the previous one valid until the next rotation."""

    model_config = ConfigDict(extra="allow")

    rotate_webhook_secret: bool = False


def _change(sku: str, location_id: str, model: type[BaseModel], apply) -> Response:
    change = app.body(model)
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
    return Response(body={**stock.model_dump(), "available": stock.available}, status_code=200)


@app.route("/inventory/{sku}/{location_id}", methods=["PUT"])
def set_stock(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, StockLevel, lambda level: inventory.set_stock(
        sku, location_id, level.on_hand, level.safety_stock, level.reorder_point, app.principal.name, level.reason))


@app.route("/inventory/{sku}/{location_id}/adjust", methods=["POST"])
def adjust(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, Adjustment, lambda change: inventory.adjust(
        sku, location_id, change.delta, app.principal.name, change.reason))


@app.route("/inventory/{sku}/{location_id}/receive", methods=["POST"])
def receive(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, Receipt, lambda change: inventory.receive(
        sku, location_id, change.quantity, app.principal.name, change.reference))


@app.route("/inventory/{sku}/{location_id}/movements", methods=["GET"])
def movements(sku: str, location_id: str) -> Response:
    page = app.query(Page)
    records, after = inventory.movements(sku, location_id, page.limit, page.after)
    return Response(body={"movements": [dataclasses.asdict(record) for record in records], "after": after},
                    status_code=200)


@app.route("/inventory/bulk", methods=["POST"])
def bulk() -> Response:
    """Many changes (a stock take, a delivery note): each applied on its own and reported by
    position, since one bad line must not hold up the rest."""
    changes = app.body(Bulk).changes
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
    channel = (app.current_request.query_params or {}).get("channel")
    if principal.kind == "channel":
        if channel not in (None, principal.channel):
            raise Problem(403, f"this key reads {principal.channel}'s availability only")
        channel = principal.channel
    view = availability(sku, inventory.stock(sku), inventory.locations(), channel)
    return Response(body=view.model_dump(), status_code=200)


@app.route("/locations", methods=["GET"])
def locations() -> Response:
    return Response(body={"locations": [location.model_dump(mode="json") for location in inventory.locations()]},
                    status_code=200)


@app.route("/locations/{location_id}", methods=["PUT"])
def put_location(location_id: str) -> Response:
    """Creates or replaces a location. A webhook URL without a signing secret gets one, shown
    in this answer only: the location's receiver keeps it to verify `X-OMS-Signature`."""
    edit = app.body(LocationEdit)
    location = Location.model_validate({**edit.model_extra, "location_id": location_id})
    existed = inventory.location(location_id) is not None
    inventory.save_location(location)
    issued = location_secrets().issue(location_id, edit.rotate_webhook_secret) if location.webhook_url else None
    logger.info("location saved", extra={"location_id": location_id, "by": app.principal.name,
                                         "webhook": bool(location.webhook_url), "secret_issued": bool(issued)})
    body = location.model_dump(mode="json") | ({"webhook_secret": issued} if issued else {})
    return Response(body=body, status_code=200 if existed else 201)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
