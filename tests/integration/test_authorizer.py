"""The API key authorizer: a key from SSM becomes a principal; anything else is a 401."""

from __future__ import annotations

import pytest

from infra.local.emf_totals import MetricKey, metric_totals
from infra.local.seed import ADMIN_KEY, channel_key, local_credentials
from oms.access import resource_pattern, routes_for
from tests.factories import authorizer_request


@pytest.fixture
def authorizer(deployed):
    return deployed.function("AuthorizerFunction").invoke


API = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev"


def policy_for(kind: str) -> set[str]:
    return {f"{API}/{method}{resource_pattern(resource)}" for method, resource in routes_for(kind)}


def allowed(verdict: dict) -> set[str]:
    return {resource for statement in verdict["policyDocument"]["Statement"] if statement["Effect"] == "Allow"
            for resource in statement["Resource"]}


def test_a_channel_key_becomes_that_channel_allowed_only_the_channel_routes(authorizer):
    verdict = authorizer(authorizer_request(channel_key("shopify")))

    assert verdict["principalId"] == "channel:shopify"
    assert verdict["context"] == {"kind": "channel", "channel": "shopify"}
    assert allowed(verdict) == policy_for("channel")
    assert f"{API}/POST/orders" in allowed(verdict) and f"{API}/GET/orders/*" in allowed(verdict)


def test_the_admin_key_becomes_the_admin_allowed_only_the_admin_routes(authorizer):
    verdict = authorizer(authorizer_request(ADMIN_KEY))

    assert verdict["context"] == {"kind": "admin"}
    assert allowed(verdict) == policy_for("admin")
    assert f"{API}/POST/orders" not in allowed(verdict)


def test_the_header_name_is_case_insensitive(authorizer):
    event = authorizer_request(None)
    event["headers"]["X-Api-Key"] = channel_key("web")

    assert authorizer(event)["principalId"] == "channel:web"


@pytest.mark.parametrize("key", [None, "", "local-web-key ", "not-a-key"])
def test_a_missing_or_unknown_key_is_unauthorized(authorizer, key):
    with pytest.raises(PermissionError, match="^Unauthorized$"):
        authorizer(authorizer_request(key))


def test_keys_are_stored_as_digests_only(deployed, authorizer):
    keys_path = deployed.environment("AuthorizerFunction")["OMS_API_KEYS_PATH"]
    pages = deployed.client("ssm").get_paginator("get_parameters_by_path").paginate(Path=keys_path, WithDecryption=True)
    stored = [parameter for page in pages for parameter in page["Parameters"]]

    assert len(stored) == len(local_credentials())
    assert all(p["Type"] == "SecureString" for p in stored)
    assert not any("local-" in p["Name"] or "local-" in p["Value"] for p in stored)


def keys_refused(printed: str) -> dict[MetricKey, float]:
    return {key: total for key, total in metric_totals(printed.splitlines()).items() if key.name == "KeysRefused"}


def test_a_refusal_is_counted_as_keys_refused_and_still_raises(authorizer, capsys):
    capsys.readouterr()
    with pytest.raises(PermissionError, match="^Unauthorized$"):
        authorizer(authorizer_request("not-a-key"))

    refused = MetricKey("KeysRefused", "OMS", (("service", "authorizer"),), "Count")
    assert keys_refused(capsys.readouterr().out) == {refused: 1}


def test_a_granted_key_is_not_counted_as_refused(authorizer, capsys):
    capsys.readouterr()
    authorizer(authorizer_request(channel_key("web")))

    assert keys_refused(capsys.readouterr().out) == {}
