"""Any field of a documented payload replaced by any JSON value: the adapter either reads the
push or names what it cannot read (CarrierPayloadError), and never fails any other way."""

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from oms.carriers import CarrierPayloadError, TrackingUpdate, adapter
from tests.unit.carriers.senders import FIXTURES

DOCUMENTED = sorted((path.parent.name, path.name) for path in FIXTURES.glob("*/*.json"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every place in a JSON document a value sits, the document itself included."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from paths(child, (*prefix, key))


def replaced(document, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copy


@pytest.mark.parametrize(("provider", "name"), DOCUMENTED)
# Nested JSON values are sometimes slow to draw on a loaded machine; speed is not what this checks.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=json_values)
def test_a_payload_with_any_field_replaced_is_read_or_refused_by_name(provider, name, data, value):
    document = json.loads((FIXTURES / provider / name).read_text())
    path = data.draw(st.sampled_from(list(paths(document))))

    try:
        updates = adapter(provider).to_tracking_updates(replaced(document, path, value))
    except CarrierPayloadError as error:
        assert error.problems and all(problem["field"] for problem in error.problems)
    else:
        assert all(isinstance(update, TrackingUpdate) for update in updates)
