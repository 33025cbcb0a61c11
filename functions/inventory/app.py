"""Inventory: operations set, count and receive stock; anyone allowed reads what can be promised."""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from chalice import Chalice, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from oms.access import caller
from oms.inventory import availability
from oms.json_body import BodyRejected, parse_json_object
from oms.models import field_errors
from oms.settings import InventorySettings
from oms.store.inventory import InventoryStore, NotEnoughOnHand, UnknownStock

settings = InventorySettings.model_validate(dict(os.environ))
logger = Logger()
app = Chalice(app_name="oms-inventory")
inventory = InventoryStore(settings.inventory_table, boto3.client("dynamodb"))


class StockLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on_hand: int = Field(ge=0, le=10_000_000)
    safety_stock: int = Field(default=0, ge=0)
    reorder_point: int = Field(default=0, ge=0)


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


def _problem(status: int, message: str, errors: list[dict] | None = None) -> Response:
    return Response(body={"message": message, **({"errors": errors} if errors else {})}, status_code=status)


def _body(model: type[BaseModel]) -> BaseModel:
    return model.model_validate(parse_json_object(app.current_request.raw_body))


def _change(sku: str, location_id: str, model: type[BaseModel], apply) -> Response:
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    try:
        change = _body(model)
    except BodyRejected as rejected:
        return _problem(rejected.status, rejected.message, rejected.errors)
    except ValidationError as error:
        return _problem(422, "stock change is invalid", field_errors(error))
    if inventory.location(location_id) is None:
        return _problem(404, f"no location {location_id}")
    try:
        stock = apply(change)
    except UnknownStock:
        return _problem(404, f"no stock of {sku} at {location_id}; set or receive it first")
    except NotEnoughOnHand:
        return _problem(409, f"{location_id} has fewer than {-change.delta} of {sku} on hand")
    logger.info("stock changed", extra={"sku": sku, "location_id": location_id, "by": principal.name,
                                        "change": type(change).__name__})
    return Response(body={**stock.model_dump(), "available": stock.available}, status_code=200)


@app.route("/inventory/{sku}/{location_id}", methods=["PUT"])
def set_stock(sku: str, location_id: str) -> Response:
    def apply(level: StockLevel):
        inventory.set_stock(sku, location_id, level.on_hand, level.safety_stock, level.reorder_point)
        return next(stock for stock in inventory.stock(sku) if stock.location_id == location_id)

    return _change(sku, location_id, StockLevel, apply)


@app.route("/inventory/{sku}/{location_id}/adjust", methods=["POST"])
def adjust(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, Adjustment, lambda change: inventory.adjust(sku, location_id, change.delta))


@app.route("/inventory/{sku}/{location_id}/receive", methods=["POST"])
def receive(sku: str, location_id: str) -> Response:
    return _change(sku, location_id, Receipt, lambda change: inventory.receive(sku, location_id, change.quantity))


@app.route("/inventory/bulk", methods=["POST"])
def bulk() -> Response:
    """Many changes (a stock take, a delivery note): each applied on its own and reported by
    position, since one bad line must not hold up the rest."""
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    try:
        changes = _body(Bulk).changes
    except BodyRejected as rejected:
        return _problem(rejected.status, rejected.message, rejected.errors)
    except ValidationError as error:
        return _problem(422, "bulk change is invalid", field_errors(error))
    known = {location.location_id for location in inventory.locations()}
    results = [_apply_one(change, known) for change in changes]
    logger.info("bulk stock change", extra={"by": principal.name, "changes": len(changes),
                                            "failed": sum(r["status"] != "ok" for r in results)})
    return Response(body={"results": results}, status_code=200)


def _apply_one(change: BulkChange, known_locations: set[str]) -> dict:
    where = {"sku": change.sku, "location_id": change.location_id}
    if change.location_id not in known_locations:
        return {**where, "status": "error", "problem": f"no location {change.location_id}"}
    try:
        if change.on_hand is not None:
            inventory.set_stock(change.sku, change.location_id, change.on_hand, change.safety_stock)
        elif change.delta is not None:
            inventory.adjust(change.sku, change.location_id, change.delta)
        else:
            inventory.receive(change.sku, change.location_id, change.quantity)
    except UnknownStock:
        return {**where, "status": "error", "problem": "no stock here yet; set or receive it first"}
    except NotEnoughOnHand:
        return {**where, "status": "error", "problem": "would take on hand below zero"}
    return {**where, "status": "ok"}


@app.route("/inventory/{sku}", methods=["GET"])
def available_to_promise(sku: str) -> Response:
    principal = caller(app.current_request.context)
    if principal is None:
        return _problem(403, "this key may not call this route")
    channel = (app.current_request.query_params or {}).get("channel")
    if principal.kind == "channel":
        if channel not in (None, principal.channel):
            return _problem(403, f"this key reads {principal.channel}'s availability only")
        channel = principal.channel
    view = availability(sku, inventory.stock(sku), inventory.locations(), channel)
    return Response(body=view.model_dump(), status_code=200)


@app.route("/locations", methods=["GET"])
def locations() -> Response:
    if caller(app.current_request.context) is None:
        return _problem(403, "this key may not call this route")
    return Response(body={"locations": [location.model_dump(mode="json") for location in inventory.locations()]},
                    status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
def handler(event: dict, context) -> dict:
    return app(event, context)
