"""Orders screened on arrival, held ones listed for operations, approved or cancelled by them."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities import parameters

from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, response_json, unique_order_payload


@pytest.fixture
def review(deployed):
    return deployed.function("ReviewFunction")


def post(intake, payload):
    return response_json(intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal())))


def held(review, **query):
    event = api_event("GET", "/orders", principal=ADMIN_PRINCIPAL)
    event["queryStringParameters"] = query or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    return review.invoke(event)


def decide(review, order_id, action, body=None):
    return review.invoke(api_event("POST", f"/orders/{{order_id}}/{action}", f"/orders/{order_id}/{action}",
                                   body=body, principal=ADMIN_PRINCIPAL, path_parameters={"order_id": order_id}))


def rules(deployed, **changes):
    ssm = deployed.client("ssm")
    name = deployed.environment("IntakeFunction")["OMS_SCREENING_RULES"]
    current = json.loads(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    ssm.put_parameter(Name=name, Value=json.dumps({**current, **changes}), Type="String", Overwrite=True)


def test_an_ordinary_order_is_approved_automatically(deployed, intake):
    order = post(intake, unique_order_payload())

    assert order["status"] == "approved" and order["hold_reasons"] == []


def test_an_unknown_sku_is_accepted_and_held_never_dropped(deployed, intake):
    order = post(intake, unique_order_payload(
        lines=[{"sku": "NEVER-STOCKED", "quantity": 1, "unit_price": "39.98"}], total="48.18"))

    assert order["status"] == "on_hold" and order["hold_reasons"] == ["unknown_sku"]
    assert "unknown_sku" in order["history"][-1]["reason"]


def test_a_customer_ordering_too_often_is_held(deployed, intake):
    payload = unique_order_payload()
    customer = payload["customer"]
    statuses = [post(intake, unique_order_payload(customer=customer))["status"] for _ in range(6)]

    assert statuses == ["approved"] * 5 + ["on_hold"]


def test_rules_come_from_configuration(deployed, intake):
    # GIVEN operations lower the value limit in Parameter Store (intake caches rules for a minute)
    post(intake, unique_order_payload())
    rules(deployed, max_order_value={"USD": "10.00"})
    parameters.clear_caches()  # as the minute passing, or a new container, would

    order = post(intake, unique_order_payload())

    assert order["hold_reasons"] == ["order_value_over_limit"]


def test_operations_list_held_orders_and_approve_or_cancel_them(deployed, intake, review):
    unknown = [{"sku": "NEW-SKU", "quantity": 1, "unit_price": "39.98"}]
    first, second = (post(intake, unique_order_payload(lines=unknown))["order_id"] for _ in range(2))
    post(intake, unique_order_payload())  # approved: not listed

    listing = response_json(held(review))
    assert {order["order_id"] for order in listing["orders"]} == {first, second}
    assert all(order["hold_reasons"] == ["unknown_sku"] and "customer" not in order for order in listing["orders"])

    approved = decide(review, first, "approve", {"reason": "new SKU confirmed with buying"})
    cancelled = decide(review, second, "cancel")

    assert (approved["statusCode"], cancelled["statusCode"]) == (200, 200)
    assert response_json(held(review))["orders"] == []
    history = response_json(intake.invoke(api_event("GET", "/orders/{order_id}", f"/orders/{first}",
                                                    principal=ADMIN_PRINCIPAL, path_parameters={"order_id": first})))
    assert history["status"] == "approved"
    assert history["history"][-1] == {**history["history"][-1], "actor": "admin", "from_status": "on_hold",
                                      "reason": "new SKU confirmed with buying"}


def test_a_decision_the_lifecycle_refuses_is_a_409_and_changes_nothing(deployed, intake, review):
    order_id = post(intake, unique_order_payload())["order_id"]
    decide(review, order_id, "cancel")

    again = decide(review, order_id, "approve")

    assert again["statusCode"] == 409 and "cancelled cannot become approved" in response_json(again)["message"]
    order = response_json(intake.invoke(api_event("GET", "/orders/{order_id}", f"/orders/{order_id}",
                                                  principal=ADMIN_PRINCIPAL, path_parameters={"order_id": order_id})))
    assert order["status"] == "cancelled"
    assert order["history"][-1]["refused"] and "approved refused" in order["history"][-1]["reason"]


def test_unknown_orders_and_bad_queries_are_4xx(deployed, review):
    assert decide(review, "ord_01JZZZZZZZZZZZZZZZZZZZZZZZ", "approve")["statusCode"] == 404
    assert held(review, status="nonsense")["statusCode"] == 400
    assert decide(review, "ord_x", "approve", {"unexpected": 1})["statusCode"] == 422
