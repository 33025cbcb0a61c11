"""What a schedule hands its function: the event's Input, or what EventBridge sends without one.

A `Schedule` event is an EventBridge rule, which sends its "Scheduled Event". A `ScheduleV2`
event is an EventBridge Scheduler schedule, whose documentation promises only "a default
notification" when Input is absent; what Scheduler sends is the same envelope from
`aws.scheduler`, naming the schedule, with `detail` the string "{}" rather than an object.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.template import ACCOUNT_ID, REGION, STACK_NAME

RULE = "Schedule"
SCHEDULER = "ScheduleV2"

Payload = Callable[[datetime], Any]  # the event of a firing at a moment


def payload_for(event_type: str, function_id: str, event_name: str, properties: dict[str, Any]) -> Payload:
    """`properties` resolved; each firing gets an event of its own, as each delivery would."""
    if "Input" in properties:
        given = properties["Input"]
        text = given if isinstance(given, str) else json.dumps(given)
        return lambda _at: json.loads(text)
    name = properties.get("Name") or f"{STACK_NAME}-{function_id}{event_name}"
    if event_type == RULE:
        rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{name}"
        return lambda at: _envelope("aws.events", rule_arn, at, detail={})
    group = properties.get("GroupName") or "default"
    schedule_arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/{group}/{name}"
    return lambda at: _envelope("aws.scheduler", schedule_arn, at, detail="{}")


def _envelope(source: str, resource_arn: str, at: datetime, detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": source,
        "account": ACCOUNT_ID,
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [resource_arn],
        "detail": detail,
    }
