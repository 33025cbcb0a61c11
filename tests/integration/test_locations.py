"""Operations create and edit locations; a location given a webhook gets its signing secret once."""

from __future__ import annotations

import json

import pytest

from tests.factories import ADMIN_PRINCIPAL, api_event, response_json

STORE = {"name": "Denver LoDo store", "kind": "store", "latitude": "39.7527", "longitude": "-105.0003",
         "country": "US", "can_ship": True, "can_pickup": True, "daily_capacity": 120,
         "channels": ["web", "shopify"], "handling_cost": "3.00", "timezone": "America/Denver"}


def put(deployed, location_id: str, body: dict) -> tuple[int, dict]:
    answer = deployed.function("InventoryFunction").invoke(api_event(
        "PUT", "/locations/{location_id}", f"/locations/{location_id}", body=body, principal=ADMIN_PRINCIPAL,
        path_parameters={"location_id": location_id}))
    return answer["statusCode"], response_json(answer)


def held_secrets(deployed, location_id: str) -> list[str]:
    path = deployed.environment("InventoryFunction")["OMS_LOCATION_SECRETS_PATH"]
    value = deployed.client("ssm").get_parameter(Name=f"{path}/{location_id}", WithDecryption=True)["Parameter"]
    return json.loads(value["Value"])


def test_a_new_location_is_created_and_listed(deployed):
    status, created = put(deployed, "store-denver", STORE)

    assert status == 201 and created["timezone"] == "America/Denver" and "webhook_secret" not in created
    listed = response_json(deployed.function("InventoryFunction").invoke(
        api_event("GET", "/locations", principal=ADMIN_PRINCIPAL)))["locations"]
    assert "store-denver" in [location["location_id"] for location in listed]


def test_a_webhook_gets_a_secret_shown_once_and_rotation_keeps_the_previous_one(deployed):
    status, created = put(deployed, "store-denver", {**STORE, "webhook_url": "https://denver.example.com/oms"})
    again = put(deployed, "store-denver", {**STORE, "webhook_url": "https://denver.example.com/oms",
                                           "daily_capacity": 90})
    rotated = put(deployed, "store-denver", {**STORE, "webhook_url": "https://denver.example.com/oms",
                                             "rotate_webhook_secret": True})

    first = created["webhook_secret"]
    assert status == 201 and first.startswith("whsec_")
    assert again[0] == 200 and "webhook_secret" not in again[1] and again[1]["daily_capacity"] == 90
    assert held_secrets(deployed, "store-denver") == [rotated[1]["webhook_secret"], first]


@pytest.mark.parametrize(("change", "field"), [
    ({"webhook_url": "http://denver.example.com/oms"}, "webhook_url"),  # a customer's address goes over https only
    ({"timezone": "Mountain"}, "timezone"),
    ({"kind": "shed"}, "kind"),
    ({"latitude": "200"}, "latitude"),
])
def test_a_bad_location_is_refused_naming_the_field(deployed, change, field):
    status, body = put(deployed, "store-denver", {**STORE, **change})

    assert status == 422 and body["errors"][0]["field"] == field
    assert put(deployed, "store-denver", STORE)[0] == 201  # nothing was stored
