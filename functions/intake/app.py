"""Intake: channels post orders in the canonical JSON; each is stored once and read back.

The API key authorizer has already resolved the caller; this handler only decides what
that principal may touch.
"""

import functools
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from botocore.exceptions import BotoCoreError, ClientError
from chalice import Response

from oms.channels import ChannelOrder, ChannelPayloadError, ChannelRefund, adapter_for
from oms.channels.fetching import FetchRequest, notified_order_id
from oms.intake import Outcome, order_receiving, receive_order
from oms.json_body import parse_json_object
from oms.settings import IntakeSettings
from oms.webhooks import verify
from oms_http import Api, Problem, signing_secrets

settings = IntakeSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-intake")
dynamodb = boto3.client("dynamodb")
receiving = order_receiving(settings, dynamodb, boto3.client("kms"))
orders = receiving.orders

_STATUS_BY_OUTCOME = {Outcome.CREATED: 201, Outcome.DUPLICATE: 200, Outcome.UPDATED: 200, Outcome.STALE: 200}
# A new order is counted as OrdersReceived from the Orders stream; a conflict, as a refused post.
_METRIC_BY_OUTCOME = {Outcome.DUPLICATE: "DuplicateOrderPosts", Outcome.STALE: "DuplicateOrderPosts",
                      Outcome.UPDATED: "OrderUpdatesApplied"}


@app.route("/orders", methods=["POST"])
def post_order() -> Response:
    submission = app.body()
    return _received(receive_order(submission, app.principal.channel, orders, screening=receiving.screening))


@app.route("/channels/{channel}/orders", methods=["POST"])
def post_channel_order(channel: str) -> Response:
    adapter = adapter_for(channel)
    if adapter is None:
        raise Problem(404, f"no channel {channel!r} posts its own format here; canonical orders go to POST /orders")
    if app.principal.channel != channel:
        raise Problem(403, f"this key speaks for {app.principal.channel}, not {channel}")
    request = app.current_request
    if adapter.SIGNATURE and not verify(adapter.SIGNATURE, _webhook_secrets(channel), _notification_url(request),
                                        request.raw_body or b"", dict(request.headers)):
        logger.info("webhook signature refused", extra={"channel": channel})
        raise Problem(401, f"missing or wrong {adapter.SIGNATURE.header}")
    payload = parse_json_object(request.raw_body)
    try:
        notified = notified_order_id(channel, adapter, payload)
        if notified:
            return _queue_for_fetching(channel, notified)
        refund = adapter.refund_from(payload) if hasattr(adapter, "refund_from") else None
        if refund is not None:
            return _refunded(channel, refund)
        channel_order: ChannelOrder = adapter.to_channel_order(payload)
    except ChannelPayloadError as error:
        raise Problem(422, f"not a {channel} order", error.problems) from None
    return _received(receive_order(channel_order.submission, channel, orders, screening=receiving.screening,
                                   reported=channel_order, changes=receiving.changes))


def _refunded(channel: str, refund: ChannelRefund) -> Response:
    """A refund (or a cancellation, a return) the channel reports on an order it sent."""
    from oms.channel_refunds import apply_refund  # loaded when a channel first reports one

    order_id = orders.find(channel, refund.channel_order_id)
    if order_id is None:
        raise Problem(404, f"no {channel} order {refund.channel_order_id} here; its refund cannot be applied")
    order = apply_refund(order_id, channel, refund, receiving.changes)
    logger.info("channel refund", extra={"channel": channel, "order_id": order_id, "status": order.status})
    return Response(body={"order_id": order_id, "status": order.status,
                          "refunds": [r.model_dump(mode="json") for r in order.refunds]}, status_code=200)


def _queue_for_fetching(channel: str, order_id: str) -> Response:
    """The channel's notification is only answered once its order is queued: a failure to
    queue answers 503, which channels retry, instead of losing the order."""
    try:
        _fetch_queue().send_message(QueueUrl=settings.channel_fetch_queue,
                                    MessageBody=FetchRequest(channel=channel, order_id=order_id).model_dump_json())
    except (BotoCoreError, ClientError) as error:
        logger.error("could not queue a channel order for fetching",
                     extra={"channel": channel, "error": type(error).__name__})
        raise Problem(503, "the order could not be queued for fetching; send the notification again") from None
    logger.info("channel order queued for fetching", extra={"channel": channel})
    return Response(body={"queued": order_id}, status_code=202)


@functools.cache
def _fetch_queue():
    """SQS, created when a channel first sends a bare id: the canonical route never needs it."""
    return boto3.client("sqs")


def _webhook_secrets(channel: str) -> list[str]:
    """The channel's current signing secrets (two during a rotation); none if unconfigured."""
    secrets = signing_secrets(f"{settings.webhook_secrets_path}/{channel}")
    if not secrets:
        logger.error("no webhook secret configured", extra={"channel": channel})
    return secrets


def _notification_url(request) -> str:
    """The URL the channel posted to, as it signs it (Square): scheme, host, stage and path."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    return f"{headers.get('x-forwarded-proto', 'https')}://{headers.get('host', '')}{request.context.get('path', '')}"


def _received(receipt) -> Response:
    order = receipt.order
    logger.info("order received", extra={"order_id": order.order_id, "channel": order.channel,
                                          "outcome": receipt.outcome, "status": order.status})
    if receipt.outcome == Outcome.CONFLICT:
        raise Problem(409, f"channel order {order.channel_order_id} was already received with different content",
                      order_id=order.order_id)
    if receipt.outcome in _METRIC_BY_OUTCOME:
        metrics.add_dimension(name="channel", value=order.channel)
        metrics.add_metric(name=_METRIC_BY_OUTCOME[receipt.outcome], unit=MetricUnit.Count, value=1)
    return Response(
        body=order.model_dump(mode="json"),
        status_code=_STATUS_BY_OUTCOME[receipt.outcome],
        headers={"Location": f"/orders/{order.order_id}"},
    )


@app.route("/orders/{order_id}", methods=["GET"])
def get_order(order_id: str) -> Response:
    """The order's timeline: status, history, the promised delivery day, and each shipment with its
    lines, events, tracking (the carrier's latest events, ETA, any delay)."""
    order = orders.get(order_id) if order_id.startswith("ord_") else None
    if order is None:
        raise Problem(404, f"no order {order_id}")
    if not app.principal.may_read_channel(order.channel):
        raise Problem(403, "this key may not read another channel's orders")
    return Response(body=order.model_dump(mode="json"), status_code=200)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    response = app(event, context)
    if event.get("httpMethod") == "POST" and 400 <= response["statusCode"] < 500:
        metrics.add_metric(name="OrderPostsRefused", unit=MetricUnit.Count, value=1)
    return response
