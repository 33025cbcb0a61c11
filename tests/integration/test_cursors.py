"""A malformed `after` on any listing is the caller's mistake, named: 400, not 500."""

from __future__ import annotations

import pytest

from tests.factories import ADMIN_PRINCIPAL, api_event, response_json

LOCATION = {"principalId": "location:wh-reno", "kind": "location", "location_id": "wh-reno"}
LISTINGS = [
    ("ReviewFunction", "/orders", "/orders", ADMIN_PRINCIPAL, None),
    ("FulfilmentFunction", "/shipments", "/shipments", LOCATION, None),
    ("InventoryFunction", "/inventory/{sku}/{location_id}/movements", "/inventory/MUG-LOGO/wh-reno/movements",
     ADMIN_PRINCIPAL, {"sku": "MUG-LOGO", "location_id": "wh-reno"}),
]


@pytest.mark.parametrize(("function_id", "resource", "path", "principal", "parameters"), LISTINGS)
def test_a_malformed_cursor_is_a_400_naming_after(deployed, function_id, resource, path, principal, parameters):
    event = api_event("GET", resource, path, principal=principal, path_parameters=parameters)
    event["queryStringParameters"] = {"after": "bm90IGEgY3Vyc29y"}  # "not a cursor"
    event["multiValueQueryStringParameters"] = {"after": ["bm90IGEgY3Vyc29y"]}

    answer = deployed.function(function_id).invoke(event)

    assert answer["statusCode"] == 400, answer
    assert "after" in str(response_json(answer))
