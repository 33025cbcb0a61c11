"""The JSON lines functions print - powertools' log records and EMF metrics - and a person's view of them.

A readable line shows when, which function, the level, the message and the ids of what it is
about, never the record's other keys: those may be personal.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from infra.local.template import STACK_NAME

# The OMS's own identifiers; a record's other keys may hold a customer's data.
ID_KEYS = ("order_id", "shipment_id", "refund_id", "return_id", "location_id", "sku")
_FUNCTION_WIDTH = 16  # the longest service name of the template
_LEVEL_WIDTH = 7  # WARNING
_UNNAMED_SERVICE = "service_undefined"  # what powertools calls a function without POWERTOOLS_SERVICE_NAME


def json_object(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def is_metrics(record: dict[str, Any]) -> bool:
    """An EMF record: CloudWatch's metric directives under `_aws`."""
    directives = record.get("_aws")
    return isinstance(directives, dict) and "CloudWatchMetrics" in directives


def is_log_record(record: dict[str, Any]) -> bool:
    return "level" in record and "message" in record


def readable_line(record: dict[str, Any], at: datetime) -> str:
    """e.g. `17:03:12 intake           INFO    order received  order_id=ord_01H...`"""
    message = record["message"] if isinstance(record["message"], str) else json.dumps(record["message"])
    if exception := record.get("exception_name"):
        message += f" ({exception})"
    ids = "".join(f"  {key}={record[key]}" for key in ID_KEYS if record.get(key) is not None)
    text = f"{at:%H:%M:%S} {_function(record):<{_FUNCTION_WIDTH}} {record['level']:<{_LEVEL_WIDTH}} {message}{ids}"
    return " ".join(text.splitlines())


def _function(record: dict[str, Any]) -> str:
    service = record.get("service")
    if service and service != _UNNAMED_SERVICE:
        return str(service)
    name = str(record.get("function_name") or "?")
    return name.removeprefix(f"{STACK_NAME}-")
