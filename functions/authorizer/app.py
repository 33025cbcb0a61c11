"""API Gateway REQUEST authorizer: resolves `x-api-key` to the principal it stands for.

API Gateway caches the verdict per key (ReauthorizeEvery), so this runs once per key
and cache period, not once per request; handlers read the principal from the context.

A refused key is the authorizer working, yet Lambda counts the raise that answers it as
an error: each refusal is counted as KeysRefused, so alarms can tell it from a failure.
"""

import os

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)

from oms.access import resource_pattern, routes_for
from oms.api_keys import principal_for_key

KEYS_PATH = os.environ["OMS_API_KEYS_PATH"]
# A rotated or revoked key takes effect within this long (plus API Gateway's cache).
REGISTRY_MAX_AGE_SECONDS = 60

logger = Logger()
# Its own metric set: Metrics() instances share one, and the local stack runs all functions in one process.
metrics = EphemeralMetrics()


# log_metrics flushes in a `finally`, so the count of a refusal is written though the handler raises.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def handler(event: APIGatewayAuthorizerRequestEvent, context) -> dict:
    registry = parameters.get_parameters(KEYS_PATH, max_age=REGISTRY_MAX_AGE_SECONDS, decrypt=True)
    principal = principal_for_key(event.headers.get("x-api-key"), registry)  # headers are case-insensitive here
    if principal is None:
        logger.info("unknown api key", extra={"path": event.path})
        metrics.add_metric(name="KeysRefused", unit=MetricUnit.Count, value=1)
        raise PermissionError("Unauthorized")  # the message API Gateway turns into a 401
    arn = event.parsed_arn
    response = APIGatewayAuthorizerResponse(
        principal_id=principal.name,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context=principal.model_dump(exclude_none=True),
    )
    # The verdict is cached per key across routes, so it lists every route this kind of
    # principal may call; API Gateway refuses the rest with a 403.
    routes = routes_for(principal.kind)
    for method, resource in routes:
        response.allow_route(method, resource_pattern(resource))
    if not routes:  # a valid key of a kind no route serves yet
        response.deny_all_routes()
    logger.info("authorised", extra={"principal": principal.name})
    return response.asdict()
