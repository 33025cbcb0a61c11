"""The local scheduler on a clock of the test's own: when schedules fire, what they deliver, and failures."""

from __future__ import annotations

import logging
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from infra.local.schedule_expression import parse
from infra.local.schedules import Schedule, Schedules
from infra.local.template import Intrinsics, Template

START = datetime(2026, 12, 4, 17, 3, 30, tzinfo=UTC)


class FakeClock:
    """Real time that moves only when the scheduler sleeps (or a handler takes time)."""

    def __init__(self, sleeps_allowed: int):
        self.now = START
        self.sleeps: list[float] = []
        self._allowed = sleeps_allowed
        self.done = threading.Event()

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> bool:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        if len(self.sleeps) > self._allowed:
            self.done.set()
        return self.done.is_set()  # then the runner is stopping


class Recorder:
    def __init__(self, clock: FakeClock, failures: int = 0, takes: timedelta = timedelta(0)):
        self.clock, self.failures, self.takes = clock, failures, takes
        self.events: list[dict] = []
        self.at: list[datetime] = []

    def __call__(self, event: dict) -> str:
        self.events.append(event)
        self.at.append(self.clock.now)
        self.clock.now += self.takes
        if self.failures:
            self.failures -= 1
            raise ValueError("ada@example.com could not be reached")  # a message quoting personal data
        return "done"


def run(expression: str, speed: float, firings: int, **recorder) -> tuple[FakeClock, Recorder]:
    clock = FakeClock(sleeps_allowed=firings)
    handler = Recorder(clock, **recorder)
    schedule = Schedule("SweepFunction.Every", "SweepFunction", parse(expression), lambda at: {"at": at}, handler)
    schedules = Schedules([schedule], speed, clock=clock, sleep=clock.sleep).start()
    assert clock.done.wait(timeout=10)
    schedules.stop()
    return clock, handler


def test_a_rate_first_fires_one_interval_after_start_and_then_at_its_rate():
    clock, handler = run("rate(5 minutes)", speed=1, firings=3)

    assert clock.sleeps[:3] == [300.0, 300.0, 300.0]
    assert handler.at == [START + timedelta(minutes=5 * n) for n in (1, 2, 3)]


def test_speed_hurries_the_firings_but_events_carry_the_real_time():
    clock, handler = run("rate(5 minutes)", speed=60, firings=3)

    assert clock.sleeps[:3] == [5.0, 5.0, 5.0]
    assert [event["at"] for event in handler.events] == [START + timedelta(seconds=5 * n) for n in (1, 2, 3)]


def test_a_cron_at_speed_fires_when_its_hurried_clock_reaches_a_matching_minute():
    # 17:03:30 to 17:15 is 690 s of schedule time: 11.5 s at speed 60; then 15 minutes is 15 s
    clock, _ = run("cron(0/15 * * * ? *)", speed=60, firings=2)

    assert clock.sleeps[:2] == [11.5, 15.0]


def test_a_firing_that_raises_is_logged_once_without_its_message_and_fired_again(caplog):
    caplog.set_level(logging.WARNING, logger="infra.local.schedule")

    _, handler = run("rate(1 minute)", speed=1, firings=4, failures=2)

    assert len(handler.events) == 4  # the failures did not stop the schedule
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert "SweepFunction.Every raised ValueError at" in lines[0]
    assert "ran without failing again" in lines[1]
    assert "ada@example.com" not in caplog.text


def test_a_firing_that_overruns_its_interval_skips_the_firings_it_missed():
    # each firing takes 12 minutes of a 5-minute rate: the two it overran are dropped, not queued
    clock, handler = run("rate(5 minutes)", speed=1, firings=2, takes=timedelta(minutes=12))

    assert handler.at == [START + timedelta(minutes=5), START + timedelta(minutes=20)]
    assert clock.sleeps[1] == 180.0  # from 17:20:30 to 17:23:30, its next beat


def test_fire_runs_a_schedule_now_by_its_functions_name_or_its_own():
    clock = FakeClock(sleeps_allowed=0)
    handler = Recorder(clock)
    schedules = Schedules([Schedule("SweepFunction.Every", "SweepFunction", parse("rate(1 day)"),
                                    lambda at: {"at": at}, handler)], clock=clock)

    assert schedules.fire("SweepFunction") == schedules.fire("SweepFunction.Every") == "done"
    assert handler.events == [{"at": START}, {"at": START}]


def test_fire_names_the_schedules_when_a_name_is_unknown_or_ambiguous():
    schedules = Schedules([Schedule(f"SweepFunction.{name}", "SweepFunction", parse("rate(1 day)"), dict, dict)
                           for name in ("Daily", "Nightly")])

    with pytest.raises(KeyError, match="SweepFunction.Daily, SweepFunction.Nightly"):
        schedules.fire("SweepFunction")
    with pytest.raises(KeyError, match="no schedule"):
        schedules.fire("OtherFunction")


def test_a_speed_must_be_above_zero():
    with pytest.raises(ValueError, match="above 0"):
        Schedules([], speed=0)


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Paused:
    Type: String
    Default: DISABLED
Resources:
  SweepFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: sweep.handler
      Events:
        Scheduler:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(5 minutes)
        Rule:
          Type: Schedule
          Properties:
            Schedule: cron(0 9 ? * MON-FRI *)
        WithInput:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 day)
            Input: '{"sweep": "retention"}'
        Paused:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            State: !Ref Paused
        RuleOff:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Enabled: false
        LastDay:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 9 L * ? *)
        Requests:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:us-east-1:123456789012:requests
"""


def schedules_of(directory: Path) -> Schedules:
    path = directory / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE))
    template = Template(path)
    return Schedules.from_template(template, Intrinsics(template.parameters, {}))


@pytest.fixture
def from_template(tmp_path: Path) -> Schedules:
    return schedules_of(tmp_path)


def payload(schedules: Schedules, name: str):
    return next(schedule for schedule in schedules.schedules if schedule.name == name).payload(START)


def test_the_template_s_enabled_schedules_are_run_and_disabled_ones_are_not(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="infra.local.schedule")

    schedules = schedules_of(tmp_path)

    assert schedules.names == ["SweepFunction.Scheduler", "SweepFunction.Rule", "SweepFunction.WithInput"]
    assert "SweepFunction.LastDay does not run locally" in caplog.text and "L, W or #" in caplog.text


def test_without_input_a_scheduler_schedule_sends_scheduler_s_default_notification(from_template):
    event = payload(from_template, "SweepFunction.Scheduler")

    assert {key: value for key, value in event.items() if key != "id"} == {
        "version": "0", "detail-type": "Scheduled Event", "source": "aws.scheduler", "account": "123456789012",
        "time": "2026-12-04T17:03:30Z", "region": "us-east-1",
        "resources": ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/oms-local-SweepFunctionScheduler"],
        "detail": "{}",
    }


def test_without_input_a_rule_sends_eventbridge_s_scheduled_event(from_template):
    event = payload(from_template, "SweepFunction.Rule")

    assert event["source"] == "aws.events" and event["detail-type"] == "Scheduled Event"
    assert event["detail"] == {} and event["time"] == "2026-12-04T17:03:30Z"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/oms-local-SweepFunctionRule"]
    assert event["id"] != payload(from_template, "SweepFunction.Rule")["id"]  # each delivery its own


def test_a_schedule_s_input_is_the_event(from_template):
    assert payload(from_template, "SweepFunction.WithInput") == {"sweep": "retention"}
