"""A local API Gateway (REST API, Lambda proxy integration) for every `Api` event of template.yaml.

It does what API Gateway does before and after a handler runs: matches the route,
runs the Lambda REQUEST authorizer (caching its verdict per identity for
ReauthorizeEvery seconds and evaluating the returned policy), builds the proxy event,
and turns the proxy response, or a failure, into HTTP, using the template's
GatewayResponses where it declares them.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.faults import ProcessDied
from infra.local.invoke import InstancePool
from infra.local.template import ACCOUNT_ID, REGION, Intrinsics, LocalFunction, Template

# API Gateway's own limit on a request payload.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
_API_ID = "local"


@dataclass(frozen=True)
class Authorizer:
    name: str
    function: LocalFunction
    identity_headers: tuple[str, ...]
    ttl_seconds: int


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    function: LocalFunction
    authorizer: Authorizer | None
    stage: str

    @property
    def pattern(self) -> re.Pattern:
        parts = []
        for segment in self.resource.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("+}"):
                parts.append(f"(?P<{segment[1:-2]}>.+)")
            elif segment.startswith("{") and segment.endswith("}"):
                parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                parts.append(re.escape(segment))
        return re.compile("^/" + "/".join(parts) + "$")

    @property
    def specificity(self) -> tuple[int, int]:
        """API Gateway prefers literal segments over parameters, and parameters over greedy ones."""
        segments = self.resource.strip("/").split("/")
        return (sum(not s.startswith("{") for s in segments), -sum(s.endswith("+}") for s in segments))


class GatewayResponses:
    """The template's GatewayResponses, with API Gateway's defaults behind them."""

    _DEFAULTS = {
        "UNAUTHORIZED": (401, {"message": "Unauthorized"}),
        "ACCESS_DENIED": (403, {"message": "User is not authorized to access this resource"}),
        "MISSING_AUTHENTICATION_TOKEN": (403, {"message": "Missing Authentication Token"}),
        "AUTHORIZER_FAILURE": (500, {"message": None}),
        "REQUEST_TOO_LARGE": (413, {"message": "Request Too Long"}),
        "INTEGRATION_FAILURE": (502, {"message": "Internal server error"}),
    }

    def __init__(self, declared: dict[str, Any]):
        self._declared = declared

    def render(self, kind: str) -> tuple[int, bytes]:
        status, body = self._DEFAULTS[kind]
        declared = self._declared.get(kind, {})
        status = int(declared.get("StatusCode", status))
        template = declared.get("ResponseTemplates", {}).get("application/json")
        return status, (template.encode() if template else json.dumps(body).encode())


def _api_logical_id(event_properties: dict) -> str | None:
    rest_api = event_properties.get("RestApiId")
    return rest_api.get("Ref") if isinstance(rest_api, dict) else None


def _function_logical_id(function_arn: Any) -> str:
    if isinstance(function_arn, dict) and "Fn::GetAtt" in function_arn:
        return function_arn["Fn::GetAtt"][0]
    raise ValueError(f"authorizer FunctionArn must be !GetAtt <Function>.Arn, got {function_arn!r}")


def routes_from(template: Template, intrinsics: Intrinsics) -> tuple[list[Route], GatewayResponses]:
    functions = {function.logical_id: function for function in template.functions()}
    apis = template.resources_of("AWS::Serverless::Api")
    routes, responses = [], {}
    for function in functions.values():
        for event in function.events_of("Api"):
            api_id = _api_logical_id(event.properties)
            api = apis.get(api_id, {}) if api_id else {}
            responses.update(api.get("GatewayResponses", {}))
            routes.append(
                Route(
                    method=event.properties["Method"].upper(),
                    resource=event.properties["Path"],
                    function=function,
                    authorizer=_authorizer_for(event.properties, api, functions, intrinsics),
                    stage=str(intrinsics.resolve(api.get("StageName", "Prod"))),
                )
            )
    routes.sort(key=lambda route: route.specificity, reverse=True)
    return routes, GatewayResponses(responses)


def _authorizer_for(
    event_properties: dict, api: dict, functions: dict[str, LocalFunction], intrinsics: Intrinsics
) -> Authorizer | None:
    auth = api.get("Auth", {})
    name = event_properties.get("Auth", {}).get("Authorizer", auth.get("DefaultAuthorizer"))
    if name in (None, "NONE", "AWS_IAM"):
        return None
    spec = auth["Authorizers"][name]
    if spec.get("FunctionPayloadType", "TOKEN") != "REQUEST":
        raise ValueError(f"authorizer {name}: the local gateway runs REQUEST authorizers only")
    identity = spec.get("Identity", {})
    return Authorizer(
        name=name,
        function=functions[_function_logical_id(spec["FunctionArn"])],
        identity_headers=tuple(header.lower() for header in identity.get("Headers", [])),
        ttl_seconds=int(intrinsics.resolve(identity.get("ReauthorizeEvery", 300))),
    )


def _policy_allows(policy: dict, method_arn: str) -> bool:
    """IAM evaluation as API Gateway applies it: an explicit Deny wins, else an Allow is needed."""
    allowed = False
    for statement in policy.get("Statement", []):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", action) for action in actions):
            continue
        if not any(fnmatch.fnmatchcase(method_arn, resource) for resource in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class _Verdict:
    def __init__(self, failure: str | None = None, context: dict | None = None, policy: dict | None = None):
        self.failure, self.context, self.policy = failure, context or {}, policy or {}


class LocalGateway:
    """Routes HTTP requests to the template's handlers, as API Gateway would."""

    def __init__(self, template: Template, intrinsics: Intrinsics, max_instances: int = 4, log: Callable = print):
        self.routes, self.responses = routes_from(template, intrinsics)
        self._intrinsics = intrinsics
        self.pools: dict[str, InstancePool] = {}
        self._max_instances = max_instances
        self._verdicts: dict[tuple, tuple[float, _Verdict]] = {}
        self._verdicts_lock = threading.Lock()
        self._pools_lock = threading.Lock()
        self._log = log

    def pool(self, function: LocalFunction) -> InstancePool:
        with self._pools_lock:
            if function.logical_id not in self.pools:
                environment = function.environment(self._intrinsics)
                self.pools[function.logical_id] = InstancePool(function, environment, self._max_instances)
            return self.pools[function.logical_id]

    def handle(self, method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        if len(body) > MAX_PAYLOAD_BYTES:
            return self._gateway_response("REQUEST_TOO_LARGE")
        url = urlsplit(raw_path)
        route, path_parameters = self._match(method, url.path)
        if route is None:
            return self._gateway_response("MISSING_AUTHENTICATION_TOKEN")
        event = _proxy_event(route, url.path, url.query, headers, body, path_parameters)
        if route.authorizer:
            method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{_API_ID}/{route.stage}/{route.method}{url.path}"
            verdict = self._authorize(route.authorizer, event, method_arn)
            if verdict.failure:
                return self._gateway_response(verdict.failure)
            event["requestContext"]["authorizer"] = verdict.context
        try:
            result = self.pool(route.function).invoke(event)
        except (Exception, ProcessDied) as error:  # noqa: BLE001 - a Lambda error is API Gateway's 502
            self._log(f"{route.function.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
            return self._gateway_response("INTEGRATION_FAILURE")
        return _http_response(result)

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            if route.method not in (method.upper(), "ANY"):
                continue
            if match := route.pattern.match(path):
                return route, match.groupdict()
        return None, {}

    def _gateway_response(self, kind: str) -> tuple[int, list[tuple[str, str]], bytes]:
        status, body = self.responses.render(kind)
        return status, [("Content-Type", "application/json")], body

    def _authorize(self, authorizer: Authorizer, event: dict, method_arn: str) -> _Verdict:
        headers = {name.lower(): value for name, value in event["headers"].items()}
        identity = tuple(headers.get(name) for name in authorizer.identity_headers)
        if any(not value for value in identity):
            return _Verdict("UNAUTHORIZED")  # API Gateway answers without calling the authorizer
        cache_key = (authorizer.name, identity)
        with self._verdicts_lock:
            cached = self._verdicts.get(cache_key)
        if cached and cached[0] > time.monotonic():
            verdict = cached[1]
        else:
            verdict = self._call_authorizer(authorizer, event, method_arn)
            if authorizer.ttl_seconds and verdict.failure != "AUTHORIZER_FAILURE":
                with self._verdicts_lock:
                    self._verdicts[cache_key] = (time.monotonic() + authorizer.ttl_seconds, verdict)
        if verdict.failure:
            return verdict
        if not _policy_allows(verdict.policy, method_arn):
            return _Verdict("ACCESS_DENIED")
        return verdict

    def _call_authorizer(self, authorizer: Authorizer, event: dict, method_arn: str) -> _Verdict:
        request = {key: value for key, value in event.items() if key not in ("body", "isBase64Encoded")}
        request.update(type="REQUEST", methodArn=method_arn)
        try:
            result = self.pool(authorizer.function).invoke(request)
        except Exception as error:  # noqa: BLE001 - the authorizer's error decides the answer
            if str(error) == "Unauthorized":
                return _Verdict("UNAUTHORIZED")
            self._log(f"authorizer {authorizer.name} failed: {type(error).__name__}", file=sys.stderr)
            return _Verdict("AUTHORIZER_FAILURE")
        context = {key: str(value) for key, value in (result.get("context") or {}).items()}
        context["principalId"] = result.get("principalId", "")
        return _Verdict(context=context, policy=result.get("policyDocument", {}))

    def serve(self, host: str = "127.0.0.1", port: int = 3000) -> ThreadingHTTPServer:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, a keep-alive client's
            # delayed ACK holds the body back ~40 ms per response.
            disable_nagle_algorithm = True

            def _respond(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = gateway.handle(self.command, self.path, list(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                elapsed = (time.perf_counter() - started) * 1000
                gateway._log(f"{self.command} {urlsplit(self.path).path} {status} {elapsed:.0f}ms", file=sys.stderr)

            def __getattr__(self, name: str) -> Any:
                # Any method at all (http.server answers those it has no do_X for with a bare 501):
                # one no route declares gets API Gateway's "Missing Authentication Token".
                if name.startswith("do_"):
                    return self._respond
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the access line above says it
                pass

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name="oms-gateway", daemon=True).start()
        return server


def _proxy_event(
    route: Route, path: str, query: str, headers: list[tuple[str, str]], body: bytes, path_parameters: dict
) -> dict:
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    # As API Gateway adds it; here the scheme is http, which a URL a channel signs (Square) must say.
    if not any(name.lower() == "x-forwarded-proto" for name in multi_headers):
        multi_headers["X-Forwarded-Proto"] = ["http"]
    multi_query = parse_qs(query, keep_blank_values=True) if query else {}
    try:
        text, encoded = (body.decode("utf-8"), False) if body else (None, False)
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    request_id = str(uuid.uuid4())
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": route.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "body": text,
        "isBase64Encoded": encoded,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": _API_ID,
            "resourcePath": route.resource,
            "httpMethod": route.method,
            # The path as the client asked for it: this gateway serves no stage prefix (as a
            # custom domain would not), so the URL a handler rebuilds is the one posted to.
            "path": path,
            "stage": route.stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": dict(headers).get("User-Agent")},
        },
    }


def _http_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    if not isinstance(result, dict) or "statusCode" not in result:
        return 502, [("Content-Type", "application/json")], b'{"message": "Internal server error"}'
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(value)) for value in values if (name, str(value)) not in headers]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))  # what API Gateway's proxy integration adds
    body = result.get("body") or ""
    payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return int(result["statusCode"]), headers, payload
