"""Customer service over the API: cancel units, change the address, returns and refunds, lookup by
number, and requests repeated under one Idempotency-Key."""

from __future__ import annotations

import json

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from oms.changes import Change, ShipmentMove
from oms.store.tables import Tables
from tests.emf import counted
from tests.factories import ADMIN_PRINCIPAL, api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import read, stream_event

# Two lines no one location holds both of at the demo stock: two shipments; paid by card.
SPLIT = dict(lines=[{"sku": "TSHIRT-BLUE-L", "quantity": 2, "unit_price": "20.00"},
                    {"sku": "MUG-LOGO", "quantity": 1, "unit_price": "12.00"}], shipping="5.00", tax="4.16",
             discount="0", total="61.16")
NEW_YORK = {"line1": "9 Park Ave", "city": "New York", "region": "NY", "postal_code": "10016", "country": "US"}


@pytest.fixture
def tables(deployed):
    return Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"), deployed.client("dynamodb"))


def place(deployed, **overrides) -> str:
    intake, allocation = deployed.function("IntakeFunction"), deployed.function("AllocationFunction")
    order_id = response_json(intake.invoke(api_event("POST", "/orders", body=unique_order_payload(**overrides),
                                                     principal=channel_principal())))["order_id"]
    allocation.invoke(stream_event(deployed, order_id))
    return order_id


def call(deployed, function_id, resource, path, body=None, principal=ADMIN_PRINCIPAL, headers=None, **path_parameters):
    answer = deployed.function(function_id).invoke(api_event("POST", resource, path, body=body, principal=principal,
                                                             path_parameters=path_parameters, headers=headers))
    return answer["statusCode"], response_json(answer)


def cancel(deployed, order_id, body=None, principal=ADMIN_PRINCIPAL):
    return call(deployed, "ReviewFunction", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel", body,
                principal, order_id=order_id)


def reserved(tables) -> int:
    return sum(s.reserved for sku in ("TSHIRT-RED-M", "TSHIRT-BLUE-L", "MUG-LOGO") for s in tables.stock(sku))


def test_cancelling_one_line_withdraws_its_shipment_releases_its_units_and_owes_its_price(deployed, tables):
    order_id = place(deployed, **SPLIT)
    mug = next(s for s in tables.order(order_id).shipments if s.lines[0].sku == "MUG-LOGO")

    status, done = cancel(deployed, order_id, {"lines": [{"line_no": 2, "quantity": 1}], "reason": "changed mind"})

    assert status == 200 and done["cancelled"] == [{"line_no": 2, "quantity": 1}]
    # 12.00 for the mug and its share of the 4.16 tax (12/52), no shipping: the tee still ships
    assert Decimal(done["refund"]["amount"]) == Decimal("12.96") and done["refund"]["status"] == "requested"
    order = tables.order(order_id)
    assert order.lines[1].cancelled == 1 and order.status == "allocated"
    assert next(s for s in order.shipments if s.shipment_id == mug.shipment_id).status == "cancelled"
    assert reserved(tables) == 2
    assert [r.refund_id for r in order.refunds] == [done["refund"]["refund_id"]]


def test_cancelling_what_has_shipped_is_refused_with_the_way_to_return_it(deployed, tables):
    order_id = place(deployed)
    shipment = tables.order(order_id).shipments[0]
    call(deployed, "FulfilmentFunction", "/shipments/{shipment_id}/ship", f"/shipments/{shipment.shipment_id}/ship",
         {"carrier": "UPS", "tracking_number": "1Z1"}, {"principalId": "l", "kind": "location",
                                                        "location_id": shipment.location_id},
         shipment_id=shipment.shipment_id)

    status, body = cancel(deployed, order_id)

    assert status == 409 and "returned once delivered" in body["message"]
    assert tables.order(order_id).history[-1].refused


def test_a_channel_cancels_its_own_orders_only(deployed, tables, capsys):
    order_id = place(deployed)

    other = cancel(deployed, order_id, principal=channel_principal("shopify"))
    own = cancel(deployed, order_id, principal=channel_principal("web"))

    assert other[0] == 403 and own[0] == 200 and own[1]["status"] == "cancelled"
    assert counted(capsys.readouterr().out, "ReviewDecisions", service="review", decision="cancelled") == 1
    assert reserved(tables) == 0
    refund = own[1]["refund"]
    assert Decimal(refund["amount"]) == Decimal("48.18") and Decimal(refund["shipping"]) == Decimal("5.00")


def test_a_new_address_far_away_is_sourced_again_and_stays_sealed(deployed, tables):
    order_id = place(deployed)  # San Francisco: shipped from Reno
    before = tables.order(order_id).shipments[0]

    status, body = call(deployed, "ServiceFunction", "/orders/{order_id}/address", f"/orders/{order_id}/address",
                        {"shipping_address": NEW_YORK}, order_id=order_id)

    assert status == 200 and body["status"] == "approved"
    assert [s["status"] for s in body["shipments"]] == ["cancelled"] and reserved(tables) == 0
    deployed.function("AllocationFunction").invoke(stream_event(deployed, order_id))
    after = tables.order(order_id)
    assert after.status == "allocated"
    assert [s.location_id for s in after.shipments if s.status == "pending"] != [before.location_id]
    shown = read(deployed.function("IntakeFunction"), order_id)
    assert shown["shipping_address"]["line1"] == "9 Park Ave" and shown["customer"]["name"] == "Ada Lovelace"
    assert "9 Park Ave" not in str(deployed.items("OrdersTable"))


def test_a_new_address_the_same_shipment_serves_keeps_it(deployed, tables):
    order_id = place(deployed)
    nearby = {"line1": "500 Howard St", "city": "San Francisco", "region": "CA", "postal_code": "94105",
              "country": "US"}

    status, body = call(deployed, "ServiceFunction", "/orders/{order_id}/address", f"/orders/{order_id}/address",
                        {"shipping_address": nearby}, order_id=order_id)

    assert status == 200 and body["status"] == "allocated"
    assert [s["status"] for s in body["shipments"]] == ["pending"] and reserved(tables) == 2


def test_a_bad_address_is_refused_naming_the_field(deployed):
    order_id = place(deployed)

    status, body = call(deployed, "ServiceFunction", "/orders/{order_id}/address", f"/orders/{order_id}/address",
                        {"shipping_address": {**NEW_YORK, "country": "Atlantis"}}, order_id=order_id)

    assert status == 422 and body["errors"][0]["field"] == "shipping_address.country"


def deliver(tables, order_id, days_ago=2):
    """As a carrier's delivery event will (carrier updates come with tracking)."""
    order = tables.order(order_id)
    shipment = order.shipments[0]
    at = datetime.now(UTC) - timedelta(days=days_ago)
    shipped = shipment.model_copy(update={"status": "shipped"})
    tables.commit(Change(at=at, actor="carrier", order_id=order_id, order_from=order.status,
                         order_version=order.version, order_to="delivered",
                         shipment_moves=(ShipmentMove(shipment, "shipped", shipped_at=at),)))
    order = tables.order(order_id)
    tables.commit(Change(at=at, actor="carrier", order_id=order_id, order_from=order.status, order_version=order.version,
                         shipment_moves=(ShipmentMove(shipped, "delivered", delivered_at=at),)))


def test_a_return_is_authorised_received_into_stock_and_refunded(deployed, tables, capsys):
    order_id = place(deployed)
    deliver(tables, order_id)

    status, asked = call(deployed, "ServiceFunction", "/orders/{order_id}/returns", f"/orders/{order_id}/returns",
                         {"lines": [{"line_no": 1, "quantity": 2, "reason": "too_small"}]}, order_id=order_id)
    assert status == 201 and asked["status"] == "authorised" and asked["return_to"]
    where = asked["return_to"]
    on_hand = next(s.on_hand for s in tables.stock("TSHIRT-RED-M") if s.location_id == where)

    got = call(deployed, "ServiceFunction", "/returns/{return_id}/receive", f"/returns/{asked['return_id']}/receive",
               {"lines": [{"line_no": 1, "quantity": 1, "condition": "sellable"},
                          {"line_no": 1, "quantity": 1, "condition": "damaged"}]},
               {"principalId": "l", "kind": "location", "location_id": where}, return_id=asked["return_id"])

    assert got[0] == 200 and got[1]["status"] == "received"
    assert next(s.on_hand for s in tables.stock("TSHIRT-RED-M") if s.location_id == where) == on_hand + 1
    order = tables.order(order_id)
    assert order.status == "returned"
    (refund,) = order.refunds
    assert refund.reason == "return" and refund.amount == Decimal("43.18")  # the goods and their tax, no shipping

    confirmed = call(deployed, "ServiceFunction", "/refunds/{refund_id}/confirm", f"/refunds/{refund.refund_id}/confirm",
                     {"channel_refund_id": "re_123"}, refund_id=refund.refund_id)
    again = call(deployed, "ServiceFunction", "/refunds/{refund_id}/confirm", f"/refunds/{refund.refund_id}/confirm",
                 refund_id=refund.refund_id)

    assert confirmed[0] == 200 and confirmed[1]["status"] == "refunded" and again[0] == 200
    order = tables.order(order_id)
    assert order.status == "refunded" and order.payment.status == "partially_refunded"
    shown = read(deployed.function("IntakeFunction"), order_id)
    assert shown["returns"][0]["status"] == "received" and shown["refunds"][0]["status"] == "refunded"
    output = capsys.readouterr().out
    assert [counted(output, "CustomerRequests", service="service", action=action)
            for action in ("request_return", "receive_return", "confirm_refund")] == [1, 1, 2]


def test_a_return_after_the_window_waits_for_a_person(deployed, tables):
    order_id = place(deployed)
    deliver(tables, order_id, days_ago=45)

    status, asked = call(deployed, "ServiceFunction", "/orders/{order_id}/returns", f"/orders/{order_id}/returns",
                         {"lines": [{"line_no": 1, "quantity": 1, "reason": "no_longer_needed"}]}, order_id=order_id)
    early = call(deployed, "ServiceFunction", "/returns/{return_id}/receive", f"/returns/{asked['return_id']}/receive",
                 {"lines": [{"line_no": 1, "quantity": 1, "condition": "sellable"}], "location_id": "wh-reno"},
                 return_id=asked["return_id"])
    authorised = call(deployed, "ServiceFunction", "/returns/{return_id}/authorise",
                      f"/returns/{asked['return_id']}/authorise", return_id=asked["return_id"])

    assert status == 201 and asked["status"] == "requested" and "window is 30 days" in asked["held_because"]
    assert early[0] == 409
    assert authorised[0] == 200 and authorised[1]["status"] == "authorised"


def test_nothing_undelivered_can_be_returned(deployed):
    order_id = place(deployed)

    status, body = call(deployed, "ServiceFunction", "/orders/{order_id}/returns", f"/orders/{order_id}/returns",
                        {"lines": [{"line_no": 1, "quantity": 1, "reason": "damaged"}]}, order_id=order_id)

    assert status == 409 and "delivered" in body["message"]


def test_an_order_is_found_by_the_number_its_customer_knows(deployed):
    order_id = place(deployed, channel_order_number="#7312")

    event = api_event("GET", "/orders", principal=ADMIN_PRINCIPAL)
    event["queryStringParameters"] = {"number": "7312", "channel": "web"}
    event["multiValueQueryStringParameters"] = {"number": ["7312"], "channel": ["web"]}
    listed = response_json(deployed.function("ReviewFunction").invoke(event))

    assert [order["order_id"] for order in listed["orders"]] == [order_id]


def test_a_request_repeated_with_its_idempotency_key_is_done_once(deployed, tables, capsys):
    def adjust(delta, key):
        return call(deployed, "InventoryFunction", "/inventory/{sku}/{location_id}/adjust",
                    "/inventory/MUG-LOGO/wh-reno/adjust", {"delta": delta, "reason": "found in the aisle"},
                    headers={"Idempotency-Key": key}, sku="MUG-LOGO", location_id="wh-reno")

    first, again, other = adjust(3, "count-17"), adjust(3, "count-17"), adjust(4, "count-17")

    assert first == again and first[0] == 200
    assert other[0] == 422 and other[1]["errors"][0]["field"] == "Idempotency-Key"
    assert next(s.on_hand for s in tables.stock("MUG-LOGO") if s.location_id == "wh-reno") == 303
    assert counted(capsys.readouterr().out, "StockUpdates", service="inventory") == 1  # the repeat is answered, not done


def test_a_refund_due_is_published_for_the_channels_integration(deployed, capsys):
    sqs = deployed.client("sqs")
    inbox = deployed.inbox("RefundRequestsTopic", "refund-integration", FilterPolicy='{"channel": ["web"]}')
    order_id = place(deployed)
    refund = cancel(deployed, order_id)[1]["refund"]

    relay = deployed.function("RefundRequestFunction")
    assert relay.invoke(deployed.stream_event("RefundRequestFunction", "NewRefunds")) == {"batchItemFailures": []}

    (message,) = sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10)["Messages"]
    published = json.loads(message["Body"])
    assert published["event"] == "refund.requested" and published["refund"]["refund_id"] == refund["refund_id"]
    assert published["refund"]["channel_order_id"] and published["refund"]["amount"] == refund["amount"]
    assert counted(capsys.readouterr().out, "RefundRequestsPublished", service="refund-requests") == 1
