"""Replenishment: operations list what the daily planning run proposed and accept it. An accepted
transfer is shipped by its source and received by its destination (or by operations), or
cancelled before it ships; an accepted purchase is received delivery by delivery.

A location key acts only on its own side: it ships the transfers it sends, receives those it
is sent and the purchases delivered to it, and reads those it is a party to."""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from chalice import Response

from oms.errors import NotFound, NotYours
from oms.planning import PurchaseOrder, TransferOrder
from oms.settings import ReplenishmentApiSettings
from oms.stock_orders import ReceiptRefused, UnfitProposal
from oms.store.proposals import ProposalStore
from oms.store.stock_orders import StockOrders, StockShort
from oms_http import Api, Problem

settings = ReplenishmentApiSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-replenishment")
dynamodb = boto3.client("dynamodb")
proposals = ProposalStore(settings.planning_table, dynamodb)
orders = StockOrders(settings.inventory_table, settings.planning_table, dynamodb)


@app.route("/replenishment", methods=["GET"])
def list_proposals() -> Response:
    asked = app.query()
    found, after = proposals.listing(None if asked.status == "all" else asked.status, asked.limit, asked.after)
    return Response(body={"proposals": [proposal.model_dump(mode="json") for proposal in found], "after": after},
                    status_code=200)


@app.route("/replenishment/{proposal_id}", methods=["GET"])
def proposal(proposal_id: str) -> Response:
    found = proposals.get(proposal_id)
    if found is None:
        raise NotFound(f"no proposal {proposal_id}")
    return Response(body=found.model_dump(mode="json"), status_code=200)


@app.route("/replenishment/{proposal_id}/accept", methods=["POST"])
def accept(proposal_id: str) -> Response:
    """The order the proposal becomes; accepting again answers the same order."""
    try:
        order, made = orders.accept(proposal_id, app.principal.name)
    except UnfitProposal as error:
        raise Problem(422, str(error)) from None
    except StockShort as error:
        raise _short(error) from None
    logger.info("proposal accepted" if made else "proposal accepted before", extra={
        "proposal_id": proposal_id, "order_id": _order_id(order), "by": app.principal.name})
    metrics.add_metric(name="ProposalsAccepted", unit=MetricUnit.Count, value=int(made))
    return Response(body=order.model_dump(mode="json"), status_code=200)


@app.route("/transfers/{transfer_id}", methods=["GET"])
def transfer(transfer_id: str) -> Response:
    found = _transfer(transfer_id, "from_location", "to_location")
    return Response(body=found.model_dump(mode="json"), status_code=200)


@app.route("/transfers/{transfer_id}/ship", methods=["POST"])
def ship(transfer_id: str) -> Response:
    _transfer(transfer_id, "from_location")
    return _moved(lambda: orders.ship_transfer(transfer_id, app.principal.name))


@app.route("/transfers/{transfer_id}/receive", methods=["POST"])
def receive(transfer_id: str) -> Response:
    _transfer(transfer_id, "to_location")
    return _moved(lambda: orders.receive_transfer(transfer_id, app.principal.name))


@app.route("/transfers/{transfer_id}/cancel", methods=["POST"])
def cancel(transfer_id: str) -> Response:
    return _moved(lambda: orders.cancel_transfer(transfer_id, app.principal.name))


@app.route("/purchase-orders/{purchase_id}", methods=["GET"])
def purchase(purchase_id: str) -> Response:
    return Response(body=_purchase(purchase_id).model_dump(mode="json"), status_code=200)


@app.route("/purchase-orders/{purchase_id}/receive", methods=["POST"])
def receive_purchase(purchase_id: str) -> Response:
    receipt = app.body()
    _purchase(purchase_id)
    lines = [(line.sku, line.units) for line in receipt.lines] if receipt.lines is not None else None
    try:
        received = orders.receive_purchase(purchase_id, receipt.receipt_id, lines, app.principal.name)
    except ReceiptRefused as error:
        raise Problem(422, str(error), error.errors) from None
    logger.info("purchase received", extra={"purchase_id": purchase_id, "receipt_id": receipt.receipt_id,
                                            "status": received.status, "by": app.principal.name})
    return Response(body=received.model_dump(mode="json"), status_code=200)


def _transfer(transfer_id: str, *sides: str) -> TransferOrder:
    """The transfer, if the caller may act on it: an admin on any, a location on its own side."""
    found = orders.transfer(transfer_id)
    if found is None:
        raise NotFound(f"no transfer {transfer_id}")
    principal = app.principal
    if principal.kind == "location" and principal.location_id not in {getattr(found, side) for side in sides}:
        raise NotYours(f"{transfer_id} is not {principal.location_id}'s to act on here")
    return found


def _purchase(purchase_id: str) -> PurchaseOrder:
    found = orders.purchase(purchase_id)
    if found is None:
        raise NotFound(f"no purchase order {purchase_id}")
    principal = app.principal
    if principal.kind == "location" and principal.location_id != found.to_location:
        raise NotYours(f"{purchase_id} is delivered to another location")
    return found


def _moved(step) -> Response:
    try:
        moved = step()
    except StockShort as error:
        raise _short(error) from None
    logger.info("transfer moved", extra={"transfer_id": moved.transfer_id, "status": moved.status,
                                         "by": app.principal.name})
    return Response(body=moved.model_dump(mode="json"), status_code=200)


def _short(error: StockShort) -> Problem:
    return Problem(409, str(error), location_id=error.location_id, skus=error.skus)


def _order_id(order: TransferOrder | PurchaseOrder) -> str:
    return order.transfer_id if isinstance(order, TransferOrder) else order.purchase_id


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return app(event, context)
