"""The canonical order contract: what it accepts, and how it names what is wrong."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from oms.models import MAX_LINES, OrderSubmission, field_errors
from tests.factories import order_payload


def problems(payload: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        OrderSubmission.model_validate(payload)
    return {error["field"]: error["problem"] for error in field_errors(raised.value)}


def test_the_issue_example_is_accepted_with_money_as_decimal():
    order = OrderSubmission.model_validate(order_payload())

    assert order.total == Decimal("48.18")
    assert order.subtotal == Decimal("39.98")  # derived from the lines when not sent
    assert order.placed_at == datetime(2026, 11, 20, 10, 15, tzinfo=UTC)


def test_json_keeps_money_exact_and_times_in_utc():
    order = OrderSubmission.model_validate(order_payload(placed_at="2026-11-20T11:15:00+01:00"))

    dumped = order.model_dump(mode="json")

    assert dumped["total"] == "48.18"
    assert dumped["lines"][0]["unit_price"] == "19.99"
    assert dumped["placed_at"] == "2026-11-20T10:15:00.000Z"


def test_codes_are_normalised():
    payload = order_payload(currency="usd")
    payload["shipping_address"]["country"] = "us"
    payload["customer"]["email"] = "Ada@EXAMPLE.com"

    order = OrderSubmission.model_validate(payload)

    assert (order.currency, order.shipping_address.country) == ("USD", "US")
    assert order.customer.email == "Ada@example.com"  # the local part is the mailbox owner's


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["lines"][0].update(quantity=-1), "lines.0.quantity"),
        (lambda p: p["lines"][0].update(quantity=0), "lines.0.quantity"),
        (lambda p: p["lines"][0].update(unit_price="-1.00"), "lines.0.unit_price"),
        (lambda p: p.update(total="50.00"), "total"),
        (lambda p: p.update(subtotal="10.00"), "subtotal"),
        (lambda p: p.update(currency="XXZ"), "currency"),
        (lambda p: p.pop("channel_order_id"), "channel_order_id"),
        (lambda p: p["customer"].pop("email"), "customer.email"),
        (lambda p: p["customer"].update(email="not-an-email"), "customer.email"),
        (lambda p: p["customer"].update(phone="415-555-0100"), "customer.phone"),
        (lambda p: p["shipping_address"].update(country="XX"), "shipping_address.country"),
        (lambda p: p.pop("shipping_address"), "shipping_address"),
        (lambda p: p.update(placed_at="2026-11-20T10:15:00"), "placed_at"),
        (lambda p: p.update(placed_at="yesterday"), "placed_at"),
        (lambda p: p.update(lines=[]), "lines"),
        (lambda p: p.update(payment={"method": "cheque", "status": "paid"}), "payment.method"),
        (lambda p: p.update(delivery={"method": "store_pickup"}), "delivery"),
        (lambda p: p.update(shipping=0.1), "total"),
        (lambda p: p.update(surprise="field"), "surprise"),
        (lambda p: p["lines"][0].update(discounts=[{"amount": "100.00"}]), "lines.0"),
    ],
)
def test_each_bad_input_names_its_field(change, field):
    payload = order_payload()
    change(payload)

    assert field in problems(payload)


def test_a_failing_line_is_reported_once_not_also_as_an_empty_list():
    payload = order_payload(lines=[{"sku": "A", "quantity": -1, "unit_price": "1.00"}])

    assert list(problems(payload)) == ["lines.0.quantity"]


def test_all_problems_are_reported_together():
    payload = order_payload(currency="XXZ", total="1.00")
    payload["customer"]["email"] = "nope"

    assert {"currency", "total", "customer.email"} <= set(problems(payload))


def test_an_order_from_the_future_is_refused():
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    assert "placed_at" in problems(order_payload(placed_at=tomorrow))


def test_line_discounts_and_order_discount_enter_the_total():
    payload = order_payload(
        lines=[
            {"sku": "A", "quantity": 3, "unit_price": "10.00", "discounts": [{"code": "3FOR2", "amount": "10.00"}]},
            {"sku": "B", "quantity": 1, "unit_price": "5.50"},
        ],
        shipping="4.00", tax="2.00", discount="1.50", total="30.00",
    )

    order = OrderSubmission.model_validate(payload)

    assert order.subtotal == Decimal("25.50")


def test_store_pickup_needs_no_shipping_address():
    payload = order_payload(delivery={"method": "store_pickup", "pickup_location_id": "store-sf"})
    payload.pop("shipping_address")

    assert OrderSubmission.model_validate(payload).delivery.pickup_location_id == "store-sf"


def test_orders_longer_than_one_transaction_are_refused_by_name():
    line = {"sku": "A", "quantity": 1, "unit_price": "1.00"}
    payload = order_payload(lines=[line] * (MAX_LINES + 1), shipping="0", tax="0", total=str(MAX_LINES + 1))

    assert "lines" in problems(payload)
