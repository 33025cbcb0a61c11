"""Carrier webhooks: each provider's push, checked its own way, queued raw, answered at once.

Carriers and aggregators cannot send an API key; each proves a push is its own (an HMAC of
the body, a token on the URL, a credential header), checked against the provider's secrets in
SSM (two during a rotation). Nothing but that check and one SQS send runs here: a provider
that waits on us retries, and some (UPS) drop events while an endpoint is slow or down. The
carrier updates function reads the queue. Our own format alone is read here too, so its sender
hears at once (422) what is wrong with a push.
"""

import functools
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from botocore.exceptions import BotoCoreError, ClientError
from chalice import Response

from oms.carriers import CHECKED_ON_RECEIPT, PROVIDERS, CarrierPayloadError, SignedRequest, adapter
from oms.json_body import parse_json_object
from oms.settings import CarrierWebhookSettings
from oms_http import Api, Problem, signing_secrets

settings = CarrierWebhookSettings.model_validate(dict(os.environ))
logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()
app = Api("oms-carrier-webhooks")


@app.route("/carriers/{provider}/events", methods=["POST"], signed_by_sender=True)
def carrier_events(provider: str) -> Response:
    if provider not in PROVIDERS:
        raise Problem(404, f"no carrier provider {provider}; one of {', '.join(sorted(PROVIDERS))}")
    request = app.current_request
    pushed = SignedRequest(body=request.raw_body or b"", headers={k.lower(): v for k, v in (request.headers or {}).items()},
                           query=dict(request.query_params or {}))
    if not adapter(provider).verify(signing_secrets(f"{settings.carrier_secrets_path}/{provider}"), pushed):
        logger.info("carrier webhook refused", extra={"provider": provider})
        raise Problem(401, f"not signed by {provider}")
    payload = parse_json_object(pushed.body)  # a body that is not JSON is the sender's to fix, not a retry's
    if provider in CHECKED_ON_RECEIPT:
        try:
            adapter(provider).to_tracking_updates(payload)
        except CarrierPayloadError as error:
            raise Problem(422, f"not a {provider} tracking push", error.problems) from None
    try:
        _queue().send_message(QueueUrl=settings.carrier_events_queue, MessageBody=pushed.body.decode(),
                              MessageAttributes={"provider": {"DataType": "String", "StringValue": provider}})
    except (BotoCoreError, ClientError) as error:
        logger.error("could not queue a carrier event", extra={"provider": provider, "error": type(error).__name__})
        raise Problem(503, "the event could not be queued; send it again") from None
    metrics.add_dimension(name="provider", value=provider)
    metrics.add_metric(name="CarrierPushesQueued", unit=MetricUnit.Count, value=1)
    return Response(body={"queued": True}, status_code=202)


@functools.cache
def _queue():
    return boto3.client("sqs")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
def handler(event, context):
    response = app(event, context)
    if 400 <= response["statusCode"] < 500:
        metrics.add_metric(name="CarrierPushesRefused", unit=MetricUnit.Count, value=1)
    return response
