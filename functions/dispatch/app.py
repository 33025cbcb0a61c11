"""Dispatch: each pick request on the fulfilment queue is pushed, signed, to its location's
webhook, once per shipment; a location without a webhook pulls its picks instead.

Once: powertools idempotency keys each push by shipment id and event (a request delivered twice,
or produced twice by the stream, is recognised and not sent again). A withdrawal tells the
location that a pick it may have started is cancelled. A failed push is retried
later each time (the message's visibility is pushed back), then lands in the dead-letter
queue with its alarm.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from oms.changes import Change
from oms.dispatch import (
    REQUESTED,
    Outcome,
    PickRequest,
    PushFailed,
    http_transport,
    push_for,
    retry_delay,
    send,
    still_to_tell,
)
from oms.models import HistoryEvent, ShipmentChange
from oms.pii import opening_vault
from oms.settings import DispatchSettings
from oms.store.changes import ChangeStore
from oms.store.inventory import InventoryStore
from oms.store.location_secrets import LocationSecrets
from oms.store.orders import OrderStore

settings = DispatchSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.SQS)
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
inventory = InventoryStore(settings.inventory_table, dynamodb)
history = ChangeStore(settings.orders_table, settings.inventory_table, dynamodb)
transport = http_transport  # the tests' receivers stand in for it
idempotency = IdempotencyConfig(event_key_jmespath="[shipment_id, event]", raise_on_no_idempotency_key=True,
                                # As long as the queue may hold a request: a late repeat is still known.
                                expires_after_seconds=14 * 24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=dynamodb)


@functools.cache
def orders() -> OrderStore:
    """Orders with the ship-to opened (KMS Decrypt only): the pick carries the address to ship to."""
    return OrderStore(settings.orders_table, dynamodb, opening_vault(boto3.client("kms"), settings.pii_key_id))


@functools.cache
def secrets() -> LocationSecrets:
    return LocationSecrets(boto3.client("ssm"), settings.location_secrets_path)


@idempotent_function(data_keyword_argument="request", config=idempotency, persistence_store=persistence,
                     key_prefix="oms-pick-request")
def tell_location(request: dict) -> str:
    pick = PickRequest.model_validate(request)
    order = orders().get(pick.order_id)
    if not still_to_tell(order, pick.shipment_id, pick.event):
        return Outcome.CLOSED
    location = inventory.location(pick.location_id)
    if location is None or location.webhook_url is None:
        return Outcome.PULLED
    signing_secrets = secrets().current(pick.location_id)
    if not signing_secrets:
        raise PushFailed(f"location {pick.location_id} has a webhook but no signing secret")
    now = datetime.now(UTC)
    send(push_for(order, pick.shipment_id, location.webhook_url, signing_secrets, now, pick.event), transport)
    # Counted here, not by the caller: a request seen again gets this outcome without a push.
    metrics.add_metric(name="PickRequestsDelivered", unit=MetricUnit.Count, value=1)
    _record_delivery(pick, now)
    return Outcome.DELIVERED


def _record_delivery(pick: PickRequest, now: datetime) -> None:
    """For the order's timeline; the push has happened whether or not this is written."""
    what = "pick request" if pick.event == REQUESTED else "pick withdrawal"
    event = HistoryEvent(at=now, actor="dispatch", reason=f"{what} delivered to {pick.location_id}'s webhook",
                         shipment=ShipmentChange(shipment_id=pick.shipment_id))
    try:
        history.commit(Change(at=now, actor="dispatch", order_id=pick.order_id, history=(event,)))
    except Exception as error:  # noqa: BLE001 - only the timeline is short of one line
        logger.warning("pick delivered, not recorded in history", extra={"shipment_id": pick.shipment_id,
                                                                         "error": type(error).__name__})


def dispatch_record(record: SQSRecord) -> None:
    request = PickRequest.model_validate_json(record.body)
    try:
        outcome = tell_location(request=request.model_dump())
    except PushFailed as failed:
        metrics.add_metric(name="PickRequestPushFailures", unit=MetricUnit.Count, value=1)
        delay = retry_delay(int(record.attributes.approximate_receive_count), settings.retry_base_seconds)
        sqs.change_message_visibility(QueueUrl=settings.fulfilment_queue, ReceiptHandle=record.receipt_handle,
                                      VisibilityTimeout=delay)
        logger.warning("pick request not delivered; trying again later",
                       extra={"shipment_id": request.shipment_id, "location_id": request.location_id,
                              "problem": str(failed), "retry_in_seconds": delay})
        raise
    logger.info("pick request", extra={"shipment_id": request.shipment_id, "location_id": request.location_id,
                                       "outcome": outcome})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=dispatch_record, processor=processor, context=context)
