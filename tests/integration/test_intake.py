"""The intake function behind API Gateway: orders in, stored once, read back."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest

from tests.emf import counted
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, order_payload, response_json


def post(intake, body, principal=None):
    principal = channel_principal() if principal is None else principal
    return intake.invoke(api_event("POST", "/orders", body=body, principal=principal))


def get(intake, order_id, principal=None):
    principal = channel_principal() if principal is None else principal
    event = api_event("GET", "/orders/{order_id}", f"/orders/{order_id}", principal=principal,
                      path_parameters={"order_id": order_id})
    return intake.invoke(event)


def entities(deployed) -> Counter:
    return Counter(item["entity"]["S"] for item in deployed.items("OrdersTable"))


def test_an_order_is_stored_once_and_read_back(deployed, intake):
    created = post(intake, order_payload())

    assert created["statusCode"] == 201
    order = response_json(created)
    assert order["status"] == "approved" and order["channel"] == "web"
    assert [event["to_status"] for event in order["history"]] == ["received", "approved"]
    assert created["headers"]["Location"] == f"/orders/{order['order_id']}"
    assert entities(deployed) == {"order": 1, "line": 1, "history": 2, "channel_order": 1}

    read = get(intake, order["order_id"])

    assert read["statusCode"] == 200
    assert response_json(read) == order


def test_a_retry_answers_200_with_the_same_order_and_writes_nothing(deployed, intake, capsys):
    first = response_json(post(intake, order_payload()))
    before = deployed.items("OrdersTable")
    assert counted(capsys.readouterr().out, "DuplicateOrderPosts", service="intake", channel="web") == 0

    again = post(intake, order_payload())

    assert again["statusCode"] == 200
    assert response_json(again) == first
    assert deployed.items("OrdersTable") == before
    assert counted(capsys.readouterr().out, "DuplicateOrderPosts", service="intake", channel="web") == 1


def test_the_same_channel_order_with_other_content_is_a_conflict(deployed, intake, capsys):
    first = response_json(post(intake, order_payload()))
    capsys.readouterr()

    changed = post(intake, order_payload(tax="4.20", total="49.18"))

    assert changed["statusCode"] == 409
    assert response_json(changed)["order_id"] == first["order_id"]
    assert entities(deployed)["order"] == 1
    assert counted(capsys.readouterr().out, "OrderPostsRefused", service="intake") == 1


def test_the_key_decides_the_channel(deployed, intake):
    web = response_json(post(intake, order_payload(), principal=channel_principal("web")))

    shopify = post(intake, order_payload(), principal=channel_principal("shopify"))

    assert shopify["statusCode"] == 201
    assert response_json(shopify)["channel"] == "shopify"
    assert response_json(shopify)["order_id"] != web["order_id"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{not json", 400, "body"),
        ("", 400, "body"),
        ("[1, 2]", 422, "body"),
        (order_payload(total="1.00"), 422, "total"),
        (order_payload(currency="ABC"), 422, "currency"),
        (order_payload(lines=[{"sku": "X", "quantity": -2, "unit_price": "1.00"}]), 422, "lines.0.quantity"),
        ({k: v for k, v in order_payload().items() if k != "customer"}, 422, "customer"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(deployed, intake, body, status, field, capsys):
    response = post(intake, body)

    assert response["statusCode"] == status
    assert field in {error["field"] for error in response_json(response)["errors"]}
    assert deployed.items("OrdersTable") == []
    assert counted(capsys.readouterr().out, "OrderPostsRefused", service="intake") == 1


def test_without_a_principal_from_the_authorizer_nothing_is_done(deployed, intake):
    # API Gateway answers 401 before the handler runs; a handler reached without one refuses.
    assert post(intake, order_payload(), principal={})["statusCode"] == 403
    assert deployed.items("OrdersTable") == []


def test_an_admin_key_cannot_post_an_order_for_some_channel(deployed, intake):
    assert post(intake, order_payload(), principal=ADMIN_PRINCIPAL)["statusCode"] == 403
    assert deployed.items("OrdersTable") == []


def test_a_channel_reads_its_own_orders_only_and_an_admin_reads_all(deployed, intake):
    order_id = response_json(post(intake, order_payload()))["order_id"]

    assert get(intake, order_id, principal=channel_principal("shopify"))["statusCode"] == 403
    assert get(intake, order_id, principal=ADMIN_PRINCIPAL)["statusCode"] == 200


@pytest.mark.parametrize("order_id", ["ord_01JZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "ORDER%23x"])
def test_an_unknown_order_is_404(deployed, intake, order_id):
    assert get(intake, order_id)["statusCode"] == 404


def test_eight_concurrent_posts_of_one_order_make_exactly_one_order(deployed):
    pool = deployed.pool("IntakeFunction", instances=8).warm()
    start = threading.Barrier(8)
    statuses, order_ids = [], set()

    def post_once():
        start.wait()
        response = pool.invoke(api_event("POST", "/orders", body=order_payload(), principal=channel_principal()))
        statuses.append(response["statusCode"])
        order_ids.add(json.loads(response["body"])["order_id"])

    threads = [threading.Thread(target=post_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200] * 7 + [201]
    assert len(order_ids) == 1
    assert entities(deployed) == {"order": 1, "line": 1, "history": 2, "channel_order": 1}
