"""The HTTP edge every API function shares: who is calling, and how a refusal is answered.

`Api` is a Chalice app whose routes are guarded and answered alike: a caller whose key may
not call the route gets 403 before the view runs; a view raises what stops it (a body or
query that does not validate, an oms NotFound, NotYours or Conflict, a Problem of its own)
and gets the same JSON answer everywhere:

    {"message": ..., "errors": [{"field": ..., "problem": ...}]}

It lives beside `oms` in the layer, not in it: `oms` knows no HTTP.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from oms.access import caller
from oms.errors import Conflict, NotFound, NotYours
from oms.json_body import BodyRejected, parse_json_object
from oms.models import field_errors
from oms.principals import Principal

Model = TypeVar("Model", bound=BaseModel)


class Problem(Exception):
    """A refusal a view decides on itself, answered as it says."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.errors, self.extra = status, message, errors, extra


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

    def route(self, path: str, **kwargs: Any) -> Callable:
        register = super().route(path, **kwargs)

        def decorator(view: Callable) -> Callable:
            @functools.wraps(view)
            def guarded(*args: Any, **view_kwargs: Any) -> Any:
                self.principal = caller(self.current_request.context)
                if self.principal is None:
                    return problem(403, "this key may not call this route")
                try:
                    return view(*args, **view_kwargs)
                except Exception as error:
                    answer = answer_for(error)
                    if answer is None:
                        raise
                    return answer

            register(guarded)
            return view

        return decorator

    def body(self, model: type[Model], optional: bool = False) -> Model:
        """The request body as `model`; an absent body is `{}` when `optional`."""
        raw = self.current_request.raw_body
        return model.model_validate({} if optional and not raw else parse_json_object(raw))

    def query(self, model: type[Model]) -> Model:
        try:
            return model.model_validate(self.current_request.query_params or {})
        except ValidationError as error:
            raise Problem(400, "query is invalid", field_errors(error)) from None
