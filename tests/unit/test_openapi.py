"""The API's contract (openapi.json): valid OpenAPI 3.1, current, complete, and its examples
ones the API takes."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from infra.local.template import load_yaml
from infra.openapi import OUTPUTS, ROOT, TEMPLATE, document, render
from oms.access import PUBLIC, ROUTES, SIGNED_BY_SENDER
from oms_http import Refusal, problem
from oms_http.inputs import INPUTS

KEPT = ROOT / "openapi.json"
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def kept() -> dict:
    return json.loads(KEPT.read_text(encoding="utf-8"))


def operations(contract: dict) -> dict[tuple[str, str], dict]:
    return {(method.upper(), path): operation for path, item in contract["paths"].items()
            for method, operation in item.items() if method in METHODS}


def validator(contract: dict, schema: dict) -> Draft202012Validator:
    """The schema with the document's components beside it, where its references point."""
    return Draft202012Validator({**schema, "components": contract["components"]})


def test_the_kept_document_is_valid_openapi_3_1(kept):
    assert kept["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(kept).validate()


def test_every_kept_copy_is_what_the_code_declares_now():
    generated = render(document())
    for path in OUTPUTS:
        assert path.read_text(encoding="utf-8") == generated, (
            f"{path.relative_to(ROOT)} is out of date: run python -m infra.openapi")


def test_the_document_has_every_route_the_template_declares_and_no_other(kept):
    declared = {(event["Properties"]["Method"].upper(), event["Properties"]["Path"])
                for resource in load_yaml(TEMPLATE)["Resources"].values()
                if resource["Type"] == "AWS::Serverless::Function"
                for event in resource["Properties"].get("Events", {}).values() if event["Type"] == "Api"}
    assert set(operations(kept)) == declared


def test_each_operation_names_who_may_call_it(kept):
    for route, operation in operations(kept).items():
        assert operation["x-oms-principals"] == sorted(ROUTES.get(route, ())), route
        keyless = route in SIGNED_BY_SENDER | PUBLIC
        assert (operation.get("security") == []) == keyless, route
        assert keyless or operation["description"].startswith(f"Principals: {', '.join(sorted(ROUTES[route]))} "), route
    scheme = kept["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "x-api-key")
    assert kept["security"] == [{"apiKey": []}]


def test_every_operation_has_an_example(kept):
    for route, operation in operations(kept).items():
        bodies = [operation.get("requestBody", {}).get("content", {}).get("application/json", {})]
        bodies += [answer.get("content", {}).get("application/json", {}) for answer in operation["responses"].values()]
        assert any(body.get("examples") for body in bodies), route


def test_each_request_example_validates_against_its_request_schema(kept):
    for route, operation in operations(kept).items():
        if "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        assert content["examples"], route
        for name, example in content["examples"].items():
            errors = [error.message for error in validator(kept, content["schema"]).iter_errors(example["value"])]
            assert errors == [], (route, name)


def test_each_answer_example_validates_against_the_answers_model(kept):
    for route, operation in operations(kept).items():
        for status, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items() if "schema" in content else ():
                errors = [error.message for error in validator(kept, content["schema"]).iter_errors(example["value"])]
                assert errors == [], (route, status, name)


def test_a_channels_own_format_has_an_example_per_channel(kept):
    from oms.channels import NATIVE_FORMATS

    examples = kept["paths"]["/channels/{channel}/orders"]["post"]["requestBody"]["content"]["application/json"]
    assert NATIVE_FORMATS <= set(examples["examples"])


def test_every_declared_input_is_of_a_route_that_exists():
    assert set(INPUTS) <= set(ROUTES) | SIGNED_BY_SENDER | PUBLIC


def test_the_refusal_schema_is_what_a_refusal_answers():
    answered = problem(409, "it changed", [{"field": "lines.0.quantity", "problem": "too many"}], order_id="ord_1")
    assert Refusal.model_validate(answered.body).model_dump(exclude_none=True) == answered.body
