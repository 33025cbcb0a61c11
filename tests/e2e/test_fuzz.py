"""The API contract fuzzed on the local stack with schemathesis: every route, with each kind of
key and with none, must answer within the contract and never with a 5xx, and what the
requests wrote must leave no table broken.

OMS_FUZZ_EXAMPLES sets how many requests schemathesis makes per route and key (`make fuzz`
makes more); the total, and the 5xx among them, are the figures fuzz_requests and fuzz_5xx.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infra.local.seed import ADMIN_KEY, CHAT_KEY
from tests.bench.figures import Figure, record
from tests.e2e.conftest import free_port, start_local_stack, stop_local_stack
from tests.soak import check_local_tables

ROOT = Path(__file__).resolve().parents[2]
# Each route's schemathesis coverage phase asks many requests whatever this is: 2 makes about 13,000.
EXAMPLES = int(os.environ.get("OMS_FUZZ_EXAMPLES", "1"))
KEYS = {"channel": "local-web-key", "admin": ADMIN_KEY, "location": "local-wh-reno-key", "chat": CHAT_KEY,
        "unknown": "not-a-key"}
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_path(ROOT / "openapi.json")
answered: Counter = Counter()  # status code -> requests


@pytest.fixture(scope="module")
def fuzzed():
    moto_port = free_port()
    stack = start_local_stack(OMS_MOTO_PORT=str(moto_port))
    yield stack, f"http://127.0.0.1:{moto_port}"
    stop_local_stack(stack)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KEYS)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_answers_within_its_contract_and_never_a_5xx(case, kind, fuzzed):
    stack, _ = fuzzed
    headers = {"x-api-key": KEYS[kind]}
    response = case.call(base_url=stack.url, headers=headers, timeout=30)
    answered[response.status_code] += 1
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.e2e
def test_after_the_fuzzing_no_table_is_broken_and_enough_was_asked(fuzzed):
    _, moto_url = fuzzed
    report = check_local_tables(moto_url)
    requests, failed = answered.total(), sum(n for code, n in answered.items() if code >= 500)
    print(f"fuzz_requests {requests}, fuzz_5xx {failed}, answers {dict(sorted(answered.items()))}")
    if os.environ.get("OMS_FUZZ_RECORD"):  # make fuzz
        record([Figure("fuzz_requests", requests, "requests", ">= 1000"), Figure("fuzz_5xx", failed, "requests", "0")])

    assert report["violations"] == []
    assert failed == 0
    assert requests >= 1000
