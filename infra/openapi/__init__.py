"""The HTTP API's OpenAPI 3.1 contract, built from what the code already declares.

Routes and who may call them come from `oms.access`; what each validates from
`oms_http.inputs`, as JSON Schema pydantic makes of those models; operation ids from the event
names template.yaml gives the routes. What a view answers cannot be read off the code, so
`answers` says it, naming the model where the view dumps one. `python -m infra.openapi` writes
the document; `--check` tells whether the checked-in one is current.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from infra.local.template import Template
from infra.openapi import examples
from infra.openapi.answers import OPERATIONS, Operation
from oms.access import PUBLIC, ROUTES, SIGNED_BY_SENDER
from oms.json_body import MAX_BODY_BYTES
from oms_http import IDEMPOTENCY_HEADER, Refusal
from oms_http.inputs import inputs_of
from oms_http.openapi import DOCUMENT as SERVED_DOCUMENT

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
# Where the document is kept: the repository's root for readers, the layer for GET /openapi.json.
OUTPUTS = (ROOT / "openapi.json", SERVED_DOCUMENT)
TITLE = "Order Management System API"
SCHEMA_REF = "#/components/schemas/{model}"
API_KEY = "apiKey"

# Routes whose body is a sender's own format: read by the view itself, never one model.
NATIVE_BODIES = {
    ("POST", "/channels/{channel}/orders"): "The channel's own order, refund or notification, as it sends it; "
                                            "one example per channel.",
    ("POST", "/carriers/{provider}/events"): "The provider's own tracking push, as it sends it; "
                                             "one example per provider.",
}

_DESCRIPTION = f"""\
Every route but a few needs an API key, sent as `x-api-key`; each operation names the kinds of
key that may call it (`x-oms-principals`). A refusal is answered alike everywhere:
`{{"message": ..., "errors": [{{"field": ..., "problem": ...}}]}}`.

A POST may carry an `{IDEMPOTENCY_HEADER.title()}`: the same key and body from the same caller get
the first answer again, for 24 hours, without the request being applied twice."""


def all_routes() -> list[tuple[str, str]]:
    return sorted(set(ROUTES) | SIGNED_BY_SENDER | PUBLIC, key=lambda route: (route[1], route[0]))


def document() -> dict:
    routes = all_routes()
    undescribed = set(routes) ^ set(OPERATIONS)
    if undescribed:
        raise LookupError(f"infra/openapi/answers.py and oms.access disagree on {sorted(undescribed)}")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    schemas, refs = _schemas(routes)
    requests, answers = examples.requests(), examples.answers(TITLE, version)
    operation_ids = _operation_ids()
    paths: dict[str, dict] = {}
    for route in routes:
        operation = _operation(route, OPERATIONS[route], refs, schemas, requests.get(route), answers[route])
        paths.setdefault(route[1], {})[route[0].lower()] = {"operationId": operation_ids[route], **operation}
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": version, "description": _DESCRIPTION},
        "servers": [
            {"url": "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}", "description": "deployed",
             "variables": {"api_id": {"default": "abcdef1234"}, "region": {"default": "us-east-1"},
                           "stage": {"default": Template(TEMPLATE).parameters["Stage"]}}},
            {"url": "http://127.0.0.1:3000", "description": "oms local"},
        ],
        "security": [{API_KEY: []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {API_KEY: {"type": "apiKey", "in": "header", "name": "x-api-key",
                                          "description": "A key `oms keys` issued, of one principal kind."}},
        },
    }


def render(contract: dict) -> str:
    return json.dumps(contract, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _schemas(routes: list[tuple[str, str]]) -> tuple[dict, dict]:
    """Every model's JSON Schema, as components; and the reference to each (model, mode)."""
    wanted: set[tuple[type[BaseModel], str]] = {(Refusal, "serialization")}
    for method, resource in routes:
        inputs = inputs_of(method, resource)
        wanted |= {(model, "validation") for model in (inputs.body, inputs.query) if model}
        wanted |= {(answer.model, "serialization") for answer in OPERATIONS[(method, resource)].answers.values()
                   if answer.model}
    ordered = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, schema = models_json_schema(ordered, ref_template=SCHEMA_REF)
    return schema["$defs"], refs


def _operation_ids() -> dict[tuple[str, str], str]:
    """The name template.yaml gives each route's event, which its logs and metrics know it by."""
    return {(event.properties["Method"].upper(), event.properties["Path"]): event.name
            for function in Template(TEMPLATE).functions() for event in function.events_of("Api")}


def _operation(route: tuple[str, str], operation: Operation, refs: dict, schemas: dict,
               request_examples: dict | None, answer_example: tuple[int, dict]) -> dict[str, Any]:
    method, resource = route
    inputs = inputs_of(method, resource)
    keyed = route in ROUTES
    idempotent = keyed and method == "POST"
    refusals = {status: [why] for status, why in operation.refusals.items()}

    def refused(status: int, why: str) -> None:
        refusals.setdefault(status, []).append(why)

    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                   "example": examples.PATH_PARAMETERS[name]} for name in re.findall(r"{(\w+)}", resource)]
    if inputs.query:
        query = schemas[refs[(inputs.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        parameters += [{"name": name, "in": "query", "required": name in query.get("required", []),
                        "schema": schema} for name, schema in sorted(query["properties"].items())]
        refused(400, "the query does not validate: `errors` name each parameter")
    if idempotent:
        parameters.append({"name": IDEMPOTENCY_HEADER.title(), "in": "header", "required": False,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                           "description": "Answers the same key and body from this caller once; a retry gets "
                                          "the first answer."})
        refused(400, "the Idempotency-Key is not 1 to 255 characters")
        refused(409, "a request with this Idempotency-Key is still being answered; try again shortly")
        refused(422, "this Idempotency-Key was used with another body")

    tag = resource.strip("/").split("/")[0].removesuffix(".json")
    result: dict[str, Any] = {"summary": operation.summary, "tags": [tag], "description": _who_may_call(route),
                              "x-oms-principals": sorted(ROUTES.get(route, ()))}
    if not keyed:
        result["security"] = []
    else:
        refused(401, "missing or unknown x-api-key")
        refused(403, "this key may not call this route")
    if parameters:
        result["parameters"] = parameters
    if inputs.body or route in NATIVE_BODIES:
        schema = refs[(inputs.body, "validation")] if inputs.body else {"type": "object"}
        result["requestBody"] = {
            "required": not inputs.body_optional,
            "description": NATIVE_BODIES.get(route, "A JSON object." if not inputs.body_optional
                                              else "A JSON object; it may be left out."),
            "content": {"application/json": {"schema": schema, "examples": request_examples}},
        }
        refused(400, "the body is not valid JSON, or is nested too deeply")
        refused(413, f"the body is over {MAX_BODY_BYTES // 1024} KiB")
        refused(422, "the body does not validate: `errors` name each field")
    result["responses"] = _responses(operation, refs, answer_example, refusals)
    return result


def _responses(operation: Operation, refs: dict, answer_example: tuple[int, dict],
               refusals: dict[int, list[str]]) -> dict[str, dict]:
    responses = {}
    for status, answer in operation.answers.items():
        content = {"schema": refs[(answer.model, "serialization")]} if answer.model else {}
        if status == answer_example[0]:
            content["examples"] = answer_example[1]
        responses[str(status)] = {"description": answer.description, "content": {"application/json": content}}
    refusal = {"schema": refs[(Refusal, "serialization")]}
    for status, reasons in refusals.items():
        responses[str(status)] = {"description": "; ".join(reasons), "content": {"application/json": refusal}}
    return responses


def _who_may_call(route: tuple[str, str]) -> str:
    if route in SIGNED_BY_SENDER:
        return ("No API key: the sender cannot send one. Only a request carrying the provider's own proof "
                "(an HMAC of the body, a token on the URL or a credential header) is admitted.")
    if route in PUBLIC:
        return "No API key: anyone may read it."
    return f"Principals: {', '.join(sorted(ROUTES[route]))} (an API key of one of these kinds)."
