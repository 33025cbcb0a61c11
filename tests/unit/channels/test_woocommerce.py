"""WooCommerce's order webhook (the REST API v3 order) becomes the canonical order."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, woocommerce
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "woocommerce"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_a_paid_order_maps_lines_coupon_shipping_and_tax_exactly():
    # GIVEN a processing order paid by card: two lines under a 10% coupon, flat-rate shipping, 19% VAT
    payload = fixture("order.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN prices come from the subtotals, the coupon is each line's discount, and the total adds up
    submission = order.submission
    assert (submission.channel_order_id, submission.channel_order_number) == ("5821", "5821")
    assert submission.currency == "EUR"
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in submission.lines] == [
        ("BEANIE-MER-CHR", "Merino Beanie – Charcoal", 2, Decimal("25.00")),
        ("SOCK-TRL-3P", "Trail Socks (3-pack)", 1, Decimal("18.00")),
    ]
    assert [[(d.amount, d.code) for d in line.discounts] for line in submission.lines] == [
        [(Decimal("5.00"), "winter10")],
        [(Decimal("1.80"), "winter10")],
    ]
    assert submission.subtotal == Decimal("61.20")
    assert submission.shipping == Decimal("4.90")
    assert submission.tax == Decimal("12.56")
    assert submission.discount == Decimal("0")  # discount_total 6.80 is already on the lines
    assert submission.total == Decimal("78.66")
    assert submission.total_discrepancy is None
    assert submission.payment.model_dump() == {
        "method": PaymentMethod.CARD, "status": PaymentStatus.PAID, "reference": "pi_3RbWq2LkZx81Hn0a1sV7eQ4c",
    }
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert (order.status, order.channel_status, order.notes) == (OrderStatus.RECEIVED, "processing", ())


def test_the_time_is_the_gmt_one_made_aware_not_the_site_local_one():
    # GIVEN an order created at 11:42:10 Berlin time, 10:42:10 GMT, both written without an offset
    payload = fixture("order.json")

    # WHEN it is adapted
    placed_at = woocommerce.to_channel_order(payload).submission.placed_at

    # THEN the order was placed at 10:42:10 UTC
    assert placed_at == datetime(2026, 3, 14, 10, 42, 10, tzinfo=UTC)


def test_the_customer_and_addresses_come_from_billing_and_shipping():
    # GIVEN a registered customer with a Berlin landline written locally and a mixed-case email domain
    payload = fixture("order.json")

    # WHEN it is adapted
    submission = woocommerce.to_channel_order(payload).submission

    # THEN the name is joined, the phone is E.164 for the billing country, the domain lower-cased
    assert submission.customer.model_dump() == {
        "name": "Lena Hoffmann", "email": "lena.hoffmann@example.org", "phone": "+493044027781",
    }
    address = submission.shipping_address
    assert (address.name, address.line1, address.line2, address.city, address.region, address.postal_code,
            address.country) == (
        "Lena Hoffmann", "Kastanienallee 27", "Hinterhaus, 3. OG", "Berlin", "BE", "10435", "DE",
    )
    assert submission.billing_address == address


def test_a_guest_on_hold_for_a_bank_transfer_with_a_local_phone_and_a_line_without_sku():
    # GIVEN a guest's order awaiting a bank transfer, a UK mobile written locally, a variation without SKU
    payload = fixture("guest_order_local_phone.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it is kept but not fulfilled, the phone is E.164, and the variation stands in for the SKU
    submission = order.submission
    assert submission.customer.phone == "+447700900461"
    assert (order.status, order.channel_status) == (OrderStatus.ON_HOLD, "on-hold")
    assert (submission.payment.method, submission.payment.status) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.PENDING,
    )
    assert [(line.sku, line.quantity, line.unit_price) for line in submission.lines] == [
        ("woocommerce-variation-81", 3, Decimal("7.50")),
        ("JUG-STN-1L", 1, Decimal("26.67")),
    ]
    assert order.notes == ("line_items.0 has no SKU: recorded as woocommerce-variation-81",)
    # prices include VAT at checkout, yet lines are net of it and the tax is stated apart
    assert (submission.tax, submission.total, submission.total_discrepancy) == (Decimal("9.83"), Decimal("59.00"), None)


def test_a_completed_order_is_shipped_and_a_partial_refund_is_said():
    # GIVEN a completed yen order paid with PayPal, one tenugui refunded since
    payload = fixture("completed_order.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it was shipped (WooCommerce does not know of delivery) and its money partly refunded
    submission = order.submission
    assert (order.status, order.channel_status) == (OrderStatus.SHIPPED, "completed")
    assert (submission.payment.method, submission.payment.status) == (
        PaymentMethod.WALLET, PaymentStatus.PARTIALLY_REFUNDED,
    )
    assert (submission.currency, submission.shipping, submission.tax, submission.total) == (
        "JPY", Decimal("800"), Decimal("1170"), Decimal("12870"),
    )
    assert submission.total_discrepancy is None  # the stated total stays the order's, refunds aside
    assert submission.customer.phone == "+81368124471"


def test_a_local_pickup_order_names_a_pickup_location_to_map():
    # GIVEN an order for pickup at the bakery (a local_pickup instance), to be paid there, no shipping address
    payload = fixture("local_pickup_order.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it is a store pickup at the method's instance, staff are told to map it, and cash is still to come
    submission = order.submission
    assert submission.delivery.model_dump() == {
        "method": DeliveryMethod.STORE_PICKUP, "pickup_location_id": "woocommerce-7",
    }
    assert submission.shipping_address is None
    assert order.notes == (
        "store pickup (Pick up at our Collingwood bakery): map pickup location woocommerce-7 to one of our stores",
    )
    assert (submission.payment.method, submission.payment.status) == (
        PaymentMethod.CASH_ON_DELIVERY, PaymentStatus.PENDING,
    )
    assert order.status == OrderStatus.RECEIVED


def test_a_completed_pickup_was_handed_over():
    # GIVEN the pickup order, completed: the customer collected it and paid
    payload = fixture("local_pickup_order.json") | {"status": "completed"}

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it is delivered, not waiting for a carrier
    assert (order.status, order.submission.payment.status) == (OrderStatus.DELIVERED, PaymentStatus.PAID)


def test_the_block_checkouts_pickup_location_is_named_from_its_meta():
    # GIVEN a pickup chosen in the block checkout: method pickup_location, no instance, the place in meta_data
    payload = fixture("local_pickup_order.json")
    payload["shipping_lines"][0].update(
        method_id="pickup_location", instance_id="0", method_title="Pickup",
        meta_data=[
            {"id": 1, "key": "pickup_location", "value": "Collingwood bakery"},
            {"id": 2, "key": "pickup_address", "value": "101 Smith St, Collingwood VIC 3066"},
        ],
    )

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the location id is the method's, and the note says which bakery
    assert order.submission.delivery.pickup_location_id == "woocommerce-pickup_location"
    assert order.notes == (
        "store pickup (Pickup; pickup_location: Collingwood bakery; "
        "pickup_address: 101 Smith St, Collingwood VIC 3066): "
        "map pickup location woocommerce-pickup_location to one of our stores",
    )


def test_an_older_stores_instance_rides_in_the_method_id():
    # GIVEN a pre-3.4 shipping line: "local_pickup:12" and no instance_id
    payload = fixture("local_pickup_order.json")
    line = payload["shipping_lines"][0]
    del line["instance_id"]
    line["method_id"] = "local_pickup:12"

    # WHEN it is adapted
    delivery = woocommerce.to_channel_order(payload).submission.delivery

    # THEN the instance is read from it
    assert (delivery.method, delivery.pickup_location_id) == (DeliveryMethod.STORE_PICKUP, "woocommerce-12")


def test_fees_and_a_price_that_does_not_divide_are_kept_honestly():
    # GIVEN 3 candles for 25.00, a gift-wrap fee, a loyalty fee of -5.00, and a gateway plugin we do not know
    payload = fixture("fee_lines_order.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the line nets to its 25.00, the negative fee is a discount, the positive one the discrepancy
    submission = order.submission
    (line,) = submission.lines
    assert (line.quantity, line.unit_price, [d.amount for d in line.discounts], line.net) == (
        3, Decimal("8.3334"), [Decimal("0.0002")], Decimal("25.00"),
    )
    assert (submission.discount, submission.shipping, submission.total) == (
        Decimal("5.00"), Decimal("6.00"), Decimal("30.00"),
    )
    assert submission.total_discrepancy == Decimal("4.00")
    assert submission.payment.method == PaymentMethod.CARD
    assert order.notes == (
        "line_items.0: 25.00 for 3 is 8.3334 each, rounded up; the 0.0002 over is carried as discount",
        "fee_lines.0 (Gift wrapping, 4.00) is not an order line: it is in the total only",
        "payment_method 'authorize_net_cim_credit_card' (Credit Card) is not one we know: recorded as card",
    )


def test_a_free_order_has_nothing_to_pay():
    # GIVEN an order a 100% coupon made free: no gateway, total 0.00
    payload = fixture("free_order.json")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the whole line is discounted under the coupon, and there is nothing to collect
    submission = order.submission
    assert [(d.amount, d.code) for d in submission.lines[0].discounts] == [(Decimal("15.00"), "friends100")]
    assert (submission.total, submission.total_discrepancy) == (Decimal("0.00"), None)
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.GIFT_CARD, PaymentStatus.PAID)
    assert order.notes == ()


STATUSES = {
    "pending": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    "processing": (OrderStatus.RECEIVED, PaymentStatus.PAID),
    "on-hold": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    "completed": (OrderStatus.SHIPPED, PaymentStatus.PAID),
    "cancelled": (OrderStatus.CANCELLED, PaymentStatus.VOIDED),
    "refunded": (OrderStatus.REFUNDED, PaymentStatus.REFUNDED),
    "failed": (OrderStatus.ON_HOLD, PaymentStatus.FAILED),
    "trash": (OrderStatus.CANCELLED, PaymentStatus.VOIDED),
    "checkout-draft": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
}


def test_every_documented_status_is_in_the_tables():
    # GIVEN the statuses WooCommerce documents for an order, and the block checkout's draft
    # WHEN the adapter's tables are read
    # THEN each has an order status and a payment status
    assert set(woocommerce.ORDER_STATUS) == set(woocommerce.PAYMENT_STATUS) == set(STATUSES)


@pytest.mark.parametrize(("status", "expected"), STATUSES.items())
def test_each_status_maps_to_where_the_order_stands_and_its_money(status, expected):
    # GIVEN a card order in the status
    payload = fixture("order.json") | {"status": status}

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the order and its payment stand as the table says, and the channel's word is kept
    assert (order.status, order.submission.payment.status) == expected
    assert order.channel_status == status


def test_a_plugins_own_status_is_held_for_review():
    # GIVEN a status a plugin added
    payload = fixture("order.json") | {"status": "awaiting-shipment"}

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the order is kept, held, and staff are told why
    assert (order.status, order.submission.payment.status) == (OrderStatus.ON_HOLD, PaymentStatus.PENDING)
    assert order.notes == ("status 'awaiting-shipment' is not one of WooCommerce's: held for review",)


GATEWAYS = {
    "bacs": PaymentMethod.BANK_TRANSFER,
    "cheque": PaymentMethod.BANK_TRANSFER,
    "cod": PaymentMethod.CASH_ON_DELIVERY,
    "paypal": PaymentMethod.WALLET,
    "ppcp-gateway": PaymentMethod.WALLET,
    "ppcp-credit-card-gateway": PaymentMethod.CARD,
    "stripe": PaymentMethod.CARD,
    "woocommerce_payments": PaymentMethod.CARD,
    "square_credit_card": PaymentMethod.CARD,
    "braintree_credit_card": PaymentMethod.CARD,
    "braintree_paypal": PaymentMethod.WALLET,
    "klarna_payments": PaymentMethod.BUY_NOW_PAY_LATER,
}


def test_the_gateway_table_holds_the_core_gateways_and_the_tested_plugins():
    # GIVEN WooCommerce's core gateways (bacs, cheque, cod, paypal) and the plugins' tested here
    # WHEN the adapter's table is read
    # THEN it is exactly these
    assert woocommerce.PAYMENT_METHOD == GATEWAYS


@pytest.mark.parametrize(("gateway", "method"), GATEWAYS.items())
def test_each_gateway_maps_to_a_payment_method(gateway, method):
    # GIVEN a completed order paid through the gateway
    payload = fixture("order.json") | {"payment_method": gateway, "status": "completed"}

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the method is the table's, without a note
    assert order.submission.payment.method == method
    assert order.notes == ()


def test_an_unknown_gateway_is_recorded_as_card_with_a_note():
    # GIVEN a gateway plugin the table does not know
    payload = fixture("order.json") | {"payment_method": "mollie_wc_gateway_ideal", "payment_method_title": "iDEAL"}

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the paid order is kept as card, and staff are told
    assert order.submission.payment.method == PaymentMethod.CARD
    assert order.notes == ("payment_method 'mollie_wc_gateway_ideal' (iDEAL) is not one we know: recorded as card",)


@pytest.mark.parametrize(("method_id", "method"), woocommerce.DELIVERY_METHOD.items())
def test_each_shipping_method_maps_to_a_delivery_method(method_id, method):
    # GIVEN an order shipped by the method
    payload = fixture("order.json")
    payload["shipping_lines"][0]["method_id"] = method_id

    # WHEN it is adapted
    delivery = woocommerce.to_channel_order(payload).submission.delivery

    # THEN the delivery method is the table's; a pickup names its location
    assert delivery.method == method
    assert (delivery.pickup_location_id is not None) == (method == DeliveryMethod.STORE_PICKUP)


def test_the_core_shipping_methods_are_in_the_table():
    # GIVEN WooCommerce's core shipping methods
    # WHEN the table is read
    # THEN flat rate and free shipping are standard, local pickup a store pickup
    assert {key: woocommerce.DELIVERY_METHOD[key] for key in ("flat_rate", "free_shipping", "local_pickup")} == {
        "flat_rate": DeliveryMethod.STANDARD,
        "free_shipping": DeliveryMethod.STANDARD,
        "local_pickup": DeliveryMethod.STORE_PICKUP,
    }


def test_an_unknown_shipping_method_ships_standard_with_a_note():
    # GIVEN a table-rate plugin's method
    payload = fixture("order.json")
    payload["shipping_lines"][0].update(method_id="table_rate", method_title="Table rate")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it ships standard, and staff are told
    assert order.submission.delivery.method == DeliveryMethod.STANDARD
    assert order.notes == ("shipping method 'table_rate' (Table rate) is not one we know: recorded as standard",)


def test_a_payload_of_the_wrong_shape_names_the_native_fields_missing():
    # GIVEN an order.deleted body, which is the id alone
    payload = {"id": 5821}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        woocommerce.to_channel_order(payload)

    # THEN every missing native field is named
    assert fields_of(raised) == {"status", "currency", "date_created_gmt", "total", "line_items.0"}


def test_a_line_missing_its_amounts_or_with_unreadable_money_is_named():
    # GIVEN a second line without subtotal and a total that is not money
    payload = fixture("order.json") | {"total": "78,66"}
    del payload["line_items"][1]["subtotal"]

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        woocommerce.to_channel_order(payload)

    # THEN both are named by their native paths
    assert raised.value.problems == [
        {"field": "line_items.1.subtotal", "problem": "missing"},
        {"field": "total", "problem": "not an amount"},
    ]


def test_what_the_canonical_model_refuses_is_named_by_its_native_field():
    # GIVEN a line of quantity 0 and a shipping country that is not a country
    payload = fixture("order.json")
    payload["line_items"][0]["quantity"] = 0
    payload["shipping"]["country"] = "Germany"

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        woocommerce.to_channel_order(payload)

    # THEN the problems name WooCommerce's fields, not ours
    assert {"line_items.0.quantity", "shipping.country"} <= fields_of(raised)


def test_a_total_that_does_not_add_up_is_kept_with_its_discrepancy():
    # GIVEN an order whose stated total is 1.34 more than its parts
    payload = fixture("order.json") | {"total": "80.00"}

    # WHEN it is adapted
    submission = woocommerce.to_channel_order(payload).submission

    # THEN the channel's total stands, and the difference is recorded
    assert (submission.total, submission.total_discrepancy) == (Decimal("80.00"), Decimal("1.34"))


def test_a_phone_that_is_not_a_number_is_dropped_with_a_note():
    # GIVEN a billing phone no one can dial
    payload = fixture("guest_order_local_phone.json")
    payload["billing"]["phone"] = "n/a"

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN the paid order is kept without the phone, and staff are told
    assert order.submission.customer.phone is None
    assert "billing.phone dropped: not a valid phone number" in order.notes


def test_an_empty_shipping_address_is_the_billing_one_as_woocommerce_does():
    # GIVEN an order created in the admin, its shipping fields left empty
    payload = fixture("order.json")
    payload["shipping"] = dict.fromkeys(payload["shipping"], "")

    # WHEN it is adapted
    order = woocommerce.to_channel_order(payload)

    # THEN it ships to the billing address, and staff are told
    assert order.submission.shipping_address == order.submission.billing_address
    assert order.notes == ("shipping address is empty: the billing address is used",)


def test_the_signature_is_woocommerces_base64_hmac_header():
    # GIVEN WooCommerce's webhook delivery headers
    # WHEN the adapter says how its webhooks are signed
    signature = woocommerce.SIGNATURE

    # THEN it is the base64 HMAC-SHA256 of the body in X-WC-Webhook-Signature
    assert (signature.header, signature.encoding, signature.url_then_body) == (
        "X-WC-Webhook-Signature", "base64", False,
    )
