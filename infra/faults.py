"""Faults AWS really produces, injected into the real code at the botocore level.

moto answers every request at once and in order: no transaction ever conflicts, nothing is
throttled, no response is lost. This module makes botocore clients see what DynamoDB, SQS
and SNS do under load, so the code under test is the code that runs:

- `conflict`: DynamoDB's TransactionConflictException on a single-item write, and on a
  transaction TransactionCanceledException whose reasons name TransactionConflict;
- `condition`: TransactionCanceledException with a ConditionalCheckFailed reason on one of
  the transaction's conditioned items, as when another writer changed it a moment before;
- `throttle`: ProvisionedThroughputExceededException or ThrottlingException, as the caller
  sees them once botocore's own retries are spent;
- `sqs_failed`: SendMessageBatch entries reported in `Failed` while the others are sent;
- `timeout`: a connect timeout: nothing was done, botocore tries again;
- `lost_answer`: a read timeout after the request was carried out: botocore sends it again,
  and a conditioned write then meets its own effect (a transaction replayed with its
  ClientRequestToken is answered as done, as DynamoDB does);
- `die`: the process ends between two calls: `ProcessDied`, a BaseException that no
  `except Exception` stops, so the invocation fails as a crashed Lambda's does;
- `duplicate`: a stream or queue batch delivered again (asked for by the local event
  sources, which are Lambda's side, not botocore's).

Faults are drawn from a seeded generator, or scripted (`Faults.next`), and every one is
logged and counted. `OMS_FAULTS="seed=7,all=0.01,duplicate=0.05"` turns them on for
`oms local`; tests use the `faults` fixture.
"""

from __future__ import annotations

import io
import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.httpsession import URLLib3Session

logger = logging.getLogger("oms.faults")


class Fault(StrEnum):
    CONFLICT = "conflict"
    CONDITION = "condition"
    THROTTLE = "throttle"
    SQS_FAILED = "sqs_failed"
    TIMEOUT = "timeout"
    LOST_ANSWER = "lost_answer"
    DIE = "die"
    DUPLICATE = "duplicate"


class ProcessDied(BaseException):  # noqa: N818 - a death, not an error a handler may catch
    """The process running the code ended here."""


class FaultsUnreadable(ValueError):
    pass


_DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
_DYNAMODB = _DYNAMODB_WRITES | {"GetItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
                                 "TransactWriteItems", "TransactGetItems"}
# The calls functions make; the event sources' own reads (streams, ReceiveMessage) are Lambda's.
_IN_SCOPE = {"dynamodb": _DYNAMODB, "sqs": {"SendMessage", "SendMessageBatch"}, "sns": {"Publish", "PublishBatch"}}
# Decided for each attempt botocore sends; the others once for each call the code makes.
_PER_ATTEMPT = (Fault.CONFLICT, Fault.CONDITION, Fault.THROTTLE, Fault.TIMEOUT, Fault.LOST_ANSWER)


def _applies(fault: Fault, service: str, operation: str, body: dict) -> bool:
    if operation not in _IN_SCOPE.get(service, ()):
        return False
    match fault:
        case Fault.CONFLICT:
            return operation in _DYNAMODB_WRITES | {"TransactWriteItems"}
        case Fault.CONDITION:
            return operation == "TransactWriteItems" and bool(_conditioned(body))
        case Fault.THROTTLE:
            return service == "dynamodb"
        case Fault.SQS_FAILED:
            return operation == "SendMessageBatch"
    return fault in (Fault.TIMEOUT, Fault.LOST_ANSWER, Fault.DIE)


def _conditioned(body: dict) -> list[int]:
    """The transaction's items a concurrent writer could have failed: conditioned, and not
    asking for the item back (the reason would then have to carry the item as it is)."""
    return [index for index, item in enumerate(body.get("TransactItems", ()))
            for action in item.values()
            if action.get("ConditionExpression") and "ReturnValuesOnConditionCheckFailure" not in action]


@dataclass
class _Script:
    fault: Fault
    operation: str | None
    times: int


@dataclass
class Faults:
    """What to inject: a rate per fault, drawn from `seed`, and scripted faults, which come first."""

    seed: int = 0
    rates: dict[Fault, float] = field(default_factory=dict)
    injected: Counter = field(default_factory=Counter)
    # Transactions carried out whose answer was lost: DynamoDB answers their replay as done.
    carried_out: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - reproducible faults, not secrecy
        self._scripts: list[_Script] = []
        self._lock = threading.Lock()
        self._paused = 0

    @classmethod
    def parse(cls, text: str) -> Faults:
        """`seed=7,all=0.01,duplicate=0.05`: `all` sets every fault's rate, later pairs override it."""
        seed, rates = 0, {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            name, _, value = pair.partition("=")
            try:
                if name == "seed":
                    seed = int(value)
                elif name == "all":
                    rates.update(dict.fromkeys(Fault, _rate(value)))
                else:
                    rates[Fault(name)] = _rate(value)
            except ValueError:
                known = ", ".join(["seed", "all", *Fault])
                raise FaultsUnreadable(f"OMS_FAULTS: cannot read {pair!r} (known: {known}; rates 0..1)") from None
        return cls(seed, rates)

    def next(self, fault: Fault | str, operation: str | None = None, times: int = 1) -> Faults:
        """The next `times` attempts the fault applies to (of `operation`, if given) get it."""
        with self._lock:
            self._scripts.append(_Script(Fault(fault), operation, times))
        return self

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No faults meanwhile: a test reads what happened as it is."""
        with self._lock:
            self._paused += 1
        try:
            yield
        finally:
            with self._lock:
                self._paused -= 1

    def duplicated(self, source: str) -> bool:
        """Whether a batch the event source just delivered is delivered again."""
        return self._chosen((Fault.DUPLICATE,), "lambda", source, {}) is not None

    def chosen_for_call(self, fault: Fault, service: str, operation: str) -> bool:
        return self._chosen((fault,), service, operation, {}) is not None

    def choose(self, service: str, operation: str, body: dict) -> Fault | None:
        return self._chosen(_PER_ATTEMPT, service, operation, body)

    def _chosen(self, among: tuple[Fault, ...], service: str, operation: str, body: dict) -> Fault | None:
        def fits(fault: Fault) -> bool:
            return fault in among and (fault == Fault.DUPLICATE or _applies(fault, service, operation, body))

        with self._lock:
            if self._paused:
                return None
            for script in self._scripts:
                if script.operation in (None, operation) and fits(script.fault):
                    script.times -= 1
                    if not script.times:
                        self._scripts.remove(script)
                    return self._count(script.fault, service, operation, scripted=True)
            for fault in among:
                rate = self.rates.get(fault, 0.0)
                if rate and fits(fault) and self._random.random() < rate:
                    return self._count(fault, service, operation, scripted=False)
        return None

    def draw(self) -> float:
        with self._lock:
            return self._random.random()

    def _count(self, fault: Fault, service: str, operation: str, scripted: bool) -> Fault:
        self.injected[fault] += 1
        logger.warning(json.dumps({"logger": logger.name, "fault": str(fault), "service": service, "operation": operation,
                                   "seed": self.seed, "n": self.injected.total(), "scripted": scripted}))
        return fault


def _rate(value: str) -> float:
    rate = float(value)
    if not 0 <= rate <= 1:
        raise ValueError(value)
    return rate


_active: Faults | None = None
_CONTEXT_KEY = "oms_fault"
# The user agent of the clients that play AWS's own part (the local event sources reading streams
# and queues, sending failure records): Lambda's machinery is not the code under test.
AWS_SIDE = "oms-local-aws-side"


def _aws_side(context: dict) -> bool:
    config = context.get("client_config")
    return AWS_SIDE in (getattr(config, "user_agent_extra", None) or "")
# Where an answered request is sent instead: moto's in-process stubber passes over it.
_NOWHERE = "https://injected-fault.invalid/"


@contextmanager
def injected(faults: Faults) -> Iterator[Faults]:
    """Every botocore client in this process, made before or after, sees these faults meanwhile."""
    global _active
    _active = faults
    try:
        yield faults
    finally:
        _active = None


def active() -> Faults | None:
    return _active


def _before_call(model: Any, context: dict, **_: Any) -> tuple | None:
    """Between two calls: where a process can die, and where a batch's entries are decided."""
    faults = _active
    if faults is None or _aws_side(context):
        return None
    service, operation = model.service_model.service_name, model.name
    if faults.chosen_for_call(Fault.DIE, service, operation):
        raise ProcessDied(f"injected: the process died before {operation}")
    if context.get("oms_fault_all_failed"):
        answer = {"Successful": [], "Failed": context[_CONTEXT_KEY],
                  "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": "injected-fault"}}
        return AWSResponse(_NOWHERE, 200, {}, _Raw(b"{}")), answer
    return None


def _on_params(params: dict, model: Any, context: dict, **_: Any) -> None:
    faults = _active
    if faults is None or _aws_side(context) or not faults.chosen_for_call(Fault.SQS_FAILED, "sqs", model.name):
        return
    entries = params["Entries"]
    failing = [entry for entry in entries if faults.draw() < 0.5] or entries[:1]
    context[_CONTEXT_KEY] = [_failed_entry(entry["Id"]) for entry in failing]
    if len(failing) == len(entries):
        context["oms_fault_all_failed"] = True  # answered in before-call: a batch of none is refused
    else:
        params["Entries"] = [entry for entry in entries if entry not in failing]


def _after_call(parsed: dict, context: dict, **_: Any) -> None:
    if (failed := context.get(_CONTEXT_KEY)) and not context.get("oms_fault_all_failed"):
        parsed.setdefault("Failed", []).extend(failed)


def _failed_entry(entry_id: str) -> dict:
    return {"Id": entry_id, "SenderFault": False, "Code": "InternalError", "Message": "injected: not sent"}


def _before_send(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
    """Each attempt botocore makes, under its retries: a fault answered here is retried as it
    would be from AWS (throttling and timeouts are; a transaction cancelled is not)."""
    faults = _active
    user_agent = request.headers.get("User-Agent", b"")
    if faults is None or AWS_SIDE in (user_agent.decode() if isinstance(user_agent, bytes) else user_agent):
        return None
    _, service, operation = event_name.split(".")
    body = _json_body(request)
    if body.get("ClientRequestToken") in faults.carried_out:
        return _answer(request, 200, {})  # DynamoDB's answer to a transaction replayed with its token
    fault = faults.choose(service, operation, body)
    match fault:
        case Fault.TIMEOUT:
            raise ConnectTimeoutError(endpoint_url=f"injected before {operation}")
        case Fault.LOST_ANSWER:
            _carry_out(request, event_name)
            if token := body.get("ClientRequestToken"):
                faults.carried_out.add(token)
            raise ReadTimeoutError(endpoint_url=f"injected after {operation} was carried out")
        case Fault.THROTTLE:
            code = "ThrottlingException" if faults.draw() < 0.5 else "ProvisionedThroughputExceededException"
            return _answer(request, 400, _error(code, "injected: the rate of requests exceeds the allowed throughput"))
        case Fault.CONFLICT if operation == "TransactWriteItems":
            return _answer(request, 400, _cancelled(body, "TransactionConflict", "Transaction is ongoing for the item"))
        case Fault.CONFLICT:
            return _answer(request, 400, _error("TransactionConflictException",
                                                "injected: a transaction is ongoing for the item"))
        case Fault.CONDITION:
            return _answer(request, 400, _cancelled(body, "ConditionalCheckFailed", "The conditional request failed"))
    return None


def _json_body(request: Any) -> dict:
    try:
        return json.loads(request.body or b"{}")
    except (TypeError, ValueError):
        return {}


def _carry_out(request: Any, event_name: str) -> None:
    """Sends the request where it would have gone, and forgets the answer."""
    from moto.core.models import botocore_stubber

    if botocore_stubber.enabled:
        botocore_stubber(event_name=event_name, request=request)
    else:
        URLLib3Session().send(request)


def _cancelled(body: dict, code: str, message: str) -> dict:
    items = body.get("TransactItems", [])
    candidates = _conditioned(body) if code == "ConditionalCheckFailed" else list(range(len(items)))
    chosen = candidates[int((_active.draw() if _active else 0) * len(candidates))]
    reasons = [{"Code": code, "Message": message} if index == chosen else {"Code": "None"}
               for index in range(len(items))]
    listed = ", ".join(reason["Code"] for reason in reasons)
    return {**_error("TransactionCanceledException",
                     f"Transaction cancelled, please refer cancellation reasons for specific reasons [{listed}]"),
            "CancellationReasons": reasons}


def _error(code: str, message: str) -> dict:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}


def _answer(request: Any, status: int, body: dict) -> AWSResponse:
    """What AWS would have answered; the request itself goes nowhere."""
    request.url = _NOWHERE
    headers = {"x-amzn-RequestId": "injected-fault", "Content-Type": "application/x-amz-json-1.0"}
    return AWSResponse(_NOWHERE, status, headers, _Raw(json.dumps(body).encode()))


class _Raw(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.read()


# First among botocore's own handlers, so every session made after this import has them, and
# they act before moto's in-process stubber or the network sees the request.
handlers.BUILTIN_HANDLERS[0:0] = [
    ("provide-client-params.sqs.SendMessageBatch", _on_params),
    ("before-call", _before_call),
    ("before-send", _before_send),
    ("after-call.sqs.SendMessageBatch", _after_call),
]
