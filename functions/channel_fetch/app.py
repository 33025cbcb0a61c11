"""Channel fetch: orders announced by id (Square webhooks, Amazon notifications and polls)
are fetched from the channel's API and received like any other order, once."""

from __future__ import annotations

import functools
import json
import os
from datetime import UTC, datetime, timedelta

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from transports import AmazonTransport, square_transport

from oms.channels import adapter_for
from oms.channels.amazon_client import OrdersApi
from oms.channels.fetching import FetchRequest, checkpoint_after
from oms.intake import order_receiving, receive_order
from oms.queues import Message, send_all, to_queue
from oms.settings import ChannelFetchSettings
from oms.store.checkpoints import Checkpoints

settings = ChannelFetchSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
processor = BatchProcessor(event_type=EventType.SQS)
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
receiving = order_receiving(settings, dynamodb, boto3.client("kms"))
orders = receiving.orders
checkpoints = Checkpoints(settings.orders_table, dynamodb)
# Amazon asks pollers to look back a little: an order's LastUpdateDate can appear late.
AMAZON_LOOKBACK = timedelta(minutes=5)


def credentials(channel: str) -> dict:
    return json.loads(parameters.get_secret(settings.channel_credentials, max_age=300)).get(channel) or {}


def square_orders():
    from oms.channels.square import SquareOrders  # imported by the channel that needs it

    return SquareOrders(square_transport(credentials("square")))


def amazon_orders() -> OrdersApi:
    return OrdersApi(_amazon_transport(json.dumps(credentials("amazon"), sort_keys=True)))


@functools.lru_cache(maxsize=2)  # the credentials in use, and those they are being rotated to
def _amazon_transport(credentials_json: str) -> AmazonTransport:
    """One per set of credentials, kept by the container: its access token lasts an hour, and
    asking Login with Amazon for a new one on every fetch only gets a poll throttled."""
    return AmazonTransport(json.loads(credentials_json))


# How each channel's order is fetched by id; tests put the providers' examples behind them.
FETCHERS = {
    "square": lambda order_id: square_orders().retrieve(order_id),
    "amazon": lambda order_id: amazon_orders().bundle(order_id),
}


def fetch_and_receive(record: SQSRecord) -> None:
    request = FetchRequest.model_validate_json(record.body)
    native = FETCHERS[request.channel](request.order_id)
    channel_order = adapter_for(request.channel).to_channel_order(native)
    receipt = receive_order(channel_order.submission, request.channel, orders, screening=receiving.screening,
                            reported=channel_order, changes=receiving.changes)
    logger.info("channel order fetched", extra={"channel": request.channel, "order_id": receipt.order.order_id,
                                                 "outcome": receipt.outcome, "status": receipt.order.status})
    metrics.add_metric(name="ChannelOrdersFetched", unit=MetricUnit.Count, value=1)


def poll_amazon(now: datetime) -> int:
    """Queues every Amazon order created or changed since the last poll; returns how many.

    The checkpoint never moves past an order that could not be queued: the next poll asks
    again from that order's LastUpdateDate at the latest."""
    amazon = credentials("amazon")
    if not amazon.get("marketplace_ids"):
        return 0  # a retailer not selling on Amazon: the schedule runs, and there is nothing to ask
    position = checkpoints.get("amazon-orders")
    since = (datetime.fromisoformat(position) if position else now - timedelta(days=1)) - AMAZON_LOOKBACK
    changed = [(order["AmazonOrderId"], order.get("LastUpdateDate", ""))
               for order in amazon_orders().orders_updated_since(amazon["marketplace_ids"], since)]
    unqueued = send_all(to_queue(sqs, settings.channel_fetch_queue),
                        [Message(FetchRequest(channel="amazon", order_id=order_id).model_dump_json())
                         for order_id, _ in changed])
    reached = checkpoint_after(changed, unqueued)
    if unqueued:
        logger.warning("amazon orders not queued; the next poll asks for them again",
                       extra={"orders_not_queued": len(unqueued)})
    if reached:
        checkpoints.advance("amazon-orders", reached)
    return len(changed) - len(unqueued)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    if event.get("poll") == "amazon":
        queued = poll_amazon(datetime.now(UTC))
        logger.info("amazon polled", extra={"orders_queued": queued})
        metrics.add_metric(name="AmazonOrdersQueued", unit=MetricUnit.Count, value=queued)
        return {"orders_queued": queued}
    return process_partial_response(event=event, record_handler=fetch_and_receive, processor=processor,
                                    context=context)
