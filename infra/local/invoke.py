"""Calls a template function's handler in this process, the way Lambda calls it.

moto cannot run Lambda code without docker (and there is none here), so the local stack loads
each handler module itself and passes it an event and a context like Lambda's.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import queue
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from infra.faults import ProcessDied
from infra.local.template import LocalFunction, function_physical

Handler = Callable[[Any, Any], Any]

# SAM's defaults when a function (and Globals) leave them out.
_DEFAULT_MEMORY_MB = 128
_DEFAULT_TIMEOUT_SECONDS = 3

_load_count = itertools.count(1)
# Module-level code reads its environment and sys.path at import (settings, powertools'
# service name), and functions differ in both, so imports take turns with their own applied.
_import_lock = threading.Lock()


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's context object that handlers and powertools read."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float  # time.monotonic() at which Lambda would end the invocation

    @classmethod
    def for_invocation(cls, function: LocalFunction) -> LambdaContext:
        physical = function_physical(function.logical_id)
        timeout = float(function.properties.get("Timeout", _DEFAULT_TIMEOUT_SECONDS))
        return cls(
            function_name=physical.ref,
            function_version="$LATEST",
            invoked_function_arn=physical.attributes["Arn"],
            memory_limit_in_mb=int(function.properties.get("MemorySize", _DEFAULT_MEMORY_MB)),
            aws_request_id=str(uuid.uuid4()),
            log_group_name=f"/aws/lambda/{physical.ref}",
            log_stream_name=f"local/[$LATEST]{uuid.uuid4().hex}",
            deadline=time.monotonic() + timeout,
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def load_handler(function: LocalFunction, environment: dict[str, str]) -> Handler:
    """Imports the function's module afresh, as a new execution environment would.

    Every function has an `app.py`, so each load gets a module name of its own; while
    the module runs, its code directory is on sys.path (imports of sibling modules
    resolve as in Lambda's /var/task) and its own environment is in os.environ.
    """
    module_name = f"oms_local_{function.logical_id}_{next(_load_count)}"
    spec = importlib.util.spec_from_file_location(module_name, function.module_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"{function.logical_id}: no Python module at {function.module_file}")
    module = importlib.util.module_from_spec(spec)
    # pydantic and dataclasses resolve a module's annotations through sys.modules.
    sys.modules[module_name] = module
    try:
        with _import_lock, _applied(function.code_dir, environment):
            spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return getattr(module, function.handler_attribute)


@contextmanager
def _applied(code_dir: Path, environment: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    sys.path.insert(0, str(code_dir))
    try:
        yield
    finally:
        sys.path.remove(str(code_dir))
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class LocalLambda:
    """One function of the template with its handler loaded, ready to invoke."""

    def __init__(self, function: LocalFunction, environment: dict[str, str], handler: Handler | None = None):
        self.function = function
        self._environment = environment
        self.handler = handler or load_handler(function, environment)
        physical = function_physical(function.logical_id)
        self.name = physical.ref
        self.arn = physical.attributes["Arn"]

    def invoke(self, event: Any) -> Any:
        try:
            return self.handler(event, LambdaContext.for_invocation(self.function))
        except ProcessDied:
            # Lambda starts the next invocation in a fresh environment: nothing in memory survives.
            self.handler = load_handler(self.function, self._environment)
            raise


class InstancePool:
    """Up to `max_instances` warm execution environments of one function.

    Each handles one event at a time, as in Lambda. That matters: a Chalice app keeps
    the current request in a module global, so two threads must never share an instance.
    """

    def __init__(self, function: LocalFunction, environment: dict[str, str], max_instances: int = 4):
        self.function = function
        self.environment = environment
        self._idle: queue.LifoQueue[LocalLambda] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max_instances)
        self._max_instances = max_instances

    def warm(self) -> InstancePool:
        """Every instance loaded now: imports change os.environ, which must not happen while
        other instances run (a thread reading the environment meanwhile can miss a variable)."""
        loaded = [LocalLambda(self.function, self.environment) for _ in range(self._max_instances - self._idle.qsize())]
        for instance in loaded:
            self._idle.put(instance)
        return self

    def invoke(self, event: Any) -> Any:
        with self._slots:
            try:
                instance = self._idle.get_nowait()
            except queue.Empty:
                instance = LocalLambda(self.function, self.environment)
            try:
                return instance.invoke(event)
            finally:
                self._idle.put(instance)
