"""Lambda event filtering, case by case (the documented FilterCriteria syntax)."""

from __future__ import annotations

import json

import pytest

from infra.local.event_filter import InvalidPattern, matches, patterns_of

PAYMENT = {"kind": "order", "total": 25, "paid": True, "note": None, "memo": "", "region": "EU-West",
           "tags": ["gift", "rush"], "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
           "address": {"country": "DE", "city": "Berlin"}}

CASES = [
    # (why, pattern, record, expected)
    ("exact value", {"kind": ["order"]}, PAYMENT, True),
    ("any of several values", {"kind": ["return", "order"]}, PAYMENT, True),
    ("no value matches", {"kind": ["return"]}, PAYMENT, False),
    ("absent field", {"channel": ["web"]}, PAYMENT, False),
    ("every field must match", {"kind": ["order"], "total": [30]}, PAYMENT, False),
    ("number equals number", {"total": [25.0]}, PAYMENT, True),
    ("number is not its string", {"total": ["25"]}, PAYMENT, False),
    ("boolean", {"paid": [True]}, PAYMENT, True),
    ("true is not 1", {"paid": [1]}, PAYMENT, False),
    ("null matches null", {"note": [None]}, PAYMENT, True),
    ("null does not match absent", {"channel": [None]}, PAYMENT, False),
    ("empty string", {"memo": [""]}, PAYMENT, True),
    ("empty string is not null", {"note": [""]}, PAYMENT, False),
    ("prefix", {"region": [{"prefix": "EU-"}]}, PAYMENT, True),
    ("prefix is case sensitive", {"region": [{"prefix": "eu-"}]}, PAYMENT, False),
    ("prefix ignoring case", {"region": [{"prefix": {"equals-ignore-case": "eu-"}}]}, PAYMENT, True),
    ("suffix", {"region": [{"suffix": "West"}]}, PAYMENT, True),
    ("suffix on a number", {"total": [{"suffix": "5"}]}, PAYMENT, False),
    ("equals-ignore-case", {"region": [{"equals-ignore-case": "eu-west"}]}, PAYMENT, True),
    ("anything-but a list", {"kind": [{"anything-but": ["return", "refund"]}]}, PAYMENT, True),
    ("anything-but excludes", {"kind": [{"anything-but": ["order"]}]}, PAYMENT, False),
    ("anything-but one value", {"total": [{"anything-but": 25}]}, PAYMENT, False),
    ("anything-but a prefix", {"region": [{"anything-but": {"prefix": "US-"}}]}, PAYMENT, True),
    ("anything-but a matching prefix", {"region": [{"anything-but": {"prefix": "EU-"}}]}, PAYMENT, False),
    ("anything-but needs the field", {"channel": [{"anything-but": ["web"]}]}, PAYMENT, False),
    ("numeric range", {"total": [{"numeric": [">", 0, "<=", 25]}]}, PAYMENT, True),
    ("numeric out of range", {"total": [{"numeric": [">", 25]}]}, PAYMENT, False),
    ("numeric equals", {"total": [{"numeric": ["=", 25]}]}, PAYMENT, True),
    ("numeric on a string", {"kind": [{"numeric": [">", 0]}]}, PAYMENT, False),
    ("exists", {"note": [{"exists": True}]}, PAYMENT, True),
    ("exists on absent", {"channel": [{"exists": True}]}, PAYMENT, False),
    ("does not exist", {"channel": [{"exists": False}]}, PAYMENT, True),
    ("does not exist, but does", {"kind": [{"exists": False}]}, PAYMENT, False),
    ("nested object", {"address": {"country": ["DE"]}}, PAYMENT, True),
    ("nested mismatch", {"address": {"country": ["FR"]}}, PAYMENT, False),
    ("nested under an absent object", {"billing": {"country": ["DE"]}}, PAYMENT, False),
    ("not exists under an absent object", {"billing": {"country": [{"exists": False}]}}, PAYMENT, True),
    ("list field: any element", {"tags": ["rush"]}, PAYMENT, True),
    ("list field: no element", {"tags": ["fragile"]}, PAYMENT, False),
    ("list of objects: any element", {"lines": {"sku": ["B-7"]}}, PAYMENT, True),
    ("list of objects: fields of one element", {"lines": {"sku": ["B-7"], "qty": [1]}}, PAYMENT, True),
    ("list of objects: no element", {"lines": {"sku": ["C-9"]}}, PAYMENT, False),
]


@pytest.mark.parametrize(
    ("pattern", "record", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_pattern_matches_as_lambda_documents(pattern, record, expected):
    # GIVEN a pattern and a record
    # WHEN the record is filtered
    # THEN it passes exactly when Lambda would deliver it
    assert matches([pattern], record) is expected


def test_a_record_passes_when_any_pattern_matches():
    # GIVEN two patterns of which only the second matches
    patterns = [{"kind": ["return"]}, {"address": {"city": ["Berlin"]}}]

    # WHEN / THEN the record passes
    assert matches(patterns, PAYMENT)


def test_without_patterns_every_record_passes():
    # GIVEN a source without FilterCriteria
    # WHEN / THEN any record passes
    assert matches([], PAYMENT)


DYNAMODB_INSERT = {
    "eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
    "dynamodb": {
        "Keys": {"pk": {"S": "ORDER#1"}},
        "NewImage": {"pk": {"S": "ORDER#1"}, "status": {"S": "approved"}},
        "SequenceNumber": "111",
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT"]}, True),
        ({"eventName": ["MODIFY", "REMOVE"]}, False),
        ({"dynamodb": {"NewImage": {"status": {"S": ["approved"]}}}}, True),
        ({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ORDER#"}]}}}}, True),
        ({"dynamodb": {"OldImage": {"status": {"S": [{"exists": True}]}}}}, False),
    ],
)
def test_stream_records_are_matched_as_lambda_delivers_them(pattern, expected):
    # GIVEN a DynamoDB stream INSERT record
    # WHEN / THEN patterns address its fields in the typed AttributeValue shape
    assert matches([pattern], DYNAMODB_INSERT) is expected


def sqs_record(body: str) -> dict:
    return {"messageId": "m-1", "body": body, "messageAttributes": {}, "eventSource": "aws:sqs"}


def test_an_sqs_json_body_is_matched_as_an_object():
    # GIVEN a message whose body is a JSON object
    record = sqs_record(json.dumps({"kind": "job", "attempt": 2}))

    # WHEN / THEN patterns see inside the body
    assert matches([{"body": {"kind": ["job"], "attempt": [{"numeric": ["<", 3]}]}}], record)
    assert not matches([{"body": {"kind": ["noise"]}}], record)


def test_an_sqs_plain_body_is_matched_as_a_string():
    # GIVEN a message whose body is not JSON
    record = sqs_record("hello there")

    # WHEN / THEN the body is a string to patterns, and has no fields
    assert matches([{"body": [{"prefix": "hello"}]}], record)
    assert not matches([{"body": {"kind": ["job"]}}], record)


def test_patterns_of_reads_filter_criteria():
    # GIVEN FilterCriteria as template.yaml spells it
    criteria = {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}, {"Pattern": '{"body": {"a": [1]}}'}]}

    # WHEN it is read
    # THEN each pattern is parsed
    assert patterns_of(criteria) == [{"eventName": ["INSERT"]}, {"body": {"a": [1]}}]
    assert patterns_of(None) == []


@pytest.mark.parametrize(
    "pattern",
    [
        '{"kind": "order"}',
        '{"kind": []}',
        '{}',
        '{"kind": [["order"]]}',
        '{"kind": [{"wildcard": "o*"}]}',
        '{"kind": [{"prefix": "a", "suffix": "b"}]}',
        '{"kind": [{"exists": "yes"}]}',
        '{"total": [{"numeric": [">"]}]}',
        '{"total": [{"numeric": ["~", 1]}]}',
        '{"total": [{"numeric": [">", "1"]}]}',
        '{"kind": [{"prefix": {"suffix": "x"}}]}',
        '{"kind": [{"anything-but": {"numeric": [">", 1]}}]}',
    ],
)
def test_patterns_lambda_would_refuse_are_refused(pattern):
    # GIVEN a malformed pattern
    # WHEN / THEN reading it fails before any record is filtered
    with pytest.raises(InvalidPattern):
        patterns_of({"Filters": [{"Pattern": pattern}]})
