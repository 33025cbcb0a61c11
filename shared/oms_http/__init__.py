"""The HTTP edge every API function shares: who is calling, and how a refusal is answered.

`Api` is a Chalice app whose routes are guarded and answered alike: a caller whose key may
not call the route gets 403 before the view runs; a view raises what stops it (a body or
query that does not validate, an oms NotFound, NotYours or Conflict, a Problem of its own)
and gets the same JSON answer everywhere (a `Refusal`):

    {"message": ..., "errors": [{"field": ..., "problem": ...}]}

A view validates its body and query with the models `oms_http.inputs` declares for its route,
the same the API's contract describes.

A POST with an `Idempotency-Key` header is answered once: the same key and body from the same
caller get the first answer again, without running the view; the same key with another body is
422. powertools idempotency keeps the answers (24 hours) in the function's OMS_IDEMPOTENCY_TABLE.

It lives beside `oms` in the layer, not in it: `oms` knows no HTTP.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from oms.access import caller
from oms.errors import Conflict, NotFound, NotYours
from oms.json_body import BodyRejected, parse_json_object
from oms.models import field_errors
from oms.principals import Principal
from oms_http.inputs import NO_INPUTS, Inputs, inputs_of

IDEMPOTENCY_HEADER = "idempotency-key"
_ANSWERS_KEPT_SECONDS = 24 * 3600


class Problem(Exception):
    """A refusal a view decides on itself, answered as it says."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.errors, self.extra = status, message, errors, extra


class FieldProblem(BaseModel):
    field: str  # a dotted path into the body or query, or a header's name
    problem: str


class Refusal(BaseModel):
    """Every refusal's body; some add what the caller needs next (the `order_id` of a conflict)."""

    model_config = ConfigDict(extra="allow")

    message: str
    errors: list[FieldProblem] | None = None


def problem(status: int, message: str, errors: list[dict] | None = None, **extra: Any) -> Response:
    body = {"message": message, **extra}
    if errors:
        body["errors"] = errors
    return Response(body=body, status_code=status)


def answer_for(error: Exception) -> Response | None:
    """The answer to what stopped a view; None for a fault, which stays a 500."""
    match error:
        case Problem():
            return problem(error.status, error.message, error.errors, **error.extra)
        case BodyRejected():
            return problem(error.status, error.message, error.errors)
        case ValidationError():
            return problem(422, "request is invalid", field_errors(error))
        case NotFound():
            return problem(404, str(error) or "not found")
        case NotYours():
            return problem(403, str(error) or "this key may not touch it")
        case Conflict():
            return problem(409, str(error) or "it changed meanwhile; read it and try again")
    return None


class Api(Chalice):
    """A Chalice app with the edge built into every route."""

    def __init__(self, app_name: str):
        super().__init__(app_name=app_name)
        self.principal: Principal | None = None  # who calls the route running now
        self.inputs: Inputs = NO_INPUTS  # what the route running now validates
        # Read with the rest of the function's settings, when its module loads.
        self._answers_table = os.environ.get("OMS_IDEMPOTENCY_TABLE")

    def route(self, path: str, signed_by_sender: bool = False, public: bool = False, **kwargs: Any) -> Callable:
        """`signed_by_sender`: a route in `oms.access.SIGNED_BY_SENDER`, whose view checks the
        sender's own proof instead of a key; `public`: one in `oms.access.PUBLIC`, open to anyone."""
        register = super().route(path, **kwargs)
        keyless = signed_by_sender or public

        def decorator(view: Callable) -> Callable:
            @functools.wraps(view)
            def guarded(*args: Any, **view_kwargs: Any) -> Any:
                self.inputs = inputs_of(self.current_request.method, path)
                self.principal = None if keyless else caller(self.current_request.context)
                if keyless:
                    return self._answered(view, args, view_kwargs)
                if self.principal is None:
                    return problem(403, "this key may not call this route")
                key = (self.current_request.headers or {}).get(IDEMPOTENCY_HEADER)
                if key is not None and self.current_request.method == "POST":
                    return self._once(key, lambda: self._answered(view, args, view_kwargs))
                return self._answered(view, args, view_kwargs)

            register(guarded)
            return view

        return decorator

    def _answered(self, view: Callable, args: tuple, view_kwargs: dict) -> Response:
        try:
            return view(*args, **view_kwargs)
        except Exception as error:
            answer = answer_for(error)
            if answer is None:
                raise
            return answer

    def _once(self, key: str, answer: Callable[[], Response]) -> Response:
        """The first answer to this caller's key for this request, kept; the view runs only once."""
        if not 1 <= len(key) <= 255:
            return problem(400, "Idempotency-Key is invalid", [{"field": "Idempotency-Key",
                                                                "problem": "1 to 255 characters"}])
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        if self._answers_table is None:
            return problem(400, "this route takes no Idempotency-Key")
        request = self.current_request
        scope = {"key": f"{self.principal.name} {request.method} {request.context.get('resourcePath')} "
                        f"{request.context.get('path')} {key}",
                 "body": (request.raw_body or b"").decode(errors="replace")}
        if self.lambda_context is not None:  # an answer still being made expires with this invocation
            _idempotency(self._answers_table)[1].register_lambda_context(self.lambda_context)
        try:
            kept = _idempotent(answer, self._answers_table)(request=scope)
        except IdempotencyValidationError:
            return problem(422, "this Idempotency-Key was used with another request",
                           [{"field": "Idempotency-Key", "problem": "already used with a different body"}])
        except IdempotencyAlreadyInProgressError:
            return problem(409, "a request with this Idempotency-Key is still being answered; try again shortly")
        return Response(body=kept["body"], status_code=kept["status"], headers=kept["headers"])

    def body(self) -> Any:
        """The request body as the route's body model; an absent body is `{}` where it is optional."""
        raw = self.current_request.raw_body
        return self.inputs.body.model_validate({} if self.inputs.body_optional and not raw else parse_json_object(raw))

    def query(self) -> Any:
        """The query string as the route's query model."""
        try:
            return self.inputs.query.model_validate(self.current_request.query_params or {})
        except ValidationError as error:
            raise Problem(400, "query is invalid", field_errors(error)) from None


def signing_secrets(path: str) -> list[str]:
    """A sender's current signing secrets in SSM (a JSON list: two during a rotation), cached for
    five minutes; none when the parameter is missing, so nothing verifies."""
    from aws_lambda_powertools.utilities import parameters

    try:
        secrets = parameters.get_parameter(path, decrypt=True, transform="json", max_age=300)
    except parameters.exceptions.GetParameterError:
        return []
    return [secrets] if isinstance(secrets, str) else list(secrets)


def _idempotent(answer: Callable[[], Response], table: str) -> Callable[..., dict]:
    """`answer` run under powertools idempotency: its response kept, replayed for the same key and body."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    def run(request: dict) -> dict:
        response = answer()
        body = response.body if isinstance(response.body, (str, bytes)) else json.loads(json.dumps(response.body,
                                                                                                 default=str))
        return {"status": response.status_code, "body": body, "headers": dict(response.headers or {})}

    persistence, config = _idempotency(table)
    return idempotent_function(run, data_keyword_argument="request", persistence_store=persistence, config=config,
                               key_prefix="oms-http")


@functools.cache
def _idempotency(table: str):
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

    return (DynamoDBPersistenceLayer(table_name=table),
            IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body",
                              expires_after_seconds=_ANSWERS_KEPT_SECONDS))
