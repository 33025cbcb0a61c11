"""DynamoDB requests per accepted order and per duplicate post, counted with botocore events."""

from __future__ import annotations

from collections import Counter

import boto3
from moto import mock_aws

from infra.local.invoke import LocalLambda
from infra.local.resources import LocalResources
from infra.local.template import Template
from tests.bench.figures import Figure
from tests.factories import api_event, channel_principal, unique_order_payload

ORDERS = 50


def figures(template_path) -> list[Figure]:
    calls: Counter = Counter()
    with mock_aws():
        # Clients copy their session's event hooks when created, so register before the handler loads.
        boto3.setup_default_session(region_name="us-east-1")
        boto3.DEFAULT_SESSION.events.register(
            "before-call.dynamodb", lambda model, **_: calls.update([model.name])
        )
        template = Template(template_path)
        intrinsics = LocalResources(template).create_all()
        function = template.function("IntakeFunction")
        intake = LocalLambda(function, function.environment(intrinsics))
        payloads = [unique_order_payload() for _ in range(ORDERS)]

        calls.clear()
        for payload in payloads:
            assert intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))["statusCode"] == 201
        accepted = dict(calls)

        calls.clear()
        for payload in payloads:
            assert intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))["statusCode"] == 200
        duplicate = dict(calls)
    boto3.DEFAULT_SESSION = None
    return [
        Figure("ddb_requests_per_order", sum(accepted.values()) / ORDERS, "requests", "1",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(accepted.items()))),
        Figure("ddb_requests_per_duplicate", sum(duplicate.values()) / ORDERS, "requests", "",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(duplicate.items()))),
    ]
