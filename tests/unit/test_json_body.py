"""Request bodies: JSON objects within limits, and a clear 4xx for anything else."""

import json

import pytest

from oms.json_body import MAX_BODY_BYTES, MAX_DEPTH, BodyRejected, parse_json_object


def nested(levels: int) -> str:
    return '{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)


def test_an_object_within_the_limits_is_read():
    assert parse_json_object(nested(MAX_DEPTH)) is not None
    assert parse_json_object(b'{"total": "1.00"}') == {"total": "1.00"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"{oops", 400),
        (nested(MAX_DEPTH + 1), 400),
        ("[" * 100_000 + "]" * 100_000, 400),  # deeper than the parser's own recursion
        (b"[1, 2]", 422),
        (b'"text"', 422),
        (json.dumps({"pad": "x" * MAX_BODY_BYTES}), 413),
    ],
)
def test_anything_else_is_refused_with_its_status(body, status):
    with pytest.raises(BodyRejected) as rejected:
        parse_json_object(body)

    assert rejected.value.status == status
    assert rejected.value.errors[0]["field"] == "body"
