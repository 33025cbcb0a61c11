"""The local EventBridge: every `Schedule` and `ScheduleV2` event of the template, run on its clock.

One thread per schedule, like the pumps' pollers. As in EventBridge, a schedule first fires one
interval after it starts (a cron at its next matching minute), and a firing that raises is
logged and simply comes again at the next firing. At `speed` N the schedules' clock runs N
times as fast as the real one - at 60 a rate(5 minutes) fires every 5 s - but only their firing
is hurried: handlers, and the events' `time`, read the real clock. Usage:

    schedules = Schedules.from_template(template, intrinsics, speed=60).start()
    schedules.fire("AlertSweepFunction")   # one firing now, whatever the clock says
    schedules.stop()
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.local.event_source import raised_at
from infra.local.invoke import InstancePool
from infra.local.schedule_expression import Expression, InvalidScheduleExpression, parse
from infra.local.scheduled_event import RULE, SCHEDULER, Payload, payload_for
from infra.local.template import Intrinsics, Template

logger = logging.getLogger("infra.local.schedule")

Clock = Callable[[], datetime]  # the real time, timezone-aware
Sleep = Callable[[float], bool]  # waits that many seconds; True when the runner is stopping

# Properties that would change when a schedule fires, which the local one does not honour.
_IGNORED = ("StartDate", "EndDate")


@dataclass(frozen=True)
class Schedule:
    name: str  # <FunctionLogicalId>.<EventName>
    function_id: str
    expression: Expression
    payload: Payload
    invoke: Callable[[Any], Any]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Schedules:
    def __init__(self, schedules: list[Schedule], speed: float = 1.0, clock: Clock = _utc_now,
                 sleep: Sleep | None = None):
        """`clock` and `sleep` let tests run the schedules on a clock of their own."""
        if speed <= 0:
            raise ValueError(f"schedule speed must be above 0, not {speed}")
        self.schedules = schedules
        self.speed = speed
        self._clock = clock
        self._stopping = threading.Event()
        self._sleep = sleep or self._stopping.wait
        self._origin = clock()
        self._threads: list[threading.Thread] = []

    @classmethod
    def from_template(cls, template: Template, intrinsics: Intrinsics, speed: float = 1.0, clock: Clock = _utc_now,
                      sleep: Sleep | None = None) -> Schedules:
        return cls(_schedules(template, intrinsics), speed, clock, sleep)

    @property
    def names(self) -> list[str]:
        return [schedule.name for schedule in self.schedules]

    def start(self) -> Schedules:
        self._origin = self._clock()
        for schedule in self.schedules:
            thread = threading.Thread(target=self._run, args=(schedule,), name=f"schedule-{schedule.name}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ends every schedule; a handler still running gets until `timeout` to finish."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in self._threads if thread.is_alive()]
        if stuck:
            logger.warning("schedules stopped; still finishing: %s", ", ".join(stuck))

    def fire(self, name: str) -> Any:
        """Fires one schedule now and returns what its handler did; a handler's exception is raised.

        `name` is a function's logical id, when it has one schedule, or `<Function>.<Event>`.
        """
        matching = [schedule for schedule in self.schedules if name in (schedule.name, schedule.function_id)]
        if len(matching) != 1:
            raise KeyError(f"{name}: {'more than one' if matching else 'no'} schedule of that name; "
                           f"the schedules are {', '.join(self.names) or 'none'}")
        schedule = matching[0]
        return schedule.invoke(schedule.payload(self._clock()))

    def _scheduled_now(self) -> datetime:
        return self._origin + (self._clock() - self._origin) * self.speed

    def _run(self, schedule: Schedule) -> None:
        failure: str | None = None
        due = schedule.expression.next_after(self._scheduled_now())
        while due is not None:
            wait = (due - self._scheduled_now()).total_seconds() / self.speed
            if self._sleep(max(0.0, wait)) or self._stopping.is_set():
                return
            failure = self._fire_logged(schedule, failure)
            due = self._next_due(schedule, due)

    def _next_due(self, schedule: Schedule, due: datetime) -> datetime | None:
        """The next firing on the schedule's own beat; those a slow firing overran are skipped, not queued."""
        now = self._scheduled_now()
        following = schedule.expression.next_after(due)
        while following is not None and following <= now:
            following = schedule.expression.next_after(following)
        return following

    def _fire_logged(self, schedule: Schedule, failure: str | None) -> str | None:
        """Fires and logs a failure once, not again while the same one repeats (a channel
        without credentials would otherwise say so at every firing); returns the failure."""
        try:
            schedule.invoke(schedule.payload(self._clock()))
        except Exception as error:  # noqa: BLE001 - a handler's failure is logged, and the schedule goes on
            # Only the type and place: the message may quote personal data.
            now_failing = f"{type(error).__name__} at {raised_at(error)}"
            if now_failing != failure:
                logger.warning("schedule %s raised %s; it fires again on schedule (the same failure is not "
                               "logged again)", schedule.name, now_failing)
            return now_failing
        if failure:
            logger.warning("schedule %s ran without failing again", schedule.name)
        return None

    def __enter__(self) -> Schedules:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def _schedules(template: Template, intrinsics: Intrinsics) -> list[Schedule]:
    schedules = []
    for function in template.functions():
        events = [event for event in function.events if event.type in (RULE, SCHEDULER)]
        if not events:
            continue
        # Loaded at its first firing: most schedules fire long after start, if at all.
        pool = InstancePool(function, function.environment(intrinsics), max_instances=1)
        for event in events:
            name = f"{function.logical_id}.{event.name}"
            properties = intrinsics.resolve(event.properties)
            if not _enabled(properties):
                continue
            text = properties.get("ScheduleExpression") or properties.get("Schedule", "")
            try:
                expression = parse(text, properties.get("ScheduleExpressionTimezone"))
            except InvalidScheduleExpression as error:
                logger.warning("schedule %s does not run locally: %s", name, error)
                continue
            if ignored := [key for key in _IGNORED if key in properties]:
                logger.warning("schedule %s: the local scheduler ignores %s", name, ", ".join(ignored))
            payload = payload_for(event.type, function.logical_id, event.name, properties)
            schedules.append(Schedule(name, function.logical_id, expression, payload, pool.invoke))
    return schedules


def _enabled(properties: dict[str, Any]) -> bool:
    # A rule says Enabled (or State), a Scheduler schedule State; either may come from a parameter.
    return (str(properties.get("Enabled", True)).lower() != "false"
            and str(properties.get("State", "ENABLED")).upper() != "DISABLED")
