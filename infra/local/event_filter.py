"""Lambda event filtering: which records an event source hands to its function.

Lambda drops every record that none of the source's `FilterCriteria` patterns matches,
before batching. The pattern language is the one Lambda documents (a subset of
EventBridge's): a pattern names fields of the record as Lambda delivers it; a leaf is a
list of matchers, any of which may match; a field that holds a list matches when any of
its elements does.
"""

from __future__ import annotations

import json
from typing import Any, Callable

# A field the record does not have; distinct from a field whose value is null.
_ABSENT = object()


class InvalidPattern(ValueError):
    """A filter pattern Lambda would refuse when the event source mapping is created."""


def patterns_of(filter_criteria: dict | None) -> list[dict]:
    """The parsed patterns of a `FilterCriteria` property; each is checked up front."""
    patterns = []
    for entry in (filter_criteria or {}).get("Filters", []):
        pattern = json.loads(entry["Pattern"])
        _check_object(pattern)
        patterns.append(pattern)
    return patterns


def matches(patterns: list[dict], record: dict) -> bool:
    """Whether Lambda would deliver `record`; an empty list means the source has no filter."""
    if not patterns:
        return True
    view = _as_filtered(record)
    return any(_matches_object(pattern, view) for pattern in patterns)


def _as_filtered(record: dict) -> dict:
    # Lambda lets patterns look inside an SQS body that holds a JSON object.
    if record.get("eventSource") != "aws:sqs" or not isinstance(record.get("body"), str):
        return record
    try:
        body = json.loads(record["body"])
    except ValueError:
        return record
    return {**record, "body": body} if isinstance(body, dict) else record


def _matches_object(pattern: dict, value: Any) -> bool:
    fields = value if isinstance(value, dict) else {}
    return all(_matches_field(sub_pattern, fields.get(key, _ABSENT)) for key, sub_pattern in pattern.items())


def _matches_field(sub_pattern: dict | list, field: Any) -> bool:
    if isinstance(sub_pattern, dict):
        if isinstance(field, list):
            return any(_matches_object(sub_pattern, element) for element in field)
        return _matches_object(sub_pattern, field)
    values = field if isinstance(field, list) else [field]
    return any(_matches_value(matcher, value) for matcher in sub_pattern for value in values)


def _matches_value(matcher: Any, value: Any) -> bool:
    if isinstance(matcher, dict):
        (operator, operand), = matcher.items()
        if operator == "exists":
            return (value is not _ABSENT) == operand
        return value is not _ABSENT and _OPERATORS[operator](operand, value)
    return _equal(matcher, value)


def _equal(expected: Any, value: Any) -> bool:
    # JSON keeps true, 1 and "1" apart; Python's == would not.
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool) and expected == value
    if _is_number(expected):
        return _is_number(value) and expected == value
    return type(expected) is type(value) and expected == value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_test(compare: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    """`prefix`/`suffix` take a string or `{"equals-ignore-case": string}`."""

    def test(operand: Any, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if isinstance(operand, dict):
            return compare(value.casefold(), operand["equals-ignore-case"].casefold())
        return compare(value, operand)

    return test


def _equals_ignore_case(operand: Any, value: Any) -> bool:
    operands = operand if isinstance(operand, list) else [operand]
    return isinstance(value, str) and any(value.casefold() == text.casefold() for text in operands)


def _anything_but(operand: Any, value: Any) -> bool:
    if isinstance(operand, dict):
        (operator, inner), = operand.items()
        inners = inner if isinstance(inner, list) else [inner]
        return not any(_OPERATORS[operator](text, value) for text in inners)
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_equal(item, value) for item in excluded)


_TEXT_OPERATORS = ("prefix", "suffix", "equals-ignore-case")

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda value, bound: value == bound,
    "<": lambda value, bound: value < bound,
    "<=": lambda value, bound: value <= bound,
    ">": lambda value, bound: value > bound,
    ">=": lambda value, bound: value >= bound,
}


def _numeric(operand: list, value: Any) -> bool:
    if not _is_number(value):
        return False
    pairs = zip(operand[0::2], operand[1::2])
    return all(_COMPARISONS[comparison](value, bound) for comparison, bound in pairs)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": _text_test(str.startswith),
    "suffix": _text_test(str.endswith),
    "equals-ignore-case": _equals_ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
}


def _check_object(pattern: Any) -> None:
    if not isinstance(pattern, dict) or not pattern:
        raise InvalidPattern(f"a pattern must be a non-empty object, not {pattern!r}")
    for key, sub_pattern in pattern.items():
        if isinstance(sub_pattern, dict):
            _check_object(sub_pattern)
        elif isinstance(sub_pattern, list) and sub_pattern:
            for matcher in sub_pattern:
                _check_matcher(key, matcher)
        else:
            raise InvalidPattern(f"{key}: a pattern field is an object or a non-empty list of matchers")


def _check_matcher(key: str, matcher: Any) -> None:
    if isinstance(matcher, list):
        raise InvalidPattern(f"{key}: matchers cannot be nested lists")
    if not isinstance(matcher, dict):
        return
    if len(matcher) != 1:
        raise InvalidPattern(f"{key}: a matcher has exactly one operator, not {sorted(matcher)}")
    (operator, operand), = matcher.items()
    if operator == "exists":
        if not isinstance(operand, bool):
            raise InvalidPattern(f"{key}: exists takes true or false")
    elif operator not in _OPERATORS:
        raise InvalidPattern(f"{key}: unknown operator {operator!r}")
    elif operator == "numeric":
        _check_numeric(key, operand)
    elif operator in ("prefix", "suffix") and not (
        isinstance(operand, str) or (isinstance(operand, dict) and list(operand) == ["equals-ignore-case"])
    ):
        raise InvalidPattern(f"{key}: {operator} takes a string or {{'equals-ignore-case': string}}")
    elif operator == "anything-but" and isinstance(operand, dict):
        if len(operand) != 1 or next(iter(operand)) not in _TEXT_OPERATORS:
            raise InvalidPattern(f"{key}: anything-but takes values, prefix, suffix or equals-ignore-case")


def _check_numeric(key: str, operand: Any) -> None:
    if (
        not isinstance(operand, list)
        or not operand
        or len(operand) % 2
        or any(comparison not in _COMPARISONS for comparison in operand[0::2])
        or not all(_is_number(bound) for bound in operand[1::2])
    ):
        raise InvalidPattern(f"{key}: numeric takes pairs of comparison and number, e.g. ['>', 0, '<=', 5]")
