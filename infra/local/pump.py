"""The local event-source mappings: every DynamoDB-stream and SQS event of template.yaml.

moto's own event source mappings cannot run our handlers (they need docker), so one
thread per event source polls moto and calls the handler in this process. Usage:

    pump = Pump(template, intrinsics, endpoint_url).start()
    ...                      # write to tables, send to queues
    pump.drain(timeout=10)   # every source has delivered all it can
    pump.stop()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import boto3
from botocore.config import Config

from infra.faults import AWS_SIDE
from infra.local.event_source import Activity, Consumer, logger
from infra.local.invoke import LocalLambda
from infra.local.queue_source import QueueSource
from infra.local.stream_source import StreamSource
from infra.local.template import REGION, Intrinsics, Template

DEFAULT_POLL_INTERVAL_SECONDS = 0.1
# Bounded, so that a hung moto cannot hold a poller (and stop()) forever.
# Lambda's own side of the event sources: faults injected for the functions (infra.faults) pass it by.
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"},
                        user_agent_extra=AWS_SIDE)


class Source(Protocol):
    name: str

    def open(self) -> None: ...

    def poll(self, stopping: threading.Event) -> Activity: ...


@dataclass(eq=False)
class _Poller:
    """One source's thread and how far its polls have got (for drain)."""

    source: Source
    thread: threading.Thread | None = None
    polls_started: int = 0
    last_idle_poll: int = 0


class Pump:
    """Feeds every enabled DynamoDB and SQS event source of the template to its function."""

    def __init__(
        self,
        template: Template,
        intrinsics: Intrinsics,
        endpoint_url: str | None = None,
        *,
        lambdas: Mapping[str, LocalLambda] | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL_SECONDS,
    ):
        """`lambdas` (by logical id) lets the stack share loaded handlers with its gateway."""
        self._poll_interval = poll_interval
        self._stopping = threading.Event()
        self._progress = threading.Condition()
        self._deliveries = 0  # polls that moved records, over all sources
        self.sources: list[Source] = _sources(template, intrinsics, endpoint_url, lambdas or {})
        self._pollers = [_Poller(source) for source in self.sources]
        self._started = False

    def start(self) -> Pump:
        for source in self.sources:
            source.open()
        for poller in self._pollers:
            poller.thread = threading.Thread(
                target=self._run, args=(poller,), name=f"pump-{poller.source.name}", daemon=True
            )
            poller.thread.start()
        self._started = True
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ends every poller; a handler still running gets until `timeout` to finish."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        threads = [poller.thread for poller in self._pollers if poller.thread is not None]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in threads if thread.is_alive()]
        if stuck:
            logger.warning("pump stopped; still finishing: %s", ", ".join(stuck))

    def drain(self, timeout: float = 10.0) -> None:
        """Returns once every source has nothing left to deliver.

        Drained means: every source has polled, since the last delivery anywhere, and
        found nothing to deliver and nothing in flight - so records one handler wrote
        for another source are waited for too. Raises TimeoutError naming the sources
        still busy.
        """
        if not self._started:
            raise RuntimeError("drain() needs a started pump")
        deadline = time.monotonic() + timeout
        with self._progress:
            while True:
                deliveries = self._deliveries
                marks = {poller: poller.polls_started for poller in self._pollers}

                def settled() -> bool:
                    return self._deliveries != deliveries or all(
                        poller.last_idle_poll > mark for poller, mark in marks.items()
                    )

                if not self._progress.wait_for(settled, timeout=max(0.0, deadline - time.monotonic())):
                    busy = [poller.source.name for poller, mark in marks.items() if poller.last_idle_poll <= mark]
                    raise TimeoutError(f"event sources still busy after {timeout} s: {', '.join(busy)}")
                if self._deliveries == deliveries:
                    return

    def _run(self, poller: _Poller) -> None:
        """A failing poll is logged and tried again: the pump outlives moto's hiccups."""
        while not self._stopping.is_set():
            poll = self._begin_poll(poller)
            try:
                activity = poller.source.poll(self._stopping)
            except Exception as error:  # noqa: BLE001
                # Handler failures never get here (Consumer reports them); this is moto or the pump.
                logger.error(
                    "%s: poll failed (%s: %s); trying again", poller.source.name, type(error).__name__, error
                )
                activity = Activity.WAITING
            self._end_poll(poller, poll, activity)
            if activity is not Activity.WORKED:
                self._stopping.wait(self._poll_interval)

    def _begin_poll(self, poller: _Poller) -> int:
        with self._progress:
            poller.polls_started += 1
            return poller.polls_started

    def _end_poll(self, poller: _Poller, poll: int, activity: Activity) -> None:
        with self._progress:
            if activity is Activity.WORKED:
                self._deliveries += 1
            elif activity is Activity.IDLE:
                poller.last_idle_poll = poll
            self._progress.notify_all()

    def __enter__(self) -> Pump:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def _sources(
    template: Template, intrinsics: Intrinsics, endpoint_url: str | None, lambdas: Mapping[str, LocalLambda]
) -> list[Source]:
    sources: list[Source] = []
    for function in template.functions():
        events = [
            event for event in function.events
            if event.type in ("DynamoDB", "SQS") and _enabled(intrinsics.resolve(event.properties.get("Enabled")))
        ]
        if not events:
            continue
        consumer = Consumer(lambdas.get(function.logical_id) or LocalLambda(function, function.environment(intrinsics)))
        for event in events:
            name = f"{function.logical_id}.{event.name}"
            properties = intrinsics.resolve(event.properties)
            sqs = _client("sqs", endpoint_url)
            if event.type == "DynamoDB":
                streams = _client("dynamodbstreams", endpoint_url)
                sources.append(StreamSource.from_event(name, consumer, properties, streams, sqs))
            else:
                sources.append(QueueSource.from_event(name, consumer, properties, sqs))
    return sources


def _enabled(value: Any) -> bool:
    # Absent means enabled; `Enabled: !Ref SomeParameter` resolves to the parameter's string.
    return str(value).lower() != "false"


def _client(service: str, endpoint_url: str | None) -> Any:
    # One client per source, made here on the caller's thread: boto3 clients are safe
    # to share across threads, creating them concurrently is not.
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
