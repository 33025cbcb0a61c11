"""AWS clients for the local stack's moto that work on a machine with no AWS set up: moto takes
any credentials and region, and fixed ones keep a developer's real profile out of it."""

from __future__ import annotations

from typing import Any

import boto3

from infra.local.template import REGION


def local_client(service: str, endpoint_url: str | None = None) -> Any:
    """`endpoint_url`, else AWS_ENDPOINT_URL as botocore reads it (the stack's moto)."""
    return boto3.client(service, endpoint_url=endpoint_url, region_name=REGION,
                        aws_access_key_id="local", aws_secret_access_key="local", aws_session_token="local")
